"""Deflection on the ask form: suggestion clicks go through /vorschlag/klick, which records them in the search
analytics (source "ask") and in DeflectionEvent, and remembers the click in the visitor's session. If that
visitor posts a question anyway within the hour, an "asked_after_click" event is recorded; clicks minus those
are the askers who left without posting (GET /api/v1/community/stats → deflection)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, has_request_context, redirect, request, session
from sqlalchemy import func, select

from community import signals
from community.notification_models import DeflectionEvent
from core.extensions import db
from core.i18n import safe_next
from core.models import utcnow

bp = Blueprint("deflection", __name__)
SESSION_KEY = "hc_deflection_click"
WINDOW = timedelta(hours=1)
TYPES = ("article", "video", "question")


@bp.route("/vorschlag/klick")
def click():
    target = request.args.get("to", "")
    if not target or safe_next(target, "") != target:
        abort(400)
    kind = request.args.get("type", "")
    kind = kind if kind in TYPES else ""
    query = request.args.get("q", "")[:200]
    result_id = (request.args.get("id") or target.rstrip("/").rsplit("/", 1)[-1])[:40]
    try:
        from search import analytics
        if kind and query:
            analytics.log_click(query, kind, result_id, source="ask")
    except ImportError:
        pass
    db.session.add(DeflectionEvent(kind="click", result_type=kind))
    db.session.commit()
    session[SESSION_KEY] = utcnow().isoformat()
    return redirect(target, code=303)


def on_question_asked(sender, question, **_extra) -> None:
    if not has_request_context() or SESSION_KEY not in session:
        return
    raw = session.pop(SESSION_KEY)
    try:
        clicked = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return
    if utcnow() - clicked <= WINDOW:
        db.session.add(DeflectionEvent(kind="asked_after_click"))


def stats(days: int = 30) -> dict:
    since = utcnow() - timedelta(days=days)
    counts = dict(db.session.execute(select(DeflectionEvent.kind, func.count()).where(
        DeflectionEvent.created_at >= since).group_by(DeflectionEvent.kind)).all())
    clicks, asked = counts.get("click", 0), counts.get("asked_after_click", 0)
    return {"days": days, "suggestion_clicks": clicks, "asked_after_click": asked,
            "left_without_asking": max(clicks - asked, 0)}


def init_app(app) -> None:
    signals.question_asked.connect(on_question_asked, weak=False)
    app.register_blueprint(bp)
