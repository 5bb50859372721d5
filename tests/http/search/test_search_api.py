"""GET /api/v1/search and /api/v1/search/suggest: contract, bad input, pagination, speed, immediacy; on both
backends where the backend answers (tests/search_backends.py)."""
from __future__ import annotations

import time

from core.extensions import db
from tests.factories import make_article, make_category
from tests.factories_search import make_video
from tests.search_backends import both, broken_index

ODD = ['AND', '(', '"', '*', '~', '^', ':', 'a AND (b OR "c', 'x' * 5000, '\x00', '<b>', 'title:wlan']


@both
def test_search_contract(client, app):
    cat = make_category("wlan")
    a = make_article(title="WLAN-Passwort ändern", body="Ändern Sie das Passwort.", category=cat, slug="wlan-pw")
    make_video(title="Kanal Tutorial", provider_id="hcKanal01",
               transcript=[{"start": 12, "end": 15, "text": "Wählen Sie einen anderen Kanal."}], category=cat)
    db.session.commit()
    data = client.get("/api/v1/search?q=Passwort").get_json()
    assert set(data) >= {"query", "total", "results", "suggestion", "facets"}
    assert data["query"] == "Passwort" and data["total"] == 1 and data["suggestion"] is None
    hit = data["results"][0]
    assert {k: hit[k] for k in ("type", "id", "slug", "title", "category")} == {
        "type": "article", "id": a.id, "slug": "wlan-pw", "title": "WLAN-Passwort ändern", "category": "wlan"}
    assert hit["url"].endswith("/artikel/wlan-pw") and "<mark>" in hit["snippet"] and "t" not in hit
    assert data["facets"] == {"type": {"article": 1}, "category": {"wlan": 1}}
    video = client.get("/api/v1/search?q=Kanal").get_json()["results"][0]
    assert video["type"] == "video" and video["t"] == 12 and video["slug"] == "hcKanal01"


@both
def test_snippets_are_escaped(client):
    make_article(title="Skript", body="Text mit &lt;script&gt;alert(1)&lt;/script&gt; Skript")
    db.session.commit()
    snippet = client.get("/api/v1/search?q=Skript").get_json()["results"][0]["snippet"]
    assert "<script>" not in snippet


@both
def test_odd_queries_never_500(client):
    make_article(title="WLAN")
    db.session.commit()
    for q in ODD:  # one app for all inputs: the backend is what's under test, not the setup
        for url in ("/api/v1/search", "/api/v1/search/suggest"):
            r = client.get(url, query_string={"q": q})
            expected = 400 if "\x00" in q else 200  # NUL is refused for every request (core/security.py)
            assert r.status_code == expected, (q, r.data[:200])
            assert r.is_json


def test_bad_parameters_are_400(client):
    assert client.get("/api/v1/search?q=x&page=0").status_code == 400
    assert client.get("/api/v1/search?q=x&page=abc").status_code == 400
    assert client.get("/api/v1/search?q=x&page=999").status_code == 400
    r = client.get("/api/v1/search?q=x&type=user")
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request"


@both
def test_empty_query(client):
    data = client.get("/api/v1/search?q=").get_json()
    assert data["total"] == 0 and data["results"] == []
    assert client.get("/api/v1/search/suggest?q=").get_json() == {"suggestions": []}


@both
def test_pagination(client):
    for i in range(12):
        make_article(title=f"Router Tipp {i}")
    db.session.commit()
    p1 = client.get("/api/v1/search?q=Router").get_json()
    p2 = client.get("/api/v1/search?q=Router&page=2").get_json()
    assert p1["total"] == p2["total"] == 12 and len(p1["results"]) == 10 and len(p2["results"]) == 2
    assert not {r["id"] for r in p1["results"]} & {r["id"] for r in p2["results"]}


@both
def test_unpublish_removes_from_results_at_once(client):
    a = make_article(title="Sendersuchlauf starten")
    db.session.commit()
    assert client.get("/api/v1/search?q=Sendersuchlauf").get_json()["total"] == 1
    a.status = "draft"
    db.session.commit()
    assert client.get("/api/v1/search?q=Sendersuchlauf").get_json()["total"] == 0
    assert client.get("/api/v1/search/suggest?q=Sendersuch").get_json()["suggestions"] == []


@both
def test_suggest_shape_and_speed(client):
    for i in range(30):
        make_article(title=f"Internet geht nicht Variante {i}")
    make_article(title="WLAN-Passwort ändern")
    db.session.commit()
    client.get("/api/v1/search/suggest?q=inter")
    data = client.get("/api/v1/search/suggest?q=internet geht nich").get_json()
    assert data["suggestions"] and set(data["suggestions"][0]) == {"type", "title", "url"}
    timings = []
    for q in ("int", "internet g", "wlan pa", "internet geht nich", "xyz"):
        started = time.perf_counter()
        assert client.get("/api/v1/search/suggest", query_string={"q": q}).status_code == 200
        timings.append(time.perf_counter() - started)
    assert max(timings) < 0.05


def test_openapi_documents_both_routes(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/search" in paths and "/api/v1/search/suggest" in paths


@both
def test_index_unavailable_is_503_json(client, app):
    with broken_index(app):
        r = client.get("/api/v1/search?q=Router")
        assert r.status_code == 503 and r.get_json()["error"] == "search_unavailable"
        assert client.get("/api/v1/search/suggest?q=Rou").status_code == 503
