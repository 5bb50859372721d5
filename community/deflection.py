"""Deflection on the ask form, counted in people rather than clicks.

The form's suggestions come from /vorschlag/suche (the search suggestions, solved questions ahead of unsolved
ones). Opening one goes through /vorschlag/klick, which records the click in the search analytics (source "ask")
and in DeflectionEvent, and marks the visitor's session: the first click of a session is one "visitor". If that
visitor posts a question anyway within the hour after their last click, one "asked_after_click" is recorded per
session. Visitors minus those who asked are the people who left without posting (GET /api/v1/community/stats).
No personal data is stored: the events carry only their kind and the result type.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, has_request_context, jsonify, redirect, request, session
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from community import signals
from community.models import Question
from community.notification_models import DeflectionEvent
from core.errors import DomainError
from core.extensions import db
from core.i18n import safe_next
from core.models import utcnow

bp = Blueprint("deflection", __name__)
SESSION_KEY = "hc_deflection"  # {"at": ISO time of the last click, "asked": posted a question since}
WINDOW = timedelta(hours=1)
TYPES = ("article", "video", "question")
SUGGESTIONS = 8


@bp.route("/vorschlag/suche")
def suggestions():
    """The ask form's suggestions: articles, videos and questions as the search suggests them, except that
    questions without a solution come last (a solved thread is the one that can spare someone a post)."""
    from search import service
    from search.backend import SearchUnavailable

    try:
        items = service.suggest(request.args.get("q", ""), limit=SUGGESTIONS)
    except SearchUnavailable:
        raise DomainError(_("Die Suche ist vorübergehend nicht verfügbar."), code="search_unavailable",
                          status=503) from None
    return jsonify({"suggestions": solved_first(items)})


def solved_first(items: list[dict]) -> list[dict]:
    """Mark question suggestions with ``solved`` and move the unsolved ones behind everything else (stable)."""
    ids = {index: _question_id(item["url"]) for index, item in enumerate(items) if item.get("type") == "question"}
    wanted = [qid for qid in ids.values() if qid is not None]
    solved = set(db.session.scalars(select(Question.id).where(Question.id.in_(wanted),
                                                              Question.accepted_answer_id.is_not(None)))) \
        if wanted else set()
    marked = [{**item, "solved": ids[index] in solved} if index in ids else item for index, item in enumerate(items)]
    return sorted(marked, key=lambda item: item.get("solved") is False)


def _question_id(url: str) -> int | None:
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, values = adapter.match(urlsplit(url).path, method="GET")
    except HTTPException:
        return None
    return values.get("question_id") if endpoint == "community.question" else None


@bp.route("/vorschlag/klick")
def click():
    target = request.args.get("to", "")
    if not target or safe_next(target, "") != target:
        abort(400)
    kind = request.args.get("type", "")
    kind = kind if kind in TYPES else ""
    query = request.args.get("q", "")[:200]
    result_id = (request.args.get("id") or target.rstrip("/").rsplit("/", 1)[-1])[:40]
    from search import analytics

    if kind and query:
        analytics.log_click(query, kind, result_id, source="ask")
    visit = session.get(SESSION_KEY)
    if not isinstance(visit, dict):  # this session's first suggestion: one more person was offered an answer
        db.session.add(DeflectionEvent(kind="visitor", result_type=kind))
        visit = {"asked": False}
    db.session.add(DeflectionEvent(kind="click", result_type=kind))
    db.session.commit()
    session[SESSION_KEY] = {**visit, "at": utcnow().isoformat()}
    return redirect(target, code=303)


def on_question_asked(sender, question, **_extra) -> None:
    if not has_request_context():
        return
    visit = session.get(SESSION_KEY)
    if not isinstance(visit, dict) or visit.get("asked"):
        return
    try:
        clicked = datetime.fromisoformat(visit["at"])
    except (KeyError, TypeError, ValueError):
        return
    if utcnow() - clicked <= WINDOW:
        db.session.add(DeflectionEvent(kind="asked_after_click"))
        session[SESSION_KEY] = {**visit, "asked": True}


def stats(days: int = 30) -> dict:
    since = utcnow() - timedelta(days=days)
    counts = dict(db.session.execute(select(DeflectionEvent.kind, func.count()).where(
        DeflectionEvent.created_at >= since).group_by(DeflectionEvent.kind)).all())
    visitors, asked = counts.get("visitor", 0), counts.get("asked_after_click", 0)
    return {"days": days, "visitors": visitors, "suggestion_clicks": counts.get("click", 0),
            "asked_after_click": asked, "left_without_asking": max(visitors - asked, 0)}


def init_app(app) -> None:
    signals.question_asked.connect(on_question_asked, weak=False)
    app.register_blueprint(bp)
    # For pages of other packages (the editors' search analytics): {{ deflection_stats(days) }}, no import needed.
    app.jinja_env.globals["deflection_stats"] = stats
