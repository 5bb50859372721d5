import re

from sqlalchemy.exc import OperationalError

from core.health import register_health_check


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_a_critical_component_fails(app, client):
    register_health_check(app, "payments", lambda: (False, "gateway unreachable"))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down"
    assert body["checks"]["payments"] == {"ok": False, "detail": "gateway unreachable", "critical": True}


def test_a_failing_non_critical_check_is_degraded_but_200(app, client):
    register_health_check(app, "index", lambda: (False, "index unreadable"), critical=False)
    response = client.get("/healthz")
    assert response.status_code == 200, "a load balancer must not pull every node because search is down"
    body = response.get_json()
    assert body["status"] == "degraded" and body["checks"]["database"]["ok"] is True
    assert body["checks"]["index"] == {"ok": False, "detail": "index unreadable", "critical": False}
    assert response.headers["Cache-Control"] == "no-store"


def test_strict_healthz_is_503_on_any_failure(app, client):
    register_health_check(app, "index", lambda: (False, "index unreadable"), critical=False)
    assert client.get("/healthz?strict=1").status_code == 503
    assert client.get("/healthz?strict=0").status_code == 200


def test_strict_healthz_is_200_when_all_is_well(app, client):
    register_health_check(app, "index", lambda: (True, "42 documents"), critical=False)
    response = client.get("/healthz?strict=1")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_a_check_that_raises_counts_as_failed(app, client):
    def explode():
        raise OSError("disk gone")
    register_health_check(app, "index", explode, critical=False)
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["checks"]["index"]["detail"] == "OSError"


def test_healthz_is_503_when_the_database_is_down(app, client, monkeypatch):
    from core import health

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(health.db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False
    assert response.get_json()["status"] == "down"


def _cache_directives(header: str) -> dict[str, str | None]:
    directives = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value or None
    return directives


def test_static_files_get_hashed_names_and_long_cache(client):
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', html)
    assert match, "stylesheet URL is not content-hashed"
    response = client.get(match.group(1))
    assert response.status_code == 200
    directives = _cache_directives(response.headers["Cache-Control"])
    assert directives.get("max-age") == "31536000" and "public" in directives and "immutable" in directives
    # no-cache would make every browser revalidate the "immutable" file on every page view
    assert not {"no-cache", "no-store", "private", "must-revalidate"} & directives.keys(), directives
    assert response.headers.get("Expires"), "Expires helps HTTP/1.0 caches"
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")


def test_a_stale_hash_gets_todays_file_briefly_cached(client):
    """A page cached before a deploy asks for the previous hash: it gets the current file, not a 404."""
    current = client.get("/static/css/app.css").get_data()
    response = client.get("/static/css/app.0123456789.css")
    assert response.status_code == 200 and response.get_data() == current
    directives = _cache_directives(response.headers["Cache-Control"])
    assert directives.get("max-age") == "300" and "immutable" not in directives
    assert client.get("/static/css/gibt-es-nicht.0123456789.css").status_code == 404
    assert client.get("/static/../core/config.0123456789.py").status_code == 404
