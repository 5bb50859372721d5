"""JSON API v1 for published articles (DESIGN §8), documented in the OpenAPI document next to each route.

- ``GET /api/v1/articles?page=&per_page=&category=&lang=``: newest change first; per_page 1..100 (default 20);
  a page or per_page that is not a positive integer, page above 1,000,000, per_page above 100 or an unknown
  lang is a 400; an unknown category gives an empty list.
- ``GET /api/v1/articles/<slug>``: one published article; 404 JSON for unknown or unpublished slugs.
  A former slug answers **301** with ``Location`` pointing at the article's current API URL.
"""
from __future__ import annotations

from flask import jsonify, redirect, request, url_for
from flask_babel import gettext as _

from api import bp, openapi
from content.render import expand_shortcodes
from core.errors import DomainError, NotFound
from kb import services
from kb.models import Article

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
# Any text except NUL, which every request refuses with 400 (PostgreSQL can't store it); declared so that the
# document and the server agree on what a valid string parameter is.
TEXT_PARAM = {"type": "string", "pattern": "^[^\\u0000]*$"}


def article_json(article: Article) -> dict:
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary or "",
        "category": article.category.slug if article.category else None,
        "tags": list(article.tags or []),
        "lang": article.lang,
        "html": expand_shortcodes(article.body_html),
        "url": url_for("kb.article", slug=article.slug, _external=True),
        "updated_at": article.updated_at.replace(microsecond=0).isoformat() + "Z",
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
    }


def _int_arg(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise DomainError(_("Der Parameter %(name)s muss eine positive ganze Zahl sein.", name=name),
                          code="bad_request", status=400)
    value = int(raw)
    if maximum is not None and value > maximum:
        raise DomainError(_("Der Parameter %(name)s darf höchstens %(max)d sein.", name=name, max=maximum),
                          code="bad_request", status=400)
    return value


@bp.route("/v1/articles")
def list_articles():
    page = _int_arg("page", 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    lang = services.check_language(request.args.get("lang"))
    category = request.args.get("category") or None
    items, total = services.paginate_published(page, per_page, category=category, lang=lang)
    return jsonify({
        "items": [article_json(a) for a in items],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": (total + per_page - 1) // per_page,
    })


@bp.route("/v1/articles/<slug>")
def get_article(slug: str):
    article, moved_to = services.find_published_article(slug)
    if moved_to:
        return redirect(url_for("api.get_article", slug=moved_to), 301)
    if article is None:
        raise NotFound(_("Artikel nicht gefunden."))
    return jsonify(article_json(article))


openapi.add_schema("Article", {
    "type": "object",
    "required": ["slug", "title", "category", "tags", "lang", "html", "url", "updated_at"],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "category": {"type": "string", "nullable": True, "description": "category slug"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "lang": {"type": "string", "enum": ["de", "en"]},
        "html": {"type": "string", "description": "sanitized HTML body"},
        "url": {"type": "string", "format": "uri"},
        "updated_at": {"type": "string", "format": "date-time"},
        "helpful_yes": {"type": "integer"},
        "helpful_no": {"type": "integer"},
    },
})
openapi.add_schema("ArticlePage", {
    "type": "object",
    "required": ["items", "page", "per_page", "total", "pages"],
    "properties": {
        "items": {"type": "array", "items": openapi.ref("Article")},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 0},
    },
})
openapi.add_path("/api/v1/articles", "get", {
    "summary": "List published articles",
    "operationId": "listArticles",
    "tags": ["articles"],
    "parameters": [
        {"name": "page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
        {"name": "category", "in": "query", "description": "category slug", "schema": TEXT_PARAM},
        {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["de", "en"]}},
    ],
    "responses": {"200": openapi.json_response("One page of published articles", openapi.ref("ArticlePage"))},
})
openapi.add_path("/api/v1/articles/{slug}", "get", {
    "summary": "One published article",
    "operationId": "getArticle",
    "tags": ["articles"],
    "parameters": [{"name": "slug", "in": "path", "required": True, "schema": TEXT_PARAM}],
    "responses": {
        "200": openapi.json_response("The article", openapi.ref("Article")),
        "404": openapi.error_response("No published article with this slug"),
        "301": {"description": "The slug changed; Location is the article's current API URL",
                "headers": {"Location": {"schema": {"type": "string"}}}},
    },
})
