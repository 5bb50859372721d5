"""Every video route: list and filter, page with player/chapters/transcript/JSON-LD, editor actions and their
permissions, media routes, API and OpenAPI, the demo step."""
import json
import re

import pytest

from core.extensions import db
from core.models import AuditLog
from kb.videos.models import Video
from tests.factories import make_article, make_category, make_user
from tests.factories_videos import make_video


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _video_and_editor(auth):
    """One published video abcDEF12345 and a logged-in editor (returned)."""
    make_video("abcDEF12345")
    editor = make_user(role="editor")
    db.session.commit()
    auth.login(editor)
    return editor


def test_index_lists_published_and_filters_by_category(app, client):
    wlan, tv = make_category("wlan"), make_category("digital-tv")
    make_video(title="WLAN-Passwort ändern", category=wlan)
    make_video(title="Sendersuchlauf", category=tv)
    make_video(title="Geheim", category=wlan, status="hidden")
    db.session.commit()
    everything = client.get("/videos").get_data(as_text=True)
    assert "WLAN-Passwort ändern" in everything and "Sendersuchlauf" in everything and "Geheim" not in everything
    filtered = client.get("/videos?kategorie=wlan").get_data(as_text=True)
    assert "WLAN-Passwort ändern" in filtered and "Sendersuchlauf" not in filtered
    assert client.get("/videos?category=digital-tv").get_data(as_text=True).count("video-tile__link") == 1
    assert client.get("/videos?kategorie=gibt-es-nicht").status_code == 404


def test_detail_page_player_chapters_transcript_and_no_third_party_resources(app, client):
    video = make_video("abcDEF12345", title="Modem einrichten")
    db.session.commit()
    response = client.get("/videos/abcDEF12345")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    main = _main(html)
    assert 'data-embed="https://www.youtube-nocookie.com/embed/abcDEF12345"' in main
    assert "<iframe" not in html  # the frame is created by video.js only after the click
    # nothing on the page loads from another host before consent: every src/href for resources is local
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http://", "https://", "//")) or url.startswith("http://localhost"), url
    assert 'data-seek="60"' in main and "Testen" in main  # chapter
    assert 'data-seek="90"' in main and "Die LED leuchtet." in main  # transcript cue
    assert "data-video-always" in main and re.search(r"/static/js/video\.(\w+\.)?js", html)
    assert db.session.get(Video, video.id).view_count == 1
    updated_at = db.session.get(Video, video.id).updated_at
    client.get("/videos/abcDEF12345")
    db.session.expire_all()
    assert db.session.get(Video, video.id).view_count == 2
    assert db.session.get(Video, video.id).updated_at == updated_at  # a view is not an update (feeds, search)


def test_start_parameter(app, client):
    make_video("abcDEF12345", duration=120)
    db.session.commit()
    assert 'data-start="90"' in client.get("/videos/abcDEF12345?t=90").get_data(as_text=True)
    assert 'data-start="90"' in client.get("/videos/abcDEF12345?t=1m30s").get_data(as_text=True)
    for bad in ("abc", "-5", "999999", "1e3", "90; drop"):
        assert 'data-start="0"' in client.get("/videos/abcDEF12345", query_string={"t": bad}).get_data(as_text=True)


def test_demo_video_is_marked_for_the_offline_notice(app, client):
    make_video("hcDemo00001")
    db.session.commit()
    html = client.get("/videos/hcDemo00001").get_data(as_text=True)
    assert 'data-demo="1"' in html and "data-offline-demo" in html


def test_json_ld_video_object_with_clips_cannot_break_out_of_script(app, client):
    make_video("abcDEF12345", title='Böse </script><script>alert(1)</script> & Co', duration=120)
    db.session.commit()
    html = client.get("/videos/abcDEF12345").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    data = json.loads(block)
    assert data["@type"] == "VideoObject" and data["name"].startswith("Böse </script>")
    assert data["duration"] == "PT2M0S" and data["embedUrl"].startswith("https://www.youtube-nocookie.com/")
    assert [(c["@type"], c["name"], c["startOffset"]) for c in data["hasPart"]] == [
        ("Clip", "Anschliessen", 0), ("Clip", "Testen", 60)]
    assert data["hasPart"][1]["url"].endswith("/videos/abcDEF12345?t=60")
    assert "<script>alert(1)</script>" not in html


def test_related_articles_same_category_or_tags(app, client):
    internet, wlan = make_category("internet"), make_category("wlan")
    make_video("abcDEF12345", category=internet, tags=["router"])
    make_article("Modem-LEDs erklärt", category=internet)
    make_article("Router-Passwort", category=wlan, tags=["router"])
    make_article("Entwurf", category=internet, status="draft")
    make_article("Fremdes Thema", category=wlan)
    db.session.commit()
    main = _main(client.get("/videos/abcDEF12345").get_data(as_text=True))
    assert "Modem-LEDs erklärt" in main and "Router-Passwort" in main
    assert "Entwurf" not in main and "Fremdes Thema" not in main


def test_hidden_video_is_404_for_customers_but_visible_to_editors(app, client, auth):
    make_video("abcDEF12345", status="hidden", media_path="videos/x.mp4")
    customer, editor = make_user(role="customer"), make_user(role="editor")
    db.session.commit()
    assert client.get("/videos/abcDEF12345").status_code == 404
    assert client.get("/videos/abcDEF12345/video").status_code == 404
    assert client.get("/api/v1/videos/abcDEF12345").status_code == 404
    auth.login(customer)
    assert client.get("/videos/abcDEF12345").status_code == 404
    auth.logout()
    auth.login(editor)
    page = client.get("/videos/abcDEF12345")
    assert page.status_code == 200 and "Wieder anzeigen" in page.get_data(as_text=True)
    assert "/videos/abcDEF12345" in client.get("/videos").get_data(as_text=True)  # editors find hidden ones


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_editor_routes_are_403_for_customers_and_superusers(app, client, auth, role):
    make_video("abcDEF12345")
    user = make_user(role=role)
    db.session.commit()
    auth.login(user)
    assert client.get("/videos/abcDEF12345/bearbeiten").status_code == 403
    assert client.post("/videos/abcDEF12345/bearbeiten", data={"category": "", "tags": "x",
                                                              "status": "hidden"}).status_code == 403
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "hidden"}).status_code == 403
    assert db.session.execute(db.select(Video.status)).scalar_one() == "published"
    assert "Kategorie und Schlagwörter bearbeiten" not in client.get("/videos/abcDEF12345").get_data(as_text=True)


def test_editor_routes_need_login(app, client):
    make_video("abcDEF12345")
    db.session.commit()
    assert client.get("/videos/abcDEF12345/bearbeiten").status_code == 302
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "hidden"}).status_code == 302


def test_editor_sets_category_tags_and_status(app, client, auth):
    make_category("wlan")
    video = make_video("abcDEF12345")
    editor = make_user(role="editor")
    db.session.commit()
    auth.login(editor)
    form = client.get("/videos/abcDEF12345/bearbeiten")
    assert form.status_code == 200 and 'name="tags"' in form.get_data(as_text=True)
    response = client.post("/videos/abcDEF12345/bearbeiten",
                           data={"category": "wlan", "tags": "WLAN, passwort, wlan", "status": "published"})
    assert response.status_code == 302
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert video.category.slug == "wlan" and video.tags == ["wlan", "passwort"] and video.editor_curated
    assert db.session.execute(db.select(AuditLog.action)).scalars().all() == ["video.curate"]


def test_edit_form_rejects_bad_input_with_422(app, client, auth):
    _video_and_editor(auth)
    bad_tag = client.post("/videos/abcDEF12345/bearbeiten", data={"category": "", "tags": "<script>",
                                                                 "status": "published"})
    assert bad_tag.status_code == 422 and "Ungültiges Schlagwort" in bad_tag.get_data(as_text=True)
    bad_category = client.post("/videos/abcDEF12345/bearbeiten", data={"category": "nope", "tags": "",
                                                                       "status": "published"})
    assert bad_category.status_code == 422
    bad_status = client.post("/videos/abcDEF12345/bearbeiten", data={"category": "", "tags": "",
                                                                     "status": "deleted"})
    assert bad_status.status_code == 422
    assert db.session.execute(db.select(Video.editor_curated)).scalar_one() is False


def test_editor_hides_and_shows(app, client, auth):
    editor = _video_and_editor(auth)
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "hidden"}).status_code == 302
    assert db.session.execute(db.select(Video.status)).scalar_one() == "hidden"
    auth.logout()
    assert client.get("/videos/abcDEF12345").status_code == 404
    assert "abcDEF12345" not in client.get("/videos").get_data(as_text=True)
    auth.login(editor)
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "published"}).status_code == 302
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "weg"}).status_code == 400
    assert db.session.execute(db.select(Video.status)).scalar_one() == "published"
    assert db.session.execute(db.select(AuditLog.action)).scalars().all() == ["video.hide", "video.show"]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_editor_forms_need_csrf(app, client, auth):
    _video_and_editor(auth)
    assert client.post("/videos/abcDEF12345/sichtbarkeit", data={"status": "hidden"}).status_code == 400
    assert db.session.execute(db.select(Video.status)).scalar_one() == "published"


def test_media_routes_404_without_files_and_never_leave_media_dir(app, client, tmp_path):
    (tmp_path / "secret.txt").write_text("geheim")
    make_video("abcDEF12345", media_path="../secret.txt", thumbnail_path="/etc/passwd",
               caption_tracks=[{"lang": "de", "label": "Deutsch", "path": "../../secret.txt", "kind": "manual"}])
    make_video("abcDEF99999")
    db.session.commit()
    for url in ("/videos/abcDEF12345/video", "/videos/abcDEF12345/vorschaubild", "/videos/abcDEF12345/untertitel/0.vtt",
                "/videos/abcDEF12345/untertitel/7.vtt", "/videos/abcDEF99999/video", "/videos/nope/video"):
        assert client.get(url).status_code == 404, url
    html = client.get("/videos/abcDEF12345").get_data(as_text=True)
    assert "<video" not in html and "video-placeholder" in html


def test_unknown_video_is_404_page(app, client):
    assert client.get("/videos/gibt-es-nicht").status_code == 404
    assert client.get("/videos/" + "x" * 200).status_code == 404


def test_api_list_filter_and_detail(app, client):
    wlan = make_category("wlan")
    make_video("abcDEF12345", title="WLAN", category=wlan)
    make_video("abcDEF99999", title="TV")
    make_video("hidden00001", title="Verborgen", status="hidden")
    db.session.commit()
    listing = client.get("/api/v1/videos").json
    assert listing["total"] == 2 and {v["id"] for v in listing["videos"]} == {"abcDEF12345", "abcDEF99999"}
    filtered = client.get("/api/v1/videos?category=wlan").json
    assert [v["id"] for v in filtered["videos"]] == ["abcDEF12345"] and filtered["videos"][0]["category"] == "wlan"
    assert client.get("/api/v1/videos?category=nope").status_code == 404
    one = client.get("/api/v1/videos/abcDEF12345").json
    assert {"id", "title", "description", "duration", "chapters", "transcript", "url"} <= set(one)
    assert one["url"].endswith("/videos/abcDEF12345") and one["chapters"][1]["start"] == 60.0
    assert one["transcript"][0] == {"start": 0.5, "end": 4.0, "text": "Willkommen!", "lang": "de"}
    missing = client.get("/api/v1/videos/nope")
    assert missing.status_code == 404 and missing.json["error"] == "not_found"


def test_openapi_documents_video_routes(app, client):
    doc = client.get("/api/openapi.json").json
    assert "get" in doc["paths"]["/api/v1/videos"] and "get" in doc["paths"]["/api/v1/videos/{id}"]
    assert "transcript" in doc["components"]["schemas"]["Video"]["properties"]


def test_demo_load_imports_32_videos_with_categories(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Videos: 32 neu, 0 aktualisiert, 0 unverändert, 0 fehlgeschlagen" in result.output
    videos = list(db.session.execute(db.select(Video)).scalars())
    assert len(videos) == 32 and all(v.category is not None and v.chapters and v.transcript for v in videos)
    assert all(v.transcript_lang == "de" for v in videos)
    again = runner.invoke(args=["demo", "load"])
    assert "Videos: 0 neu, 0 aktualisiert, 32 unverändert" in again.output


def test_nav_link_to_videos(app, client):
    assert 'href="/videos"' in client.get("/videos").get_data(as_text=True)


def test_english_translation(app, client):
    make_video("abcDEF12345")
    db.session.commit()
    client.get("/sprache/en")
    html = client.get("/videos/abcDEF12345").get_data(as_text=True)
    assert "Transcript" in html and "Load video" in html and "Always load videos" in html and "1 view" in html
    assert "Video tutorials" in client.get("/videos").get_data(as_text=True)
    assert client.get("/api/v1/videos/nope").json["message"] == "Video not found."


def test_atom_feed_lists_published_videos(app, client):
    make_video("abcDEF12345", title="Neues Video-Tutorial")
    make_video("hidden00001", title="Verborgenes Video", status="hidden")
    db.session.commit()
    feed = client.get("/feeds/neu.atom").get_data(as_text=True)
    assert "Neues Video-Tutorial" in feed and "/videos/abcDEF12345" in feed and "Verborgenes Video" not in feed


def test_category_page_lists_videos_beside_articles(app, client):
    wlan = make_category("wlan")
    make_video("abcDEF12345", title="WLAN im Video", category=wlan)
    make_article("WLAN im Artikel", category=wlan)
    db.session.commit()
    html = client.get("/themen/wlan").get_data(as_text=True)
    assert "WLAN im Video" in html and 'href="/videos/abcDEF12345"' in html and "WLAN im Artikel" in html
