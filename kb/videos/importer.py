"""Import video tutorials from yt-dlp: a URL (video, playlist, channel) through its Python API, or a saved info JSON.

Two phases: first everything is fetched and mapped to plain records (network, files, subtitles); only then are
the records written, each in its own savepoint. A failure of the SOURCE (network error, unsupported URL, broken
JSON) therefore raises ImportSourceError before anything touches the database. A failure of one ENTRY of a
playlist or channel (unavailable video, missing media file, no format within the limits) is a failed record:
reported and counted, the other entries still import.

``--download`` takes one progressive file of at most 720p (or of unknown height) and at most
VIDEO_MAX_FILESIZE bytes; a source that offers only bigger formats is refused for that video, never fetched.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import update

from core.extensions import db
from kb.models import Category
from kb.videos import subtitles
from kb.videos.models import Video

MEDIA_SUBDIR = "videos"
MAX_HEIGHT = 720
DEFAULT_MAX_FILESIZE = 250 * 1024 * 1024  # a few minutes of 720p tutorial; VIDEO_MAX_FILESIZE overrides it
# Capped in every alternative: "<=?" also admits a format whose height nobody knows (a plain MP4 link), which
# max_filesize then bounds. No uncapped fallback: a source with only bigger formats is refused.
DOWNLOAD_FORMAT = (f"best[height<=?{MAX_HEIGHT}][ext=mp4][filesize<=?{{size}}]"
                   f"/best[height<=?{MAX_HEIGHT}][filesize<=?{{size}}]")
Echo = Callable[[str], None]
LANG_LABELS = {"de": "Deutsch", "en": "English", "fr": "Français", "it": "Italiano"}


class ImportSourceError(Exception):
    """The source as a whole is unusable; the message is one line for the command line."""


class MappingError(ValueError):
    """One entry of the source cannot become a video (e.g. it has no id)."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (f"Videos: {self.created} neu, {self.updated} aktualisiert, {self.unchanged} unverändert, "
                f"{self.failed} fehlgeschlagen")
        if self.warnings:
            text += f", {len(self.warnings)} Warnung(en)"
        return text


@dataclass
class Record:
    """One mapped video, ready to be written."""
    fields: dict
    warnings: list[str] = field(default_factory=list)
    category_hint: str | None = None
    media: dict | None = None  # media_path, thumbnail_path, caption_tracks when downloaded


# --- reading sources ----------------------------------------------------------------------------------------

def one_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    text = re.sub(r"^(ERROR|WARNING):\s*", "", text.strip())
    text = re.sub(r"\s*\(caused by .*$", "", text, flags=re.DOTALL)
    if "Unable to download" in text or "Failed to establish" in text or "timed out" in text:
        text = "Netzwerkfehler: " + text
    return re.sub(r"\s+", " ", text)[:300]


def load_info_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportSourceError(f"Datei {path.name} kann nicht gelesen werden: {one_line(exc)}") from None
    except ValueError as exc:
        raise ImportSourceError(f"Datei {path.name} ist kein gültiges JSON: {one_line(exc)}") from None
    if not isinstance(data, dict):
        raise ImportSourceError(f"Datei {path.name} ist keine yt-dlp-Info-JSON (erwartet wird ein Objekt).")
    return data


def entries(info: dict) -> list:
    """The videos of an info dict: itself, or the (nested) entries of a playlist or channel. An entry yt-dlp
    could not read (null in a saved JSON) stays in the list, so it is counted as failed, not forgotten."""
    if info.get("_type") in {"playlist", "multi_video"} or "entries" in info:
        result = []
        for entry in info.get("entries") or []:
            result.extend(entries(entry) if isinstance(entry, dict) else [entry])
        return result
    return [info]


# --- mapping --------------------------------------------------------------------------------------------------

def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _upload_date(value) -> date | None:
    if isinstance(value, str) and re.fullmatch(r"\d{8}", value):
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return None
    return None


def map_chapters(raw, duration: float | None) -> list[dict]:
    items = [c for c in (raw if isinstance(raw, list) else []) if isinstance(c, dict) and _number(c.get("start_time")) is not None]
    items.sort(key=lambda c: c["start_time"])
    chapters = []
    for index, chapter in enumerate(items):
        start = _number(chapter["start_time"])
        end = _number(chapter.get("end_time"))
        if end is None:
            end = _number(items[index + 1]["start_time"]) if index + 1 < len(items) else duration
        title = _text(chapter.get("title"), 200) or f"Kapitel {index + 1}"
        chapters.append({"start": round(start, 3), "end": round(end, 3) if end is not None else None,
                         "title": title})
    return chapters


def provider_of(info: dict) -> str:
    key = info.get("extractor_key") or info.get("ie_key") or info.get("extractor") or "generic"
    return re.sub(r"[^a-z0-9_:.-]", "", str(key).lower())[:32] or "generic"


def choose_transcript(info: dict, fetch: Callable[[dict], str]) -> tuple[list[dict], str | None, str | None,
                                                                       list[str]]:
    """(cues, lang, kind, warnings): the first candidate in preference order that parses."""
    warnings = []
    for kind, key, lang, fmt in subtitles.candidates(info):
        try:
            text = fmt.get("data") if isinstance(fmt.get("data"), str) else fetch(fmt)
            return subtitles.parse(text, fmt.get("ext")), lang, kind, warnings
        except subtitles.SubtitleError as exc:
            warnings.append(f"Untertitel {key} ({kind}) fehlerhaft: {one_line(exc)}")
        except Exception as exc:  # network trouble fetching one subtitle file must not stop the import
            warnings.append(f"Untertitel {key} ({kind}) nicht abrufbar: {one_line(exc)}")
    return [], None, None, warnings


def _no_fetch(fmt: dict) -> str:
    raise subtitles.SubtitleError("Untertitel nur als URL vorhanden; offline nicht abrufbar.")


def map_info(info: dict, fetch: Callable[[dict], str] = _no_fetch) -> Record:
    """A yt-dlp info dict (one video) → Record. Missing optional fields get defaults; no id is an error."""
    if not isinstance(info, dict):
        raise MappingError("Eintrag ist kein Objekt.")
    provider_id = info.get("id")
    if not isinstance(provider_id, (str, int)) or not str(provider_id).strip():
        raise MappingError("Eintrag ohne id.")
    provider_id = str(provider_id).strip()[:120]
    duration = _number(info.get("duration"))
    cues, lang, kind, warnings = choose_transcript(info, fetch)
    title = _text(info.get("title") or info.get("fulltitle"), 300)
    if not title:
        title = provider_id
        warnings.append(f"{provider_id}: kein Titel, die id wird verwendet.")
    tags = []
    raw_tags = info.get("tags") if isinstance(info.get("tags"), list) else []
    for tag in raw_tags:
        if isinstance(tag, str) and tag.strip() and tag.strip().lower()[:40] not in tags:
            tags.append(tag.strip().lower()[:40])
    thumbnail = info.get("thumbnail")
    language = _text(info.get("language"), 5) or lang or "de"
    fields = {
        "provider": provider_of(info),
        "provider_id": provider_id,
        "title": title,
        "description": _text(info.get("description"), 20000),
        "duration": int(round(duration)) if duration is not None else None,
        "thumbnail_url": thumbnail[:1000] if isinstance(thumbnail, str) and thumbnail.startswith("http") else None,
        "chapters": map_chapters(info.get("chapters"), duration),
        "transcript": cues,
        "transcript_lang": lang,
        "transcript_kind": kind,
        "lang": language.split("-")[0][:5],
        "tags": tags[:20],
        "source_url": _text(info.get("webpage_url") or info.get("original_url") or info.get("url"), 1000),
        "uploader": _text(info.get("uploader") or info.get("channel"), 200),
        "upload_date": _upload_date(info.get("upload_date")),
    }
    view_count = info.get("view_count")
    record = Record(fields=fields, warnings=[f"{provider_id}: {w}" if not w.startswith(provider_id) else w
                                             for w in warnings],
                    category_hint=info.get("helpcenter_category") if isinstance(info.get("helpcenter_category"),
                                                                                str) else None)
    record.fields["provider_view_count"] = view_count if isinstance(view_count, int) else None
    return record


def metadata_hash(fields: dict) -> str:
    stable = {k: v for k, v in fields.items() if k != "provider_view_count"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


# --- writing ---------------------------------------------------------------------------------------------------

def _category(slug: str | None) -> Category | None:
    if not slug:
        return None
    return db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one_or_none()


def upsert(record: Record, category_slug: str | None = None) -> str:
    """Create or update one video; returns "created", "updated" or "unchanged". Caller commits."""
    fields = record.fields
    video = db.session.execute(db.select(Video).where(Video.provider == fields["provider"],
                                                      Video.provider_id == fields["provider_id"])
                               ).scalar_one_or_none()
    digest = metadata_hash(fields)
    media_changed = False
    if video is None:
        video = Video(**fields, metadata_hash=digest, caption_tracks=[])
        video.category = _category(category_slug or record.category_hint)
        db.session.add(video)
        outcome = "created"
    else:
        if record.media:
            media_changed = any(getattr(video, k) != v for k, v in record.media.items())
        if video.metadata_hash == digest and not media_changed:
            if video.provider_view_count != fields["provider_view_count"]:
                # Refreshed quietly: not an update (updated_at drives feeds and the search index).
                db.session.execute(update(Video).where(Video.id == video.id).values(
                    provider_view_count=fields["provider_view_count"], updated_at=Video.updated_at))
            return "unchanged"
        for key, value in fields.items():
            if key == "tags" and video.editor_curated:
                continue
            setattr(video, key, value)
        if video.category_id is None and not video.editor_curated and (category_slug or record.category_hint):
            video.category = _category(category_slug or record.category_hint)
        video.metadata_hash = digest
        outcome = "updated"
    if record.media:
        for key, value in record.media.items():
            setattr(video, key, value)
    db.session.flush()
    return outcome


def write_records(records: list[Record | MappingError], *, category_slug: str | None = None,
                  echo: Echo = print) -> ImportSummary:
    summary = ImportSummary()
    labels = {"created": "neu", "updated": "aktualisiert", "unchanged": "unverändert"}
    total = len(records)
    for index, record in enumerate(records, start=1):
        prefix = f"[{index}/{total}]"
        if isinstance(record, Exception):
            summary.failed += 1
            summary.errors.append(one_line(record))
            echo(f"{prefix} fehlgeschlagen: {one_line(record)}")
            continue
        try:
            with db.session.begin_nested():
                outcome = upsert(record, category_slug)
        except Exception as exc:  # one bad record (e.g. a database constraint) must not stop the others
            summary.failed += 1
            summary.errors.append(f"{record.fields['provider_id']}: {one_line(exc)}")
            echo(f"{prefix} fehlgeschlagen: {record.fields['provider_id']}: {one_line(exc)}")
            continue
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        summary.warnings.extend(record.warnings)
        echo(f"{prefix} {labels[outcome]}: {record.fields['title']}")
        for warning in record.warnings:
            echo(f"    Warnung: {warning}")
    return summary


def map_all(infos: list, fetch: Callable[[dict], str] = _no_fetch) -> list[Record | MappingError]:
    records: list[Record | MappingError] = []
    for info in infos:
        if not isinstance(info, dict):
            records.append(MappingError("?: Eintrag fehlt (yt-dlp konnte ihn nicht lesen)."))
            continue
        try:
            records.append(map_info(info, fetch))
        except MappingError as exc:
            label = (info.get("title") or info.get("id") or "?") if isinstance(info, dict) else "?"
            records.append(MappingError(f"{label}: {exc}"))
    return records


# --- yt-dlp -------------------------------------------------------------------------------------------------

class _Logger:
    """Keeps yt-dlp quiet (its errors reach us as exceptions) but notes a download refused for its size."""

    def __init__(self):
        self.too_large: list[str] = []

    def debug(self, msg):
        if "max-filesize" in str(msg):
            self.too_large.append(str(msg))

    def info(self, msg):
        self.debug(msg)

    def warning(self, msg):
        pass

    def error(self, msg):
        pass


def max_filesize() -> int:
    from flask import current_app, has_app_context

    value = current_app.config.get("VIDEO_MAX_FILESIZE") if has_app_context() else None
    return int(value) if value else DEFAULT_MAX_FILESIZE


def ydl_options(download: bool, media_dir: Path | None, logger: _Logger | None = None) -> dict:
    options = {
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": logger or _Logger(),
        "skip_download": not download, "writesubtitles": True, "writeautomaticsub": True,
        "subtitleslangs": ["de", "de-.*", "en", "en-.*"], "socket_timeout": 20, "ignoreerrors": False,
    }
    if download:
        target = Path(media_dir) / MEDIA_SUBDIR
        target.mkdir(parents=True, exist_ok=True)
        size = max_filesize()
        options.update({
            "format": DOWNLOAD_FORMAT.format(size=size), "max_filesize": size,
            "subtitlesformat": "vtt/srt/best", "writethumbnail": True,
            "restrictfilenames": True, "overwrites": True,
            "outtmpl": {"default": str(target / "%(extractor_key)s-%(id)s.%(ext)s")},
        })
    return options


def _relative(path: str | None, media_dir: Path) -> str | None:
    if not path:
        return None
    try:
        return Path(path).resolve().relative_to(Path(media_dir).resolve()).as_posix()
    except ValueError:
        return None


def downloaded_media(info: dict, record: Record, media_dir: Path) -> dict:
    """What --download wrote for one video: media file, thumbnail and caption tracks (converted to WebVTT)."""
    media_dir = Path(media_dir)
    downloads = info.get("requested_downloads") or []
    media_path = _relative(downloads[0].get("filepath") if downloads else info.get("filepath"), media_dir)
    if media_path is not None and not (media_dir / media_path).is_file():
        media_path = None
    thumbnail_path = None
    for thumb in reversed(info.get("thumbnails") or []):
        if isinstance(thumb, dict) and thumb.get("filepath"):
            thumbnail_path = _relative(thumb["filepath"], media_dir)
            break
    tracks = []
    for lang, sub in sorted((info.get("requested_subtitles") or {}).items()):
        path = sub.get("filepath") if isinstance(sub, dict) else None
        if not path or not Path(path).is_file():
            continue
        try:
            cues = subtitles.parse(Path(path).read_text(encoding="utf-8", errors="replace"), sub.get("ext"))
        except subtitles.SubtitleError as exc:
            record.warnings.append(f"{record.fields['provider_id']}: Untertitel {lang} fehlerhaft: {one_line(exc)}")
            continue
        vtt_path = Path(path).with_suffix(".track.vtt")
        vtt_path.write_text(subtitles.to_vtt(cues), encoding="utf-8")
        base = lang.split("-")[0]
        tracks.append({"lang": base, "label": LANG_LABELS.get(base, lang), "path": _relative(str(vtt_path), media_dir),
                       "kind": "automatic" if lang in (info.get("automatic_captions") or {}) and lang not in (
                           info.get("subtitles") or {}) else "manual"})
    return {"media_path": media_path, "thumbnail_path": thumbnail_path, "caption_tracks": tracks}


def subtitle_fetcher(ydl) -> Callable[[dict], str]:
    def fetch(fmt: dict) -> str:
        url = fmt.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://", url):
            raise subtitles.SubtitleError("Untertitel ohne gültige URL.")
        with ydl.urlopen(url) as response:
            return response.read(5_000_000).decode("utf-8", errors="replace")
    return fetch


class _lazy_fetcher:
    """A YoutubeDL opened only when a subtitle actually has to be fetched (inline data needs none)."""

    def __init__(self):
        self._ydl = None

    def __enter__(self) -> Callable[[dict], str]:
        def fetch(fmt: dict) -> str:
            if self._ydl is None:
                import yt_dlp
                self._ydl = yt_dlp.YoutubeDL({**ydl_options(False, None), "socket_timeout": 10})
            return subtitle_fetcher(self._ydl)(fmt)
        return fetch

    def __exit__(self, *exc) -> None:
        if self._ydl is not None:
            self._ydl.close()


def _entry_label(entry) -> str:
    if not isinstance(entry, dict):
        return "?"
    return str(entry.get("title") or entry.get("id") or entry.get("url") or "?")[:200]


def size_limit_label() -> str:
    size = max_filesize()
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size} Bytes"


def entry_error(exc: Exception) -> str:
    """One line for an entry yt-dlp could not process; the size and resolution limits in plain words."""
    text = one_line(exc)
    if "Requested format is not available" in text:
        return f"Download abgelehnt: kein Format bis {MAX_HEIGHT}p und höchstens {size_limit_label()} angeboten."
    return text


def _mapped(info, fetch, records: list) -> Record | None:
    try:
        return map_info(info, fetch)
    except MappingError as exc:
        records.append(MappingError(f"{_entry_label(info)}: {exc}"))
        return None


def process_entries(ydl, info: dict, *, download: bool, media_dir: Path | None,
                    logger: _Logger) -> list[Record | MappingError]:
    """Resolve and (with --download) fetch each entry on its own, so one broken entry fails alone."""
    import yt_dlp

    fetch = subtitle_fetcher(ydl)
    records: list[Record | MappingError] = []
    for entry in entries(info):
        if not isinstance(entry, dict):
            records.append(MappingError("?: Eintrag fehlt (yt-dlp konnte ihn nicht lesen)."))
            continue
        if download and not (entry.get("formats") or entry.get("url")):
            # A saved info JSON with metadata only (like the demo fixtures): nothing to fetch, import what is there.
            record = _mapped(entry, fetch, records)
            if record is not None:
                record.warnings.append(f"{record.fields['provider_id']}: keine Formate in der Info-JSON, "
                                       "nichts heruntergeladen.")
                records.append(record)
            continue
        before = len(logger.too_large)
        try:
            processed = ydl.process_ie_result(dict(entry), download=download)
        except yt_dlp.utils.YoutubeDLError as exc:
            records.append(MappingError(f"{_entry_label(entry)}: {entry_error(exc)}"))
            continue
        for video in entries(processed) if isinstance(processed, dict) else [None]:
            record = _mapped(video, fetch, records)
            if record is None:
                continue
            if download:
                record.media = downloaded_media(video, record, media_dir)
                if record.media["media_path"] is None:
                    reason = (f"Download abgelehnt: die Datei ist grösser als {size_limit_label()}."
                              if len(logger.too_large) > before else "keine Videodatei heruntergeladen.")
                    records.append(MappingError(f"{record.fields['title']}: {reason}"))
                    continue
            records.append(record)
    return records


def fetch_url(url: str, *, download: bool = False, media_dir: Path | None = None) -> list[Record | MappingError]:
    """Ask yt-dlp for a video, playlist or channel; each entry is processed (and downloaded) on its own."""
    import yt_dlp

    logger = _Logger()
    try:
        with yt_dlp.YoutubeDL(ydl_options(download, media_dir, logger)) as ydl:
            info = ydl.extract_info(url, download=False, process=False)
            if not isinstance(info, dict):
                raise ImportSourceError(f"Keine Videos gefunden unter {url}.")
            return process_entries(ydl, info, download=download, media_dir=media_dir, logger=logger)
    except ImportSourceError:
        raise
    except yt_dlp.utils.DownloadError as exc:
        raise ImportSourceError(one_line(exc)) from None
    except yt_dlp.utils.YoutubeDLError as exc:
        raise ImportSourceError(one_line(exc) or "yt-dlp-Fehler") from None
    except OSError as exc:
        raise ImportSourceError(f"Netzwerk- oder Dateifehler: {one_line(exc)}") from None


def read_source(source: str, *, download: bool = False, media_dir: Path | None = None,
                echo: Echo = lambda line: None) -> list[Record | MappingError]:
    """Phase one: everything fetched and mapped, nothing written."""
    source = (source or "").strip()
    if re.match(r"^https?://", source, re.IGNORECASE):
        echo(f"Abrufen mit yt-dlp: {source}" + (" (mit Download)" if download else " (nur Metadaten und Untertitel)"))
        return fetch_url(source, download=download, media_dir=media_dir)
    path = Path(source)
    if source and path.is_file():
        info = load_info_file(path)
        if download:
            # An info JSON may carry formats; let yt-dlp fetch them as if it had just extracted the page.
            return fetch_saved_with_download(info, media_dir)
        # A saved `yt-dlp -J` has subtitle URLs, not their text: fetch them if the network allows, else warn.
        with _lazy_fetcher() as fetch:
            return map_all(entries(info), fetch)
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise ImportSourceError(f"Nicht unterstützte URL: {source} (nur http und https).")
    raise ImportSourceError(f"Weder eine Info-JSON-Datei noch eine URL: {source or '(leer)'}")


def fetch_saved_with_download(info: dict, media_dir: Path | None) -> list[Record | MappingError]:
    """--download with a saved info JSON: yt-dlp processes the stored formats (needs network to the media)."""
    import yt_dlp

    logger = _Logger()
    try:
        with yt_dlp.YoutubeDL(ydl_options(True, media_dir, logger)) as ydl:
            return process_entries(ydl, info, download=True, media_dir=media_dir, logger=logger)
    except yt_dlp.utils.YoutubeDLError as exc:
        raise ImportSourceError(one_line(exc)) from None
    except OSError as exc:
        raise ImportSourceError(f"Netzwerk- oder Dateifehler: {one_line(exc)}") from None


def import_source(source: str, *, download: bool = False, media_dir: Path | None = None,
                  category_slug: str | None = None, echo: Echo = print) -> ImportSummary:
    """Read the whole source, then write every video in its own savepoint and commit once.

    Raises ImportSourceError (database untouched) when the source itself fails."""
    if category_slug and _category(category_slug) is None:
        raise ImportSourceError(f"Unbekannte Kategorie: {category_slug}")
    records = read_source(source, download=download, media_dir=media_dir, echo=echo)
    if not records:
        raise ImportSourceError("Die Quelle enthält keine Videos.")
    try:
        summary = write_records(records, category_slug=category_slug, echo=echo)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary
