"""Atom feeds of community questions: all (/feeds/fragen.atom) and per category (/feeds/fragen/<slug>.atom).
Questions also appear in the site-wide /feeds/neu.atom through kb.feeds.register_feed_source. The Atom XML
itself is kb.feeds' (one builder for every feed of the site)."""
from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _

from community import notifications
from community.models import Question
from core.extensions import db
from kb import feeds as kb_feeds
from kb.models import Category

bp = Blueprint("community_feeds", __name__, url_prefix="/feeds")
FEED_LIMIT = 50


def _absolute(path: str) -> str:
    if path.startswith("/"):
        return url_for("kb.home", _external=True).rstrip("/") + path
    return path


def question_entries(limit: int, category_id: int | None = None) -> list:
    from content.render import html_to_text

    query = db.select(Question).where(Question.is_hidden.is_(False))
    if category_id is not None:
        query = query.where(Question.category_id == category_id)
    query = query.order_by(Question.last_activity_at.desc(), Question.id.desc()).limit(limit)
    entries = []
    for question in db.session.execute(query).scalars():
        summary = kb_feeds._excerpt(html_to_text(question.body_html))
        if question.is_solved:
            summary = _("[Gelöst] %(text)s", text=summary)
        entries.append(kb_feeds.FeedEntry(
            kind="question", key=str(question.id), title=question.title,
            url=_absolute(notifications.question_url(question)), updated=question.last_activity_at,
            published=question.created_at, summary=summary, lang="de",
            category=question.category.name_de if question.category else None))
    return entries


def _response(title: str, self_url: str, entries: list):
    return kb_feeds._atom_response(kb_feeds.atom_document(title, self_url, entries))


@bp.route("/fragen.atom")
def questions():
    return _response(_("Neue Fragen in der Community"), url_for("community_feeds.questions", _external=True),
                     question_entries(FEED_LIMIT))


@bp.route("/fragen/<slug>.atom")
def category_questions(slug: str):
    category = db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one_or_none()
    if category is None:
        abort(404)
    return _response(_("Community-Fragen: %(category)s", category=category.name_de),
                     url_for("community_feeds.category_questions", slug=slug, _external=True),
                     question_entries(FEED_LIMIT, category.id))


def init_app(app) -> None:
    kb_feeds.register_feed_source(question_entries, "community.questions")
    app.register_blueprint(bp)
