"""`flask content import-videos`: info JSON, URLs through yt-dlp against a local server, --download, errors."""
import json
from pathlib import Path

import pytest

from core.extensions import db
from kb.videos.models import Video
from tests.factories import make_category
from tests.factories_videos import DEMO_DIR, playlist_info, video_info


def _count() -> int:
    return db.session.execute(db.select(db.func.count(Video.id))).scalar_one()


def _write(tmp_path, data, name="quelle.info.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def test_import_single_info_json_then_unchanged(app, runner, tmp_path):
    make_category("internet")
    db.session.commit()
    source = _write(tmp_path, video_info("vidAAAAAAAA"))
    result = runner.invoke(args=["content", "import-videos", source, "--category", "internet"])
    assert result.exit_code == 0, result.output
    assert "[1/1] neu: Router neu starten" in result.output
    assert "Videos: 1 neu, 0 aktualisiert, 0 unverändert, 0 fehlgeschlagen" in result.output
    video = db.session.execute(db.select(Video)).scalar_one()
    assert video.category.slug == "internet" and video.transcript
    again = runner.invoke(args=["content", "import-videos", source])
    assert "Videos: 0 neu, 0 aktualisiert, 1 unverändert" in again.output


def test_import_demo_playlist_json(app, runner):
    result = runner.invoke(args=["content", "import-videos", str(DEMO_DIR / "playlist.info.json")])
    assert result.exit_code == 0, result.output
    assert "Videos: 2 neu" in result.output
    assert {v.provider_id for v in db.session.execute(db.select(Video)).scalars()} == {"hcWlanPw01a", "hcModemRst1"}


def test_partial_failure_reports_and_exits_nonzero(app, runner, tmp_path):
    source = _write(tmp_path, playlist_info(video_info("vidAAAAAAAA"), {"title": "ohne id"}))
    result = runner.invoke(args=["content", "import-videos", source])
    assert result.exit_code == 1
    assert "1 neu" in result.output and "1 fehlgeschlagen" in result.output and _count() == 1


def test_malformed_subtitles_are_a_warning_in_the_summary(app, runner, tmp_path):
    source = _write(tmp_path, video_info(subtitles={"de": [{"ext": "vtt", "data": "kein vtt"}]}))
    result = runner.invoke(args=["content", "import-videos", source])
    assert result.exit_code == 0 and "Warnung" in result.output and "1 Warnung(en)" in result.output


@pytest.mark.parametrize("kind", ["broken_json", "missing_file", "unsupported_scheme", "network", "no_video",
                                  "unknown_category"])
def test_source_errors_one_line_nonzero_exit_database_unchanged(app, runner, tmp_path, kind, closed_port_url,
                                                                 media_server):
    runner.invoke(args=["content", "import-videos", _write(tmp_path, video_info("vidKEEP0001"), "ok.json")])
    before = [(v.provider_id, v.title, v.metadata_hash) for v in db.session.execute(db.select(Video)).scalars()]
    args = {
        "broken_json": [_write(tmp_path, '{"id": "x", "title": ', "kaputt.json")],
        "missing_file": [str(tmp_path / "gibt-es-nicht.json")],
        "unsupported_scheme": ["ftp://127.0.0.1/video.mp4"],
        "network": [closed_port_url],
        "no_video": [media_server + "/leer.html"],
        "unknown_category": [_write(tmp_path, video_info("vidNEW00001"), "neu.json"), "--category", "nope"],
    }[kind]
    result = runner.invoke(args=["content", "import-videos", *args])
    assert result.exit_code == 1
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1 and error_lines[0].startswith("Fehler: "), result.output
    assert "neu" not in result.output  # nothing was written
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert [(v.provider_id, v.title, v.metadata_hash) for v in db.session.execute(db.select(Video)).scalars()] == before


def test_url_import_metadata_and_subtitles_only(app, runner, media_server, tmp_path):
    result = runner.invoke(args=["content", "import-videos", media_server + "/tutorial.html"])
    assert result.exit_code == 0, result.output
    video = db.session.execute(db.select(Video)).scalar_one()
    assert video.provider == "html5mediaembed" and video.source_url.endswith("/tutorial.html")
    assert video.transcript == [{"start": 0.0, "end": 2.0, "text": "Willkommen zum Testvideo."},
                                {"start": 2.0, "end": 4.0, "text": "Hier sehen Sie eine blaue Fläche."}]
    assert video.transcript_kind == "manual" and video.media_path is None
    assert not (Path(app.config["MEDIA_DIR"]) / "videos").exists() or not any(
        (Path(app.config["MEDIA_DIR"]) / "videos").iterdir())


def test_download_self_hosts_video_captions_thumbnail(app, runner, client, media_server):
    result = runner.invoke(args=["content", "import-videos", media_server + "/tutorial.html", "--download"])
    assert result.exit_code == 0, result.output
    video = db.session.execute(db.select(Video)).scalar_one()
    media_dir = Path(app.config["MEDIA_DIR"])
    assert video.media_path and (media_dir / video.media_path).stat().st_size == (
        Path(__file__).resolve().parents[2] / "fixtures/media/tiny.mp4").stat().st_size
    assert video.thumbnail_path and (media_dir / video.thumbnail_path).is_file()
    assert video.caption_tracks[0]["lang"] == "de"

    page = client.get(f"/videos/{video.provider_id}")
    html = page.get_data(as_text=True)
    assert '<video class="video-player__video"' in html and '<track kind="captions"' in html
    assert "youtube" not in html.split('<main')[1].split('</main>')[0].lower()

    full = client.get(f"/videos/{video.provider_id}/video")
    assert full.status_code == 200 and full.mimetype == "video/mp4" and full.headers["Accept-Ranges"] == "bytes"
    ranged = client.get(f"/videos/{video.provider_id}/video", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100
    assert ranged.headers["Content-Range"].startswith("bytes 0-99/")
    track = client.get(f"/videos/{video.provider_id}/untertitel/0.vtt")
    assert track.status_code == 200 and track.mimetype == "text/vtt" and track.data.startswith(b"WEBVTT")
    thumb = client.get(f"/videos/{video.provider_id}/vorschaubild")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"

    again = runner.invoke(args=["content", "import-videos", media_server + "/tutorial.html", "--download"])
    assert again.exit_code == 0 and "1 unverändert" in again.output


def test_direct_mp4_url_with_generic_extractor(app, runner, media_server):
    result = runner.invoke(args=["content", "import-videos", media_server + "/tiny.mp4", "--download"])
    assert result.exit_code == 0, result.output
    video = db.session.execute(db.select(Video)).scalar_one()
    assert video.provider == "generic" and video.provider_id == "tiny" and video.media_path.endswith(".mp4")


def test_saved_yt_dlp_json_fetches_subtitle_urls_and_downloads_later(app, runner, tmp_path, media_server):
    """A real `yt-dlp -J` file has subtitle URLs, not text: fetched when reachable; --download works from it."""
    import yt_dlp

    with yt_dlp.YoutubeDL({"quiet": True, "skip_download": True}) as ydl:
        info = ydl.sanitize_info(ydl.extract_info(media_server + "/tutorial.html", download=False))
    source = _write(tmp_path, info)
    first = runner.invoke(args=["content", "import-videos", source])
    assert first.exit_code == 0 and "1 neu" in first.output
    video = db.session.execute(db.select(Video)).scalar_one()
    assert len(video.transcript) == 2 and video.media_path is None
    second = runner.invoke(args=["content", "import-videos", source, "--download"])
    assert second.exit_code == 0 and "1 aktualisiert" in second.output, second.output
    db.session.expire_all()
    video = db.session.execute(db.select(Video)).scalar_one()
    assert video.media_path.endswith(".mp4") and video.caption_tracks and video.thumbnail_path


def test_unreachable_subtitle_url_is_a_warning(app, runner, tmp_path, closed_port_url):
    info = video_info(subtitles={"de": [{"ext": "vtt", "url": closed_port_url.replace(".mp4", ".vtt")}]})
    result = runner.invoke(args=["content", "import-videos", _write(tmp_path, info)])
    assert result.exit_code == 0 and "nicht abrufbar" in result.output and "1 neu" in result.output


def _media_files(app) -> list[str]:
    target = Path(app.config["MEDIA_DIR"]) / "videos"
    return sorted(p.name for p in target.iterdir()) if target.exists() else []


def test_download_is_refused_when_the_server_only_offers_more_than_720p(app, runner, media_server):
    result = runner.invoke(args=["content", "import-videos", media_server + "/fullhd.html", "--download"])
    assert result.exit_code == 1
    assert "Download abgelehnt: kein Format bis 720p" in result.output
    assert "0 neu, 0 aktualisiert, 0 unverändert, 1 fehlgeschlagen" in result.output
    assert _count() == 0 and not [name for name in _media_files(app) if name.endswith(".mp4")]


@pytest.mark.app_config(VIDEO_MAX_FILESIZE=1000)
def test_download_is_refused_when_the_file_is_larger_than_the_limit(app, runner, media_server):
    result = runner.invoke(args=["content", "import-videos", media_server + "/tiny.mp4", "--download"])
    assert result.exit_code == 1
    assert "Download abgelehnt: die Datei ist grösser als 1000 Bytes" in result.output
    assert _count() == 0 and not [name for name in _media_files(app) if name.endswith(".mp4")]


def test_one_missing_file_in_a_playlist_page_fails_alone(app, runner, media_server):
    result = runner.invoke(args=["content", "import-videos", media_server + "/zwei.html", "--download"])
    assert result.exit_code == 1, result.output
    assert "1 neu, 0 aktualisiert, 0 unverändert, 1 fehlgeschlagen" in result.output
    assert "[2/2] fehlgeschlagen: Zwei Anleitungen (2): unable to download video data: HTTP Error 404" in result.output
    video = db.session.execute(db.select(Video)).scalar_one()
    assert video.provider_id == "zwei-1" and video.media_path.endswith(".mp4")
    assert (Path(app.config["MEDIA_DIR"]) / video.media_path).is_file()


def test_playlist_page_without_download_imports_both_entries(app, runner, media_server):
    result = runner.invoke(args=["content", "import-videos", media_server + "/zwei.html"])
    assert result.exit_code == 0, result.output
    assert "2 neu" in result.output and _count() == 2


def test_saved_playlist_json_with_one_broken_entry(app, runner, tmp_path, media_server):
    import yt_dlp

    with yt_dlp.YoutubeDL({"quiet": True, "skip_download": True}) as ydl:
        good = ydl.sanitize_info(ydl.extract_info(media_server + "/tutorial.html", download=False))
    broken = {**good, "id": "kaputt1", "title": "Kaputt", "formats": [
        {**good["formats"][0], "format_id": "0", "url": media_server + "/gibt-es-nicht.mp4"}]}
    broken.pop("requested_downloads", None)
    broken.pop("url", None)
    source = _write(tmp_path, playlist_info(good, broken, None))
    result = runner.invoke(args=["content", "import-videos", source, "--download"])
    assert result.exit_code == 1, result.output
    assert "1 neu, 0 aktualisiert, 0 unverändert, 2 fehlgeschlagen" in result.output
    assert "Kaputt" in result.output and "Eintrag fehlt" in result.output
    assert db.session.execute(db.select(Video.provider_id)).scalars().all() == [good["id"]]
