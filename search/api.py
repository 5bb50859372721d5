"""GET /api/v1/search and /api/v1/search/suggest (DESIGN §8), documented in the OpenAPI document."""
from __future__ import annotations

from flask import jsonify, request
from markupsafe import escape

from api import bp, openapi
from core.errors import DomainError
from core.page_cache import cacheable
from search import service
from search.backend import SearchUnavailable


def _snippet_html(segments) -> str:
    return "".join(f"<mark>{escape(t)}</mark>" if hit else str(escape(t)) for t, hit in segments)


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= service.MAX_PAGE:
        raise DomainError(f"page muss zwischen 1 und {service.MAX_PAGE} liegen.", code="bad_request", status=400)
    return int(raw)


def _unavailable():
    raise DomainError("Die Suche ist vorübergehend nicht verfügbar.", code="search_unavailable", status=503)


@bp.route("/v1/search")
@cacheable  # an outage sends thousands to the same query: anonymous answers come from the page cache
def search():
    kind = request.args.get("type") or None
    if kind is not None and kind not in service.TYPES:
        raise DomainError("type muss article, video oder question sein.", code="bad_request", status=400)
    outcome = service.run(request.args.get("q", ""), type=kind, category=request.args.get("category") or None,
                          page=_page(), source="api")
    if outcome.unavailable:
        _unavailable()
    res = outcome.results
    results = []
    for hit in res.hits:
        item = {"type": hit.type, "id": hit.obj_id, "slug": hit.slug, "title": hit.title, "url": hit.url,
                "snippet": _snippet_html(hit.snippet), "category": hit.category or None}
        if hit.t is not None:
            item["t"] = hit.t
        results.append(item)
    banner = outcome.banner
    return jsonify({
        "query": res.query, "total": res.total, "page": res.page, "per_page": res.per_page, "results": results,
        "suggestion": res.suggestion, "facets": res.facets,
        "banner": {"title": banner.title, "message": banner.message, "level": banner.level} if banner else None,
    })


@bp.route("/v1/search/suggest")
def suggest():
    try:
        items = service.suggest(request.args.get("q", ""))
    except SearchUnavailable:
        _unavailable()
    return jsonify({"suggestions": items})


openapi.add_schema("SearchResult", {
    "type": "object", "required": ["type", "id", "slug", "title", "url", "snippet", "category"],
    "properties": {
        "type": {"type": "string", "enum": list(service.TYPES)},
        "id": {"type": "integer"}, "slug": {"type": "string"}, "title": {"type": "string"},
        "url": {"type": "string"},
        "snippet": {"type": "string", "description": "HTML: escaped text, matches in <mark>"},
        "category": {"type": "string", "nullable": True},
        "t": {"type": "integer", "description": "videos: second of the matching transcript cue or chapter"},
    }})
openapi.add_schema("SearchResponse", {
    "type": "object", "required": ["query", "total", "results", "suggestion", "facets"],
    "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "results": {"type": "array", "items": openapi.ref("SearchResult")},
        "suggestion": {"type": "string", "nullable": True, "description": "did you mean"},
        "facets": {"type": "object", "properties": {
            "type": {"type": "object", "additionalProperties": {"type": "integer"}},
            "category": {"type": "object", "additionalProperties": {"type": "integer"}}}},
        "banner": {"type": "object", "nullable": True, "description": "active outage matching the query"},
    }})
openapi.add_schema("SuggestResponse", {
    "type": "object", "required": ["suggestions"],
    "properties": {"suggestions": {"type": "array", "items": {
        "type": "object", "required": ["type", "title", "url"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"}}}}}})
openapi.add_path("/api/v1/search", "get", {
    "summary": "Search articles, videos and community questions",
    "parameters": [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
        {"name": "type", "in": "query", "schema": {"type": "string", "enum": list(service.TYPES)}},
        {"name": "category", "in": "query", "schema": {"type": "string"}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": service.MAX_PAGE}},
    ],
    "responses": {"200": openapi.json_response("Results", openapi.ref("SearchResponse")),
                  "503": openapi.error_response("Search index unavailable")},
})
openapi.add_path("/api/v1/search/suggest", "get", {
    "summary": "Suggestions as you type (titles of articles, videos and questions)",
    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}}],
    "responses": {"200": openapi.json_response("Suggestions", openapi.ref("SuggestResponse")),
                  "503": openapi.error_response("Search index unavailable")},
})
