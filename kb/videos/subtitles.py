"""Subtitles → transcript cues [{start, end, text}] (seconds, plain text).

Understands the formats yt-dlp hands out: WebVTT, SRT, YouTube's json3, srv1/srv2/srv3 and TTML. Anything else,
or a file without a single usable cue, raises SubtitleError so the importer can report it instead of crashing.
"""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

# Preference for the transcript shown on the page: manual German, manual English, then automatic captions.
PREFERENCE = (("subtitles", "de"), ("subtitles", "en"), ("automatic_captions", "de"), ("automatic_captions", "en"))
# Formats we can parse, best first.
FORMATS = ("vtt", "srt", "json3", "srv3", "srv2", "srv1", "ttml")

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class SubtitleError(ValueError):
    """The subtitle file could not be understood."""


def parse_timestamp(value: str) -> float:
    parts = value.strip().replace(",", ".").split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise SubtitleError(f"Ungültige Zeitangabe: {value!r}") from None
    if len(numbers) == 2:
        numbers.insert(0, 0.0)
    if len(numbers) != 3 or numbers[1] >= 60 or numbers[2] >= 60:
        raise SubtitleError(f"Ungültige Zeitangabe: {value!r}")
    return round(numbers[0] * 3600 + numbers[1] * 60 + numbers[2], 3)


def _clean(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def _finish(cues: list[dict]) -> list[dict]:
    """Sort, drop empty and duplicate cues (automatic captions repeat lines as they scroll)."""
    result: list[dict] = []
    for cue in sorted(cues, key=lambda c: c["start"]):
        if not cue["text"] or cue["end"] < cue["start"]:
            continue
        if result and result[-1]["text"] == cue["text"]:
            result[-1]["end"] = max(result[-1]["end"], cue["end"])
            continue
        if result and cue["text"].startswith(result[-1]["text"] + " "):
            cue = {**cue, "text": cue["text"][len(result[-1]["text"]) + 1:]}
        result.append(cue)
    if not result:
        raise SubtitleError("Keine Untertitel-Einträge gefunden.")
    return result


def _parse_blocks(text: str) -> list[dict]:
    """Shared by WebVTT and SRT: blocks separated by blank lines, a timing line, then the cue text."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.strip("\n").split("\n")
        for index, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                start, end = parse_timestamp(match["start"]), parse_timestamp(match["end"])
                cues.append({"start": start, "end": end, "text": _clean(" ".join(lines[index + 1:]))})
                break
    return cues


def parse_vtt(text: str) -> list[dict]:
    body = (text or "").lstrip("\ufeff")
    if not body.startswith("WEBVTT"):
        raise SubtitleError("Keine WebVTT-Datei (Kopfzeile WEBVTT fehlt).")
    return _finish(_parse_blocks(body))


def parse_srt(text: str) -> list[dict]:
    return _finish(_parse_blocks((text or "").lstrip("\ufeff")))


def parse_json3(text: str) -> list[dict]:
    try:
        data = json.loads(text)
        events = data["events"]
    except (ValueError, TypeError, KeyError):
        raise SubtitleError("Ungültige json3-Untertitel.") from None
    cues = []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or "segs" not in event:
            continue
        start = float(event.get("tStartMs", 0)) / 1000
        end = start + float(event.get("dDurationMs", 0)) / 1000
        words = "".join(str(seg.get("utf8", "")) for seg in event["segs"] if isinstance(seg, dict))
        cues.append({"start": round(start, 3), "end": round(end, 3), "text": _clean(words)})
    return _finish(cues)


def _xml_time(value: str | None, unit_ms: bool = False) -> float:
    if value is None:
        raise SubtitleError("Zeitangabe fehlt.")
    value = value.strip()
    if unit_ms:
        return float(value) / 1000
    if value.endswith("ms"):
        return float(value[:-2]) / 1000
    if value.endswith("s"):
        return float(value[:-1])
    if ":" in value:
        return parse_timestamp(value)
    return float(value)


def parse_xml(text: str) -> list[dict]:
    """srv1 (<text start dur>), srv3 (<p t d> in ms) and TTML (<p begin end>)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        raise SubtitleError("Ungültige XML-Untertitel.") from None
    cues = []
    try:
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            content = _clean(" ".join(element.itertext()))
            if tag == "text" and "start" in element.attrib:
                start = float(element.attrib["start"])
                cues.append({"start": round(start, 3), "end": round(start + float(element.attrib.get("dur", 0)), 3),
                             "text": content})
            elif tag == "p" and "t" in element.attrib:
                start = _xml_time(element.attrib["t"], unit_ms=True)
                cues.append({"start": round(start, 3),
                             "end": round(start + float(element.attrib.get("d", 0)) / 1000, 3), "text": content})
            elif tag == "p" and "begin" in element.attrib:
                start = _xml_time(element.attrib["begin"])
                end = _xml_time(element.attrib["end"]) if "end" in element.attrib else start + _xml_time(
                    element.attrib.get("dur", "0"))
                cues.append({"start": round(start, 3), "end": round(end, 3), "text": content})
    except ValueError as exc:
        raise SubtitleError(f"Ungültige Zeitangabe: {exc}") from None
    return _finish(cues)


_PARSERS = {"vtt": parse_vtt, "srt": parse_srt, "json3": parse_json3, "srv1": parse_xml, "srv2": parse_xml,
            "srv3": parse_xml, "ttml": parse_xml, "xml": parse_xml}


def parse(text: str, ext: str | None = None) -> list[dict]:
    """Parse by extension; without one, guess from the content."""
    if not isinstance(text, str) or not text.strip():
        raise SubtitleError("Leere Untertitel-Datei.")
    ext = (ext or "").lower().lstrip(".")
    if ext not in _PARSERS:
        stripped = text.lstrip("\ufeff \n")
        if stripped.startswith("WEBVTT"):
            ext = "vtt"
        elif stripped.startswith("{"):
            ext = "json3"
        elif stripped.startswith("<"):
            ext = "xml"
        else:
            ext = "srt"
    return _PARSERS[ext](text)


def pick_format(formats: list[dict]) -> dict | None:
    """The best format we can parse from one language's list in info["subtitles"][lang]."""
    usable = [f for f in formats or [] if isinstance(f, dict) and (f.get("data") or f.get("url"))]
    for ext in FORMATS:
        for fmt in usable:
            if (fmt.get("ext") or "").lower() == ext:
                return fmt
    return None


def _language_keys(tracks: dict, lang: str) -> list[str]:
    """'de' matches 'de', 'de-CH', 'de-DE' …; automatic captions also come as 'de-orig'."""
    keys = [key for key in tracks if key == lang]
    keys += sorted(key for key in tracks if key.split("-")[0].lower() == lang and key != lang)
    return keys


def candidates(info: dict) -> list[tuple[str, str, str, dict]]:
    """(kind, source key, language, format) in order of preference: manual de, manual en, automatic de, en."""
    found = []
    for source, lang in PREFERENCE:
        tracks = info.get(source)
        if not isinstance(tracks, dict):
            continue
        for key in _language_keys(tracks, lang):
            fmt = pick_format(tracks[key] if isinstance(tracks[key], list) else [])
            if fmt is not None:
                kind = "manual" if source == "subtitles" else "automatic"
                found.append((kind, key, lang, fmt))
    return found


def to_vtt(cues: list[dict]) -> str:
    """Cues back to WebVTT, for the <track> element of self-hosted videos."""
    def stamp(seconds: float) -> str:
        millis = int(round(seconds * 1000))
        hours, rest = divmod(millis, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        secs, millis = divmod(rest, 1000)
        return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"

    blocks = ["WEBVTT", ""]
    for cue in cues:
        text = cue["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks += [f"{stamp(cue['start'])} --> {stamp(cue['end'])}", text, ""]
    return "\n".join(blocks)
