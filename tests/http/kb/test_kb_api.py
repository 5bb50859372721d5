"""GET /api/v1/articles and /api/v1/articles/<slug>, and their part of the OpenAPI document."""
from __future__ import annotations

import pytest

from core.extensions import db
from kb.models import SlugRedirect
from tests.factories import make_article, make_category

FIELDS = {"slug", "title", "category", "tags", "lang", "html", "url", "updated_at"}


def test_list_is_paginated_and_published_only(app, client):
    category = make_category("wlan")
    for i in range(5):
        make_article(f"Artikel {i}", category=category, tags=["wlan"])
    make_article("Entwurf", category=category, status="draft")
    db.session.commit()
    body = client.get("/api/v1/articles?per_page=2&page=2").get_json()
    assert body["total"] == 5 and body["pages"] == 3 and body["page"] == 2 and body["per_page"] == 2
    assert len(body["items"]) == 2
    assert FIELDS <= set(body["items"][0])
    item = body["items"][0]
    assert item["category"] == "wlan" and item["tags"] == ["wlan"] and item["url"].startswith("http://localhost/artikel/")
    assert item["updated_at"].endswith("Z")
    everything = client.get("/api/v1/articles?per_page=100").get_json()
    assert "Entwurf" not in {i["title"] for i in everything["items"]}
    assert client.get("/api/v1/articles?page=9").get_json()["items"] == []


def test_list_filters_by_category_and_language(app, client):
    make_article("Deutsch", category=make_category("tv"), lang="de")
    make_article("English", category=make_category("mobile"), lang="en")
    db.session.commit()
    assert [i["title"] for i in client.get("/api/v1/articles?lang=en").get_json()["items"]] == ["English"]
    assert [i["title"] for i in client.get("/api/v1/articles?category=tv").get_json()["items"]] == ["Deutsch"]
    assert client.get("/api/v1/articles?category=unbekannt").get_json()["total"] == 0


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "per_page=0", "per_page=101", "page=1.5",
                                   "per_page=%C2%B2", "lang=fr", "page=99999999999"])
def test_bad_parameters_are_400_json(client, query):
    response = client.get(f"/api/v1/articles?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] in {"bad_request", "bad_lang"} and body["message"]


def test_one_article(app, client):
    article = make_article("WLAN-Passwort ändern", body="Text mit <script>alert(1)</script>", tags=["wlan"])
    db.session.commit()
    response = client.get(f"/api/v1/articles/{article.slug}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "WLAN-Passwort ändern" and FIELDS <= set(body)
    assert "<script>" not in body["html"]


def test_unknown_and_unpublished_are_404_json(app, client):
    draft = make_article(status="draft")
    db.session.commit()
    for slug in (draft.slug, "gibt-es-nicht"):
        response = client.get(f"/api/v1/articles/{slug}")
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"


def test_old_slug_answers_301_to_the_current_api_url(app, client):
    article = make_article(slug="neuer-slug")
    db.session.add(SlugRedirect(old_slug="alter-slug", article_id=article.id))
    db.session.commit()
    response = client.get("/api/v1/articles/alter-slug")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/api/v1/articles/neuer-slug")


def _resolve(document, ref):
    assert ref.startswith("#/")
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_describes_the_article_routes(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.0.")
    listing = document["paths"]["/api/v1/articles"]["get"]
    one = document["paths"]["/api/v1/articles/{slug}"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ArticlePage"}
    assert one["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Article"}
    assert "404" in one["responses"] and "400" in listing["responses"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page", "category", "lang"}
    assert set(document["components"]["schemas"]["Article"]["required"]) == FIELDS
    for ref in set(_refs(document)):
        assert _resolve(document, ref), ref
