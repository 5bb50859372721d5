"""JSON API v1 for the community (DESIGN §8), documented in the OpenAPI document next to each route.

Every rule lives in community.services (validation, personal-data guard, link limits, permissions, reputation,
badges); this module only parses JSON, calls the service, commits and serialises. Writes are authenticated by
api.check_write_auth (bearer token, or session + X-CSRFToken) and rate limited by community.limits: the same
per-user and per-IP budgets as the pages (asking through the page and through the API draw on one budget).
"""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from api import bp, json_body, openapi
from community import badges, deflection, notifications, permissions, services, stats
from community.limits import community_limit
from community.models import Answer, Question
from content.render import expand_shortcodes
from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import User
from kb.models import Category

PER_PAGE = 20
MAX_PAGE = 10_000
# API filter names (English) → service filter names.
FILTERS = {"newest": "neu", "unanswered": "unbeantwortet", "unsolved": "ungeloest", "solved": "geloest"}


# ---------------------------------------------------------------- helpers

def _bad(message: str, code: str = "bad_request"):
    return DomainError(message, code=code, status=400)


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or not 1 <= int(raw) <= MAX_PAGE:
        raise _bad(_("Der Parameter %(name)s muss eine positive ganze Zahl sein.", name=name))
    return int(raw)


def _str_field(data: dict, name: str, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _bad(_("Das Feld %(name)s muss ein Text sein.", name=name))
    return value


def _iso(value) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def _author(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.name, "role": user.role, "reputation": user.reputation or 0,
            "url": url_for("api.community_user", username=user.username, _external=True)}


def _question_url(question: Question, anchor: str = "") -> str:
    return _absolute(notifications.question_url(question, anchor))


def _absolute(path: str) -> str:
    if path.startswith("/"):
        return request.host_url.rstrip("/") + path
    return path


def question_summary(question: Question) -> dict:
    return {
        "id": question.id,
        "title": question.title,
        "url": _question_url(question),
        "author": _author(question.author),
        "category": question.category.slug if question.category else None,
        "tags": question.tag_names,
        "score": question.score,
        "answer_count": question.answer_count,
        "solved": question.is_solved,
        "status": question.status,
        "created_at": _iso(question.created_at),
        "first_answer_at": _iso(question.first_answer_at),
        "last_activity_at": _iso(question.last_activity_at),
    }


def answer_json(answer: Answer) -> dict:
    return {
        "id": answer.id,
        "author": _author(answer.author),
        "html": expand_shortcodes(answer.body_html),
        "score": answer.score,
        "accepted": answer.is_accepted,
        "hidden": answer.is_hidden,
        "created_at": _iso(answer.created_at),
        "url": _question_url(answer.question, notifications.anchor("answer", answer.id)),
    }


MAX_ID = 2**31 - 1  # larger path ids can't exist (and overflow SQLite's and PostgreSQL's integer binding)


def _question(question_id: int) -> Question:
    if question_id > MAX_ID:
        raise NotFound(_("Diese Frage gibt es nicht (mehr)."))
    return services.get_question(question_id, current_user)


def _answer(answer_id: int) -> Answer:
    if answer_id > MAX_ID:
        raise NotFound(_("Diese Antwort gibt es nicht (mehr)."))
    return services.get_answer(answer_id, current_user)


# ---------------------------------------------------------------- questions

@bp.route("/v1/questions", methods=["GET"])
def community_questions():
    filter_name = request.args.get("filter") or "newest"
    if filter_name not in FILTERS:
        raise _bad(_("Unbekannter Filter. Erlaubt: %(names)s.", names=", ".join(FILTERS)))
    page = _int_arg("page", 1)
    tag = (request.args.get("tag") or "").strip().lower() or None
    category = None
    if request.args.get("category"):
        category = db.session.execute(db.select(Category).where(Category.slug == request.args["category"])
                                      ).scalar_one_or_none()
        if category is None:
            raise NotFound(_("Dieses Thema gibt es nicht."))
    category_id = category.id if category else None
    query = services.question_query(FILTERS[filter_name], tag=tag, category_id=category_id)
    total = db.session.execute(db.select(db.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    items = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    counts = services.filter_counts(tag=tag, category_id=category_id)
    return jsonify({
        "filter": filter_name,
        "tag": tag,
        "category": category.slug if category else None,
        "page": page,
        "per_page": PER_PAGE,
        "total": total,
        "pages": (total + PER_PAGE - 1) // PER_PAGE,
        "counts": {name: counts[internal] for name, internal in FILTERS.items()},
        "questions": [question_summary(q) for q in items],
    })


@bp.route("/v1/questions", methods=["POST"])
@community_limit("ask")
def community_ask():
    data = json_body()
    title = _str_field(data, "title")
    body = _str_field(data, "body")
    device = _str_field(data, "device", required=False)
    category = data.get("category")
    if category is not None and (isinstance(category, bool) or not isinstance(category, (str, int))):
        raise _bad(_("Das Feld category muss ein Themen-Slug sein."))
    tags = data.get("tags")
    if tags is not None and not isinstance(tags, (list, str)):
        raise _bad(_("Das Feld tags muss eine Liste von Texten sein."))
    if isinstance(tags, list) and not all(isinstance(t, str) for t in tags):
        raise _bad(_("Das Feld tags muss eine Liste von Texten sein."))
    question = services.ask_question(current_user, title, body, category=category, tags=tags, device=device)
    db.session.commit()
    return jsonify({"id": question.id, "url": _question_url(question)}), 201


@bp.route("/v1/questions/<int:question_id>", methods=["GET"])
def community_question(question_id: int):
    question = _question(question_id)
    result = question_summary(question)
    result.update({
        "html": expand_shortcodes(question.body_html),
        "device": question.device,
        "locked": question.is_locked,
        "duplicate_of_id": question.duplicate_of_id,
        "accepted_answer_id": question.accepted_answer_id,
        "answers": [answer_json(a) for a in services.ordered_answers(question, current_user)],
    })
    return jsonify(result)


@bp.route("/v1/questions/<int:question_id>/answers", methods=["POST"])
@community_limit("answer")
def community_answer(question_id: int):
    data = json_body()
    body = _str_field(data, "body")
    question = _question(question_id)
    answer = services.post_answer(current_user, question, body)
    db.session.commit()
    return jsonify({"id": answer.id, "url": _question_url(question, notifications.anchor("answer", answer.id))}), 201


# ---------------------------------------------------------------- votes and solutions

@bp.route("/v1/answers/<int:answer_id>/vote", methods=["POST", "DELETE"])
@community_limit("vote", methods=("POST", "DELETE"))
def community_vote(answer_id: int):
    if request.method == "DELETE":
        value = 0
    else:
        value = json_body().get("value")
        if type(value) is not int or value not in (1, -1):
            raise _bad(_("Das Feld value muss 1 oder -1 sein."), "bad_vote")
    answer = _answer(answer_id)
    score = services.vote(current_user, "answer", answer, value)
    db.session.commit()
    return jsonify({"id": answer.id, "score": score, "vote": value})


@bp.route("/v1/answers/<int:answer_id>/accept", methods=["POST", "DELETE"])
def community_accept(answer_id: int):
    answer = _answer(answer_id)
    question = answer.question
    if request.method == "DELETE":
        if not permissions.can_accept(current_user, question):
            raise PermissionDenied(_("Nur die fragende Person, Superuser und Administratoren können eine Lösung "
                                     "entfernen."))
        if question.accepted_answer_id == answer.id:  # removing a mark this answer doesn't carry changes nothing
            services.unaccept(current_user, question)
    else:
        services.accept(current_user, answer)
    db.session.commit()
    return jsonify({"question_id": question.id, "accepted_answer_id": question.accepted_answer_id,
                    "solved": question.is_solved})


# ---------------------------------------------------------------- users, badges, stats

@bp.route("/v1/users/<username>")
def community_user(username: str):
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise NotFound(_("Diesen Benutzer gibt es nicht."))
    impact = services.user_impact(user)
    return jsonify({
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "reputation": user.reputation or 0,
        "superuser": user.is_superuser,
        "member_since": _iso(user.created_at),
        "answers": impact["answers"],
        "questions": impact["questions"],
        "solutions": impact["solutions"],
        "solution_views": impact["solution_views"],
        "badges": [{"slug": badge.slug, "name": badge.name(), "tier": badge.tier, "count": count,
                    "awarded_at": _iso(first)} for badge, count, first in badges.awards_for(user)],
    })


@bp.route("/v1/badges")
def community_badges():
    holders = badges.holder_counts()
    return jsonify({"badges": [{"slug": b.slug, "name": b.name(), "tier": b.tier, "description": b.description(),
                                "repeatable": b.repeatable, "holders": holders.get(b.slug, 0)}
                               for b in badges.BADGES]})


@bp.route("/v1/community/stats")
def community_stats():
    return jsonify({**stats.response_stats(), "deflection": deflection.stats()})


# ---------------------------------------------------------------- OpenAPI

_AUTHOR = {"type": "object", "nullable": True,
           "properties": {"username": {"type": "string"}, "name": {"type": "string"}, "role": {"type": "string"},
                          "reputation": {"type": "integer"}, "url": {"type": "string"}}}
_DATETIME = {"type": "string", "format": "date-time", "nullable": True}

openapi.add_schema("CommunityAuthor", _AUTHOR)
openapi.add_schema("QuestionSummary", {
    "type": "object",
    "required": ["id", "title", "url", "author", "category", "tags", "score", "answer_count", "solved", "status",
                 "created_at"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "url": {"type": "string"},
        "author": openapi.ref("CommunityAuthor"), "category": {"type": "string", "nullable": True},
        "tags": {"type": "array", "items": {"type": "string"}}, "score": {"type": "integer"},
        "answer_count": {"type": "integer"}, "solved": {"type": "boolean"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "created_at": _DATETIME, "first_answer_at": _DATETIME, "last_activity_at": _DATETIME,
    },
})
openapi.add_schema("Answer", {
    "type": "object",
    "required": ["id", "author", "html", "score", "accepted"],
    "properties": {
        "id": {"type": "integer"}, "author": openapi.ref("CommunityAuthor"), "html": {"type": "string"},
        "score": {"type": "integer"}, "accepted": {"type": "boolean"}, "hidden": {"type": "boolean"},
        "created_at": _DATETIME, "url": {"type": "string"},
    },
})
openapi.add_schema("Question", {
    "allOf": [openapi.ref("QuestionSummary"), {
        "type": "object",
        "required": ["html", "answers", "accepted_answer_id", "solved"],
        "properties": {
            "html": {"type": "string"}, "device": {"type": "string"}, "locked": {"type": "boolean"},
            "duplicate_of_id": {"type": "integer", "nullable": True},
            "accepted_answer_id": {"type": "integer", "nullable": True},
            "answers": {"type": "array", "items": openapi.ref("Answer")},
        },
    }],
})
openapi.add_schema("QuestionList", {
    "type": "object",
    "required": ["filter", "page", "per_page", "total", "pages", "counts", "questions"],
    "properties": {
        "filter": {"type": "string", "enum": list(FILTERS)}, "tag": {"type": "string", "nullable": True},
        "category": {"type": "string", "nullable": True}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}, "pages": {"type": "integer"},
        "counts": {"type": "object", "properties": {name: {"type": "integer"} for name in FILTERS}},
        "questions": {"type": "array", "items": openapi.ref("QuestionSummary")},
    },
})
openapi.add_schema("Created", {"type": "object", "required": ["id", "url"],
                               "properties": {"id": {"type": "integer"}, "url": {"type": "string"}}})
openapi.add_schema("PersonalDataError", {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string", "enum": ["personal_data"]}, "message": {"type": "string"},
        "details": {"type": "object", "required": ["kinds"], "properties": {
            "kinds": {"type": "array", "items": {"type": "string"}},
            "findings": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "kind": {"type": "string"}, "label": {"type": "string"},
                "excerpt": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}}}},
        }},
    },
})
openapi.add_schema("VoteResult", {"type": "object", "required": ["id", "score", "vote"],
                                  "properties": {"id": {"type": "integer"}, "score": {"type": "integer"},
                                                 "vote": {"type": "integer", "enum": [-1, 0, 1]}}})
openapi.add_schema("AcceptResult", {"type": "object", "required": ["question_id", "accepted_answer_id", "solved"],
                                    "properties": {"question_id": {"type": "integer"},
                                                   "accepted_answer_id": {"type": "integer", "nullable": True},
                                                   "solved": {"type": "boolean"}}})
openapi.add_schema("CommunityUser", {
    "type": "object",
    "required": ["username", "role", "reputation", "superuser", "badges"],
    "properties": {
        "username": {"type": "string"}, "name": {"type": "string"},
        "role": {"type": "string", "enum": ["customer", "superuser", "editor", "admin"]},
        "reputation": {"type": "integer"}, "superuser": {"type": "boolean"}, "member_since": _DATETIME,
        "answers": {"type": "integer"}, "questions": {"type": "integer"}, "solutions": {"type": "integer"},
        "solution_views": {"type": "integer", "description": "Views of the questions this user solved, counted "
                           "while the user's answer was marked as the solution"},
        "badges": {"type": "array", "items": {"type": "object", "required": ["slug", "name", "tier", "awarded_at"],
                                              "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                                                             "tier": {"type": "string",
                                                                      "enum": list(badges.TIERS)},
                                                             "count": {"type": "integer"},
                                                             "awarded_at": _DATETIME}}},
    },
})
openapi.add_schema("BadgeList", {"type": "object", "required": ["badges"], "properties": {"badges": {
    "type": "array", "items": {"type": "object", "required": ["slug", "name", "tier", "description", "holders"],
                               "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                                              "tier": {"type": "string", "enum": list(badges.TIERS)},
                                              "description": {"type": "string"}, "repeatable": {"type": "boolean"},
                                              "holders": {"type": "integer"}}}}}})
openapi.add_schema("CommunityStats", {
    "type": "object",
    "required": ["median_first_answer_seconds", "answered_within_hour_share", "waiting_over_24h"],
    "properties": {
        "questions": {"type": "integer"}, "answered": {"type": "integer"}, "unanswered": {"type": "integer"},
        "solved": {"type": "integer"},
        "median_first_answer_seconds": {"type": "integer", "nullable": True,
                                        "description": "Median time from asking to the first answer."},
        "answered_within_hour_share": {"type": "number", "nullable": True, "minimum": 0, "maximum": 1},
        "waiting_over_24h": {"type": "integer", "description": "Open questions without answer older than 24 h."},
        "deflection": {"type": "object", "description": "Ask form, last 30 days: visitors (sessions) who opened a "
                       "suggestion, their clicks, how many of them posted anyway (once per visitor) and how many "
                       "left without posting", "properties": {
                           "days": {"type": "integer"}, "visitors": {"type": "integer"},
                           "suggestion_clicks": {"type": "integer"}, "asked_after_click": {"type": "integer"},
                           "left_without_asking": {"type": "integer"}}},
    },
})

_ID = {"name": "question_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_AID = {"name": "answer_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


openapi.add_path("/api/v1/questions", "get", {
    "summary": "List community questions", "tags": ["community"],
    "parameters": [
        {"name": "filter", "in": "query", "schema": {"type": "string", "enum": list(FILTERS), "default": "newest"}},
        {"name": "tag", "in": "query", "schema": {"type": "string"}},
        {"name": "category", "in": "query", "schema": {"type": "string"}, "description": "category slug"},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
    ],
    "responses": {"200": openapi.json_response("Questions, newest first, 20 per page", openapi.ref("QuestionList")),
                  "404": openapi.error_response("Unknown category")},
})
openapi.add_path("/api/v1/questions", "post", {
    "summary": "Ask a question", "tags": ["community"],
    "requestBody": _json_body({"type": "object", "required": ["title", "body"], "properties": {
        "title": {"type": "string", "minLength": 10, "maxLength": 200}, "body": {"type": "string"},
        "category": {"type": "string", "description": "category slug"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
        "device": {"type": "string", "maxLength": 120}}}),
    "responses": {"201": openapi.json_response("Created", openapi.ref("Created")),
                  "422": openapi.json_response("Invalid input, or personal data found (error personal_data)",
                                               {"oneOf": [openapi.ref("PersonalDataError"), openapi.ref("Error")]})},
})
openapi.add_path("/api/v1/questions/{question_id}", "get", {
    "summary": "One question with its answers (solution first, then by score)", "tags": ["community"],
    "parameters": [_ID],
    "responses": {"200": openapi.json_response("The question", openapi.ref("Question"))},
})
openapi.add_path("/api/v1/questions/{question_id}/answers", "post", {
    "summary": "Answer a question", "tags": ["community"], "parameters": [_ID],
    "requestBody": _json_body({"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}),
    "responses": {"201": openapi.json_response("Created", openapi.ref("Created")),
                  "409": openapi.error_response("The question is closed or locked"),
                  "422": openapi.json_response("Invalid input, or personal data found (error personal_data)",
                                               {"oneOf": [openapi.ref("PersonalDataError"), openapi.ref("Error")]})},
})
openapi.add_path("/api/v1/answers/{answer_id}/vote", "post", {
    "summary": "Vote on an answer (one vote per user; not on your own answers)", "tags": ["community"],
    "parameters": [_AID],
    "requestBody": _json_body({"type": "object", "required": ["value"],
                               "properties": {"value": {"type": "integer", "enum": [1, -1]}}}),
    "responses": {"200": openapi.json_response("The answer's new score", openapi.ref("VoteResult")),
                  "409": openapi.error_response("The answer is hidden")},
})
openapi.add_path("/api/v1/answers/{answer_id}/vote", "delete", {
    "summary": "Retract your vote", "tags": ["community"], "parameters": [_AID],
    "responses": {"200": openapi.json_response("The answer's new score", openapi.ref("VoteResult"))},
})
openapi.add_path("/api/v1/answers/{answer_id}/accept", "post", {
    "summary": "Mark the answer as the solution (asker, superuser or admin)", "tags": ["community"],
    "parameters": [_AID],
    "responses": {"200": openapi.json_response("The question's solution", openapi.ref("AcceptResult")),
                  "409": openapi.error_response("The answer is hidden")},
})
openapi.add_path("/api/v1/answers/{answer_id}/accept", "delete", {
    "summary": "Remove the solution mark (asker, superuser or admin)", "tags": ["community"], "parameters": [_AID],
    "responses": {"200": openapi.json_response("The question's solution", openapi.ref("AcceptResult"))},
})
openapi.add_path("/api/v1/users/{username}", "get", {
    "summary": "A member's public profile: reputation, role and badges", "tags": ["community"],
    "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
    "responses": {"200": openapi.json_response("The profile", openapi.ref("CommunityUser"))},
})
openapi.add_path("/api/v1/badges", "get", {
    "summary": "All badges with description and holder count", "tags": ["community"],
    "responses": {"200": openapi.json_response("The badge catalog", openapi.ref("BadgeList"))},
})
openapi.add_path("/api/v1/community/stats", "get", {
    "summary": "Response-time figures: median time to first answer, share within one hour, waiting > 24 h",
    "tags": ["community"],
    "responses": {"200": openapi.json_response("The figures", openapi.ref("CommunityStats"))},
})
