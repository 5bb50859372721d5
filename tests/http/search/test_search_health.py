"""/healthz checks the search index for real and reports pending retries; a broken index degrades, never 503s."""
from core.extensions import db
from tests.factories import make_article
from tests.search_backends import both, broken_index


@both
def test_healthz_reports_the_index_and_its_pending_retries(client, app):
    make_article(title="Router neu starten")
    db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["checks"]["search"] == {"ok": True, "critical": False,
                                        "detail": "postgres" if app.config["SEARCH_BACKEND"] == "postgres" else "ok"}
    app.extensions["search"].backend._queue(["article:41", "video:7"])  # as a failed write leaves them
    detail = client.get("/healthz").get_json()["checks"]["search"]["detail"]
    assert detail.endswith("2 pending retry: article:41, video:7")


@both
def test_a_broken_index_degrades_healthz_without_taking_the_node_out(client, app):
    with broken_index(app):
        r = client.get("/healthz")
        body = r.get_json()
        assert r.status_code == 200 and body["status"] == "degraded"
        assert body["checks"]["search"] == {"ok": False, "critical": False, "detail": "index unavailable"}
        assert body["checks"]["database"]["ok"]
        assert client.get("/healthz?strict=1").status_code == 503
