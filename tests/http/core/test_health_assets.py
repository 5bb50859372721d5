import re

from sqlalchemy.exc import OperationalError

from core.health import register_health_check


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_a_component_fails(app, client):
    register_health_check(app, "search", lambda: (False, "index unreadable"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["search"] == {"ok": False, "detail": "index unreadable"}


def test_healthz_is_503_when_the_database_is_down(app, client, monkeypatch):
    from core import health

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(health.db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False


def test_static_files_get_hashed_names_and_long_cache(client):
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', html)
    assert match, "stylesheet URL is not content-hashed"
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")
    assert client.get("/static/css/app.0000000000.css").status_code == 404
