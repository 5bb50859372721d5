"""Builders for editor-workflow tests: editors, categories and articles created through the real services."""
from __future__ import annotations

from content import services, workflow
from core.extensions import db
from tests.factories import make_category, make_user


def make_editor(username: str | None = None, role: str = "editor", **fields):
    return make_user(username=username, role=role, **fields)


def article_data(category=None, **fields) -> services.ArticleData:
    return services.ArticleData(
        title=fields.pop("title", "Router neu starten"), category=category or make_category(),
        body_md=fields.pop("body_md", "## Schritte\n\nZiehen Sie den Stecker.\n\nWarten Sie 30 Sekunden."),
        **fields)


def make_draft(author=None, category=None, **fields):
    author = author or make_editor()
    article = services.create_article(author, article_data(category, **fields))
    db.session.flush()
    return article


def make_published(author=None, reviewer=None, **fields):
    author = author or make_editor()
    reviewer = reviewer or make_editor()
    article = make_draft(author, **fields)
    workflow.submit(author, article)
    workflow.publish(reviewer, article)
    return article
