"""Mapping yt-dlp info JSON (video, playlist, missing fields) and the upsert rules."""
import json
from datetime import date

import pytest

from core.extensions import db
from kb.videos import importer
from kb.videos.models import Video
from tests.factories import make_category
from tests.factories_videos import demo_info, playlist_info, video_info


def test_single_video_mapping():
    record = importer.map_info(video_info())
    f = record.fields
    assert (f["provider"], f["provider_id"], f["title"]) == ("youtube", "abcDEF12345", "Router neu starten")
    assert f["duration"] == 95 and f["upload_date"] == date(2024, 1, 31) and f["uploader"] == "Helpcenter"
    assert f["tags"] == ["router", "neustart"] and f["lang"] == "de" and f["provider_view_count"] == 1234
    assert f["source_url"] == "https://www.youtube.com/watch?v=abcDEF12345"
    assert f["chapters"] == [{"start": 0.0, "end": 30.0, "title": "Vorbereitung"},
                             {"start": 30.0, "end": 95.4, "title": "Neustart"}]
    assert f["transcript"][0] == {"start": 0.5, "end": 4.0, "text": "Willkommen! Heute richten wir das Modem ein."}
    assert (f["transcript_lang"], f["transcript_kind"]) == ("de", "manual")
    assert record.warnings == []


def test_demo_fixture_mapping_uses_helpcenter_category_hint():
    record = importer.map_info(demo_info("hcWlanPw01a"))
    assert record.category_hint == "wlan"
    assert record.fields["provider"] == "youtube" and len(record.fields["chapters"]) == 4
    assert record.fields["transcript_lang"] == "de" and len(record.fields["transcript"]) > 5


def test_playlist_entries_are_flattened_including_nested_and_null_entries():
    nested = playlist_info(video_info("vidAAAAAAAA"), None, playlist_info(video_info("vidBBBBBBBB")))
    assert [e and e["id"] for e in importer.entries(nested)] == ["vidAAAAAAAA", None, "vidBBBBBBBB"]
    demo = json.loads((importer.Path(__file__).resolve().parents[3] / "content/demo/videos/playlist.info.json")
                      .read_text(encoding="utf-8"))
    assert [e["id"] for e in importer.entries(demo)] == ["hcWlanPw01a", "hcModemRst1"]


def test_missing_fields_get_defaults():
    record = importer.map_info({"id": "onlyAnId123"})
    f = record.fields
    assert f["title"] == "onlyAnId123" and f["description"] == "" and f["duration"] is None
    assert f["chapters"] == [] and f["transcript"] == [] and f["tags"] == [] and f["upload_date"] is None
    assert f["provider"] == "generic" and f["thumbnail_url"] is None and f["transcript_kind"] is None
    assert any("kein Titel" in w for w in record.warnings)


def test_chapters_without_end_use_next_start_or_duration():
    info = video_info(chapters=[{"start_time": 50, "title": "Zwei"}, {"start_time": 0}, {"title": "ohne Start"}],
                      duration=80)
    assert importer.map_info(info).fields["chapters"] == [
        {"start": 0.0, "end": 50.0, "title": "Kapitel 1"}, {"start": 50.0, "end": 80.0, "title": "Zwei"}]


def test_bad_field_types_do_not_crash():
    info = video_info(duration="lang", upload_date="2024-01-31", tags="kein-array", view_count="viele",
                      chapters="nein", subtitles="nein", thumbnail=42)
    f = importer.map_info(info).fields
    assert f["duration"] is None and f["upload_date"] is None and f["tags"] == [] and f["chapters"] == []
    assert f["provider_view_count"] is None and f["transcript"] == [] and f["thumbnail_url"] is None


@pytest.mark.parametrize("info", [{}, {"id": ""}, {"id": None, "title": "x"}, {"id": ["x"]}])
def test_entry_without_id_is_a_mapping_error(info):
    with pytest.raises(importer.MappingError):
        importer.map_info(info)


def test_malformed_subtitles_fall_back_to_next_preference_with_warning():
    info = video_info(subtitles={"de": [{"ext": "vtt", "data": "kaputt"}]},
                      automatic_captions={"de": [{"ext": "vtt", "data": "WEBVTT\n\n00:00.000 --> 00:02.000\nAuto"}]})
    record = importer.map_info(info)
    assert record.fields["transcript"] == [{"start": 0.0, "end": 2.0, "text": "Auto"}]
    assert record.fields["transcript_kind"] == "automatic"
    assert any("fehlerhaft" in w for w in record.warnings)


def test_english_manual_preferred_over_german_automatic():
    info = video_info(subtitles={"en": [{"ext": "vtt", "data": "WEBVTT\n\n00:00.000 --> 00:02.000\nHello"}]},
                      automatic_captions={"de": [{"ext": "vtt", "data": "WEBVTT\n\n00:00.000 --> 00:02.000\nHallo"}]})
    f = importer.map_info(info).fields
    assert (f["transcript_lang"], f["transcript_kind"], f["transcript"][0]["text"]) == ("en", "manual", "Hello")


def test_subtitle_urls_without_fetcher_are_reported_not_crashed():
    info = video_info(subtitles={"de": [{"ext": "vtt", "url": "https://example.invalid/de.vtt"}]})
    record = importer.map_info(info)
    assert record.fields["transcript"] == [] and record.warnings


def test_broken_json_file_is_a_source_error(tmp_path):
    path = tmp_path / "kaputt.info.json"
    path.write_text("{kein json", encoding="utf-8")
    with pytest.raises(importer.ImportSourceError, match="kein gültiges JSON"):
        importer.load_info_file(path)
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(importer.ImportSourceError):
        importer.load_info_file(path)


@pytest.mark.parametrize("source", ["", "gibt-es-nicht.json", "ftp://127.0.0.1/video.mp4", "file:///etc/passwd"])
def test_unsupported_sources(source):
    with pytest.raises(importer.ImportSourceError):
        importer.read_source(source)


# --- upsert ---------------------------------------------------------------------------------------------------

def _import(info, **kwargs):
    return importer.write_records(importer.map_all(importer.entries(info)), echo=lambda line: None, **kwargs)


def test_upsert_created_unchanged_updated(app):
    make_category("internet")
    summary = _import(playlist_info(video_info("vidAAAAAAAA", helpcenter_category="internet"),
                                   video_info("vidBBBBBBBB")))
    assert (summary.created, summary.updated, summary.unchanged, summary.failed) == (2, 0, 0, 0)
    video = db.session.execute(db.select(Video).filter_by(provider_id="vidAAAAAAAA")).scalar_one()
    assert video.category.slug == "internet" and video.metadata_hash

    db.session.commit()
    updated_at = video.updated_at
    summary = _import(video_info("vidAAAAAAAA", view_count=99999))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    db.session.commit()
    assert video.provider_view_count == 99999  # refreshed silently, not an "update"
    assert video.updated_at == updated_at

    summary = _import(video_info("vidAAAAAAAA", title="Router neu starten (2024)"))
    assert (summary.updated, summary.unchanged) == (1, 0)
    assert video.title == "Router neu starten (2024)"


def test_editor_curated_category_and_tags_survive_reimport(app):
    wlan, internet = make_category("wlan"), make_category("internet")
    _import(video_info("vidAAAAAAAA", helpcenter_category="internet"))
    video = db.session.execute(db.select(Video).filter_by(provider_id="vidAAAAAAAA")).scalar_one()
    video.category, video.tags, video.editor_curated = wlan, ["handverlesen"], True
    db.session.flush()
    summary = _import(video_info("vidAAAAAAAA", title="Neu", tags=["anders"], helpcenter_category="internet"))
    assert summary.updated == 1
    assert video.title == "Neu" and video.category == wlan and video.tags == ["handverlesen"]
    assert internet.id  # still there, just not assigned


def test_not_curated_tags_follow_the_provider(app):
    _import(video_info("vidAAAAAAAA"))
    _import(video_info("vidAAAAAAAA", tags=["Neu"]))
    assert db.session.execute(db.select(Video.tags).filter_by(provider_id="vidAAAAAAAA")).scalar_one() == ["neu"]


def test_failed_entries_are_counted_and_others_imported(app):
    summary = _import(playlist_info(video_info("vidAAAAAAAA"), {"title": "ohne id"}))
    assert (summary.created, summary.failed) == (1, 1)
    assert "ohne id" in summary.errors[0]
    assert "1 neu" in summary.line() and "1 fehlgeschlagen" in summary.line()


def test_an_unreadable_entry_of_a_saved_playlist_counts_as_failed(app):
    summary = _import(playlist_info(video_info("vidAAAAAAAA"), None, video_info("vidBBBBBBBB")))
    assert (summary.created, summary.failed) == (2, 1)
    assert "Eintrag fehlt" in summary.errors[0]


def test_download_options_are_capped_in_every_alternative(app, tmp_path):
    options = importer.ydl_options(True, tmp_path)
    alternatives = options["format"].split("/")
    assert alternatives and all("[height<=?720]" in alt and "[filesize<=?" in alt for alt in alternatives)
    assert options["max_filesize"] == importer.DEFAULT_MAX_FILESIZE
    assert options["skip_download"] is False and options["writethumbnail"] is True
    app.config["VIDEO_MAX_FILESIZE"] = 5_000_000
    options = importer.ydl_options(True, tmp_path)
    assert options["max_filesize"] == 5_000_000 and "[filesize<=?5000000]" in options["format"]
    metadata_only = importer.ydl_options(False, None)
    assert metadata_only["skip_download"] is True and "format" not in metadata_only


def test_download_format_never_picks_a_format_above_720p():
    import yt_dlp
    formats = [{"format_id": "hd", "url": "http://127.0.0.1/hd.mp4", "ext": "mp4", "height": 1080,
                "vcodec": "avc1", "acodec": "mp4a"},
               {"format_id": "sd", "url": "http://127.0.0.1/sd.mp4", "ext": "mp4", "height": 480,
                "vcodec": "avc1", "acodec": "mp4a"},
               {"format_id": "plain", "url": "http://127.0.0.1/x.webm", "ext": "webm", "vcodec": "vp9",
                "acodec": "opus"}]
    with yt_dlp.YoutubeDL({"quiet": True}) as ydl:
        select = ydl.build_format_selector(importer.DOWNLOAD_FORMAT.format(size=10_000_000))
        picked = [f["format_id"] for f in select({"formats": formats, "has_merged_format": True, "incomplete_formats": False})]
        assert picked == ["sd"]
        picked = [f["format_id"] for f in select({"formats": [formats[0], formats[2]], "has_merged_format": True, "incomplete_formats": False})]
        assert picked == ["plain"]  # height unknown: allowed, max_filesize bounds it
        assert list(select({"formats": [formats[0]], "has_merged_format": True, "incomplete_formats": False})) == []


def test_unknown_category_option_is_a_source_error(app):
    with pytest.raises(importer.ImportSourceError, match="Unbekannte Kategorie"):
        importer.import_source("x.json", category_slug="gibt-es-nicht")
