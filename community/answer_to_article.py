"""From answer to article: an editor turns a solved question into a draft FAQ article.

The draft gets the question's title, category and tags, a body with the question and the accepted answer in
Markdown and a link back, ``source_question_id`` and a first revision noted "Aus Community-Frage erzeugt".
It is an ordinary draft from then on: the content workflow (review, publish) takes over.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from community import notifications
from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog
from core.permissions import is_editor
from kb.models import Article, Category

REVISION_NOTE = "Aus Community-Frage erzeugt"


def existing_article(question) -> Article | None:
    return db.session.scalar(select(Article).where(Article.source_question_id == question.id)
                             .order_by(Article.id).limit(1))


def draft_body(question) -> str:
    answer = question.accepted_answer
    link = notifications.question_url(question)
    parts = [
        f"> Aus der Community-Frage [{_escape(question.title)}]({link}) übernommen.",
        "",
        "## Frage",
        "",
        question.body_md.strip(),
        "",
        "## Lösung",
        "",
        answer.body_md.strip(),
        "",
        f"*Diskussion und weitere Antworten: [{_escape(question.title)}]({link})*",
    ]
    return "\n".join(parts) + "\n"


def _escape(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _category(question) -> Category:
    category = question.category or db.session.scalar(select(Category).order_by(Category.position, Category.id)
                                                      .limit(1))
    if category is None:
        raise DomainError(_("Es gibt noch keine Kategorie für den Artikel."), code="no_category", status=409)
    return category


def create_draft(actor, question) -> Article:
    """The question's draft article (an existing one is returned instead of a second copy)."""
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion darf Artikel anlegen."))
    answer = question.accepted_answer
    if answer is None or answer.is_hidden or question.is_hidden:
        raise DomainError(_("Nur gelöste Fragen können zu einem Artikel werden."), code="not_solved", status=409)
    existing = existing_article(question)
    if existing is not None:
        return existing
    from content import services
    from content.revisions import write_revision

    data = services.validate(services.ArticleData(
        title=question.title[:services.TITLE_MAX], category=_category(question), body_md=draft_body(question),
        tags=services.parse_tags(question.tag_names), lang="de"))
    article = Article(status="draft", author_id=actor.id, tags=[], source_question_id=question.id)
    services.apply(article, data)
    db.session.add(article)
    db.session.flush()
    write_revision(article, actor, REVISION_NOTE)
    db.session.add(AuditLog(actor_id=actor.id, action="community.question_to_article", target_type="article",
                            target_id=article.id, details={"question_id": question.id, "answer_id": answer.id}))
    db.session.flush()
    return article


def edit_url(article: Article) -> str:
    return url_for("content.edit_article", article_id=article.id)
