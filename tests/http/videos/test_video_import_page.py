"""/redaktion/videos/import: editors paste a video, playlist or channel URL; the import runs through core.jobs
(inline without REDIS_URL, an RQ job on the local Redis with it) and its page shows the outcome."""
from __future__ import annotations

import re

import pytest

from core import jobs
from core.extensions import db
from core.models import AuditLog
from kb.videos.models import Video, VideoImport
from tests.factories import PASSWORD, make_category, make_user
from tests.redis_queue import queued, work



def _imports() -> list[VideoImport]:
    return list(db.session.execute(db.select(VideoImport).order_by(VideoImport.id)).scalars())


@pytest.fixture
def editor(app, auth):
    user = make_user(username="redakteur", role="editor")
    db.session.commit()
    auth.login(user)
    return user


def test_editor_sees_the_form_and_the_nav_link(app, client, editor):
    page = client.get("/redaktion/videos/import").get_data(as_text=True)
    assert 'name="source"' in page and 'name="download"' in page and "Import starten" in page
    assert 'href="/redaktion/videos/import" aria-current="page"' in page
    assert 'href="/redaktion/videos/import"' in client.get("/redaktion").get_data(as_text=True)
    client.get("/sprache/en")
    page = client.get("/redaktion/videos/import").get_data(as_text=True)
    assert "Import videos" in page and "Start import" in page and "Videos importieren" not in page


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_customers_and_superusers_get_403(app, client, auth, role):
    user = make_user(role=role)
    db.session.commit()
    auth.login(user)
    record = VideoImport(source="https://example.org/v", status="done", messages=[])
    db.session.add(record)
    db.session.commit()
    assert client.get("/redaktion/videos/import").status_code == 403
    assert client.post("/redaktion/videos/import", data={"source": "https://example.org/v"}).status_code == 403
    assert client.get(f"/redaktion/videos/import/{record.id}").status_code == 403
    assert len(_imports()) == 1


def test_anonymous_is_sent_to_login(app, client):
    response = client.post("/redaktion/videos/import", data={"source": "https://example.org/v"})
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    assert _imports() == []


@pytest.mark.parametrize("source", ["ftp://127.0.0.1/video.mp4", "/etc/passwd", "content/demo/videos/x.info.json",
                                    "keine adresse", "https://", "javascript:alert(1)",
                                    "https://exa mple.org/v", "https://example.org/" + "x" * 1000])
def test_bad_urls_are_422_with_a_clear_message(app, client, editor, source):
    response = client.post("/redaktion/videos/import", data={"source": source})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "http:// oder https://" in page or "höchstens" in page or "Field cannot be longer" in page
    assert _imports() == []


@pytest.mark.parametrize("source", ["http://127.0.0.1:8000/admin", "http://localhost/v", "http://10.0.0.5/v",
                                    "http://169.254.169.254/latest/meta-data/", "http://[::1]/v",
                                    "http://192.168.1.1/playlist"])
def test_addresses_in_our_own_network_are_refused(app, client, editor, source):
    """Server-side request forgery: an editor's URL must not make the server fetch from the internal network."""
    app.config["VIDEO_IMPORT_ALLOWED_HOSTS"] = ""
    response = client.post("/redaktion/videos/import", data={"source": source})
    assert response.status_code == 422
    assert "interne Netz" in response.get_data(as_text=True)
    assert _imports() == []


def test_a_queued_import_is_checked_again_when_it_runs(app, editor):
    from kb.videos import jobs, services

    app.config["VIDEO_IMPORT_ALLOWED_HOSTS"] = "127.0.0.1"
    record = services.start_import(editor, "http://127.0.0.1:9/v")
    db.session.commit()
    app.config["VIDEO_IMPORT_ALLOWED_HOSTS"] = ""
    with pytest.raises(Exception, match="interne Netz"):
        jobs.import_source(record.id)
    db.session.refresh(record)
    assert record.status == "failed" and "interne Netz" in record.error


def test_unknown_category_is_422(app, client, editor):
    response = client.post("/redaktion/videos/import", data={"source": "https://example.org/v", "category": "nope"})
    assert response.status_code == 422 and _imports() == []


def test_inline_import_shows_the_result(app, client, editor, media_server):
    make_category("internet")
    db.session.commit()
    response = client.post("/redaktion/videos/import", data={"source": media_server + "/tutorial.html",
                                                             "category": "internet"})
    assert response.status_code == 303
    record = _imports()[0]
    assert response.headers["Location"].endswith(f"/redaktion/videos/import/{record.id}")
    assert (record.status, record.created, record.failed, record.job_id) == ("done", 1, 0, None)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-import-status="done"' in page and "1 neu, 0 aktualisiert, 0 unverändert, 0 fehlgeschlagen" in page
    video = db.session.execute(db.select(Video)).scalar_one()
    assert video.category.slug == "internet" and video.media_path is None
    entry = db.session.execute(db.select(AuditLog).where(AuditLog.action == "video.import")).scalar_one()
    assert entry.actor_id == editor.id and entry.target_id == record.id
    assert media_server + "/tutorial.html" in client.get("/redaktion/videos/import").get_data(as_text=True)


def test_inline_import_with_download_and_a_broken_playlist_entry(app, client, editor, media_server):
    response = client.post("/redaktion/videos/import", data={"source": media_server + "/zwei.html", "download": "y"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 neu, 0 aktualisiert, 0 unverändert, 1 fehlgeschlagen" in page and "HTTP Error 404" in page
    assert db.session.execute(db.select(Video.media_path)).scalar_one().endswith(".mp4")


def test_inline_source_failure_is_shown_not_a_500(app, client, editor, closed_port_url):
    response = client.post("/redaktion/videos/import", data={"source": closed_port_url})
    assert response.status_code == 303
    record = _imports()[0]
    assert record.status == "failed" and "Netzwerkfehler" in record.error
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-import-status="failed"' in page and "Der Import ist fehlgeschlagen." in page
    assert db.session.execute(db.select(Video)).first() is None


def test_unknown_import_is_404(app, client, editor):
    assert client.get("/redaktion/videos/import/999").status_code == 404


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_post_without_csrf_token_is_refused(app, client):
    user = make_user(role="editor")
    db.session.commit()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/anmelden").get_data(as_text=True))
    client.post("/anmelden", data={"login": user.username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert client.post("/redaktion/videos/import", data={"source": "https://example.org/v"}).status_code == 400
    assert _imports() == []


# --- queued: a real RQ queue on the local Redis ----------------------------------------------------------------

@pytest.fixture
def queued_app(app):
    yield from queued(app, JOBS_RETRY_INTERVALS=[])


def test_queued_import_runs_in_the_worker(queued_app, client, editor, media_server):
    response = client.post("/redaktion/videos/import", data={"source": media_server + "/tutorial.html"})
    assert response.status_code == 303
    record = _imports()[0]
    assert record.status == "queued" and record.job_id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-import-status="queued"' in page and record.job_id in page
    assert db.session.execute(db.select(Video)).first() is None  # not run yet
    work(queued_app)
    db.session.expire_all()
    assert db.session.get(VideoImport, record.id).status == "done"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-import-status="done"' in page and "1 neu" in page
    assert db.session.execute(db.select(Video.provider_id)).scalar_one() == "tutorial-1"


def test_queued_failure_is_listed_and_linked_for_admins(queued_app, client, auth, closed_port_url):
    admin = make_user(role="admin")
    db.session.commit()
    auth.login(admin)
    response = client.post("/redaktion/videos/import", data={"source": closed_port_url})
    work(queued_app)
    db.session.expire_all()
    record = _imports()[0]
    assert record.status == "failed" and "Netzwerkfehler" in record.error
    assert [job["task"] for job in jobs.failed_jobs(queued_app)] == ["kb.videos.jobs:import_source"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'href="/admin/jobs"' in page and "Der Import ist fehlgeschlagen." in page
    auth.logout()
    editor = make_user(role="editor")
    db.session.commit()
    auth.login(editor)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'href="/admin/jobs"' not in page and "/admin/jobs" in page
