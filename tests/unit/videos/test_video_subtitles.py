"""Subtitle parsing: WebVTT, SRT, json3, XML; malformed input raises SubtitleError; preference order."""
import json

import pytest

from kb.videos import subtitles
from kb.videos.subtitles import SubtitleError


def test_webvtt_cues_with_settings_tags_and_entities():
    text = ("WEBVTT\nKind: captions\nLanguage: de\n\nNOTE ein Kommentar\n\n1\n00:00:01.000 --> 00:00:03.500 "
            "align:start position:0%\n<c>Hallo</c> &amp; <b>willkommen</b>\nzweite Zeile\n\n"
            "01:02.250 --> 01:04.000\nKurzform ohne Stunden\n")
    cues = subtitles.parse(text, "vtt")
    assert cues == [{"start": 1.0, "end": 3.5, "text": "Hallo & willkommen zweite Zeile"},
                    {"start": 62.25, "end": 64.0, "text": "Kurzform ohne Stunden"}]


def test_srt_with_comma_milliseconds_and_crlf():
    text = "1\r\n00:00:02,000 --> 00:00:04,000\r\nErste Zeile\r\n\r\n2\r\n00:01:00,500 --> 00:01:02,000\r\nZweite\r\n"
    assert subtitles.parse(text, "srt") == [{"start": 2.0, "end": 4.0, "text": "Erste Zeile"},
                                            {"start": 60.5, "end": 62.0, "text": "Zweite"}]


def test_format_guessed_without_extension():
    assert subtitles.parse("WEBVTT\n\n00:00.000 --> 00:01.000\nHi")[0]["text"] == "Hi"
    assert subtitles.parse("1\n00:00:00,000 --> 00:00:01,000\nHi")[0]["text"] == "Hi"


def test_json3_and_srv_xml_and_ttml():
    json3 = json.dumps({"events": [{"tStartMs": 1000, "dDurationMs": 2000, "segs": [{"utf8": "Guten "},
                                                                                   {"utf8": "Tag"}]},
                                   {"tStartMs": 5000}]})
    assert subtitles.parse(json3, "json3") == [{"start": 1.0, "end": 3.0, "text": "Guten Tag"}]
    srv1 = '<transcript><text start="1.5" dur="2">Eins &amp; zwei</text></transcript>'
    assert subtitles.parse(srv1, "srv1") == [{"start": 1.5, "end": 3.5, "text": "Eins & zwei"}]
    srv3 = '<timedtext><body><p t="2000" d="1500">Drei</p></body></timedtext>'
    assert subtitles.parse(srv3, "srv3") == [{"start": 2.0, "end": 3.5, "text": "Drei"}]
    ttml = ('<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="00:00:04.000" end="00:00:05.000">Vier</p>'
            '</div></body></tt>')
    assert subtitles.parse(ttml, "ttml") == [{"start": 4.0, "end": 5.0, "text": "Vier"}]


def test_automatic_caption_rolling_duplicates_are_merged():
    text = ("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHallo zusammen\n\n"
            "00:00:02.000 --> 00:00:02.010\nHallo zusammen\n\n"
            "00:00:02.010 --> 00:00:04.000\nHallo zusammen heute geht es los\n")
    assert subtitles.parse(text, "vtt") == [{"start": 0.0, "end": 2.01, "text": "Hallo zusammen"},
                                            {"start": 2.01, "end": 4.0, "text": "heute geht es los"}]


@pytest.mark.parametrize("text, ext", [
    ("", "vtt"),
    ("   \n", None),
    ("keine Untertitel hier", "vtt"),
    ("WEBVTT\n\nnur Text ohne Zeiten\n", "vtt"),
    ("WEBVTT\n\n00:00:99.000 --> 00:01:00.000\nUngültige Sekunden\n", "vtt"),
    ("1\nkaputt --> auch kaputt\nText\n", "srt"),
    ("{not json", "json3"),
    ('{"events": "nope"}', "json3"),
    ("<transcript><text start='x'>a</text>", "srv1"),
    ("<transcript><text start='abc' dur='1'>a</text></transcript>", "srv1"),
])
def test_malformed_input_raises_subtitle_error(text, ext):
    with pytest.raises(SubtitleError):
        subtitles.parse(text, ext)


def test_non_string_input_is_rejected():
    with pytest.raises(SubtitleError):
        subtitles.parse(None, "vtt")  # type: ignore[arg-type]


def test_preference_manual_german_then_english_then_automatic():
    fmt = lambda ext="vtt": {"ext": ext, "data": "WEBVTT\n\n00:00.000 --> 00:01.000\nx"}  # noqa: E731
    info = {"subtitles": {"en": [fmt()], "de-CH": [fmt("srt"), fmt()]},
            "automatic_captions": {"de": [fmt("json3")], "en": [fmt()]}}
    order = [(kind, key) for kind, key, _lang, _fmt in subtitles.candidates(info)]
    assert order == [("manual", "de-CH"), ("manual", "en"), ("automatic", "de"), ("automatic", "en")]
    assert subtitles.candidates(info)[0][3]["ext"] == "vtt"  # vtt preferred over srt within a language
    assert subtitles.candidates({"subtitles": {"fr": [fmt()]}}) == []
    assert subtitles.candidates({"subtitles": {"de": [{"ext": "vtt"}]}}) == []  # neither data nor url


def test_to_vtt_round_trip_escapes_markup():
    cues = [{"start": 1.0, "end": 2.5, "text": "A <b> & B"}, {"start": 3661.0, "end": 3662.0, "text": "Später"}]
    text = subtitles.to_vtt(cues)
    assert "01:01:01.000 --> 01:01:02.000" in text and "A &lt;b&gt; &amp; B" in text
    assert subtitles.parse(text, "vtt") == cues
