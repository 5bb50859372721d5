"""GET /api/v1/videos (filter ?category=) and GET /api/v1/videos/<id>, documented in the OpenAPI document."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from api import bp, openapi
from core.errors import NotFound
from core.extensions import db
from kb import services as kb_services
from kb.api import TEXT_PARAM
from kb.videos import services
from kb.videos.models import Video

openapi.add_schema("Chapter", {"type": "object", "properties": {
    "start": {"type": "number"}, "end": {"type": "number", "nullable": True}, "title": {"type": "string"}}})
openapi.add_schema("Cue", {"type": "object", "required": ["start", "end", "text", "lang"], "properties": {
    "start": {"type": "number", "description": "seconds"}, "end": {"type": "number", "description": "seconds"},
    "text": {"type": "string"},
    "lang": {"type": "string", "nullable": True,
             "description": "Language of the cue: all cues come from one subtitle track, so this is the video's "
                            "transcript_lang"}}})
_SUMMARY = {
    "id": {"type": "string", "description": "Provider id (YouTube id); also the page URL's id"},
    "provider": {"type": "string"},
    "title": {"type": "string"},
    "description": {"type": "string"},
    "duration": {"type": "integer", "nullable": True, "description": "seconds"},
    "category": {"type": "string", "nullable": True},
    "tags": {"type": "array", "items": {"type": "string"}},
    "lang": {"type": "string"},
    "url": {"type": "string", "format": "uri"},
    "self_hosted": {"type": "boolean"},
    "view_count": {"type": "integer"},
}
openapi.add_schema("VideoSummary", {"type": "object", "required": ["id", "title", "url"], "properties": _SUMMARY})
openapi.add_schema("Video", {"type": "object", "required": ["id", "title", "url", "chapters", "transcript"],
                             "properties": {**_SUMMARY,
                                            "chapters": {"type": "array", "items": openapi.ref("Chapter")},
                                            "transcript": {"type": "array", "items": openapi.ref("Cue")},
                                            "transcript_lang": {"type": "string", "nullable": True,
                                                                "description": "Language of every transcript cue"},
                                            "source_url": {"type": "string"}}})
openapi.add_schema("VideoList", {"type": "object", "properties": {
    "total": {"type": "integer"}, "videos": {"type": "array", "items": openapi.ref("VideoSummary")}}})


def summary(video: Video) -> dict:
    return {
        "id": video.provider_id,
        "provider": video.provider,
        "title": video.title,
        "description": video.description,
        "duration": video.duration,
        "category": video.category.slug if video.category else None,
        "tags": list(video.tags or []),
        "lang": video.lang,
        "url": url_for("videos.detail", id=video.provider_id, _external=True),
        "self_hosted": services.is_self_hosted(video),
        "view_count": video.view_count,
    }


@bp.route("/v1/videos")
def list_videos():
    slug = request.args.get("category", "").strip()
    category = None
    if slug:
        category = kb_services.category_by_slug(slug)
        if category is None:
            raise NotFound(_("Kategorie nicht gefunden."))
    videos = list(db.session.execute(services.published_videos(category)).scalars())
    return jsonify({"total": len(videos), "videos": [summary(v) for v in videos]})


openapi.add_path("/api/v1/videos", "get", {
    "summary": "List published video tutorials",
    "tags": ["videos"],
    "parameters": [{"name": "category", "in": "query", "required": False, "schema": TEXT_PARAM,
                    "description": "Category slug, e.g. wlan (404 if unknown)"}],
    "responses": {"200": openapi.json_response("Published videos", openapi.ref("VideoList")),
                  "404": openapi.error_response("Unknown category")},
})


@bp.route("/v1/videos/<id>")
def get_video(id: str):
    video = services.find_video(id)
    if video is None:
        raise NotFound(_("Video nicht gefunden."))
    cues = [{**cue, "lang": video.transcript_lang} for cue in video.transcript or []]
    return jsonify({**summary(video), "chapters": video.chapters or [], "transcript": cues,
                    "transcript_lang": video.transcript_lang, "source_url": video.source_url})


openapi.add_path("/api/v1/videos/{id}", "get", {
    "summary": "One published video with chapters and transcript cues",
    "tags": ["videos"],
    "parameters": [{"name": "id", "in": "path", "required": True, "schema": TEXT_PARAM,
                    "description": "Provider id, as in the video page URL /videos/{id}"}],
    "responses": {"200": openapi.json_response("The video", openapi.ref("Video")),
                  "404": openapi.error_response("No published video with this id (unknown, or hidden by an editor)")},
})
