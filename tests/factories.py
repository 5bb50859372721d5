"""Small builders for test data. They flush, never commit; tests commit when a request must see the data."""
from __future__ import annotations

import itertools

from content.render import render_markdown
from core.extensions import db
from core.models import User
from kb.models import Article, Category

PASSWORD = "richtig-Pferd-Batterie"
_seq = itertools.count(1)


def make_user(username: str | None = None, role: str = "customer", password: str = PASSWORD, **fields) -> User:
    n = next(_seq)
    user = User(username=username or f"user{n}", email=fields.pop("email", None) or f"user{n}@example.org",
                role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_category(slug: str | None = None, **fields) -> Category:
    n = next(_seq)
    slug = slug or f"kategorie-{n}"
    category = Category(slug=slug, name_de=fields.pop("name_de", slug.title()),
                        name_en=fields.pop("name_en", slug.title()), **fields)
    db.session.add(category)
    db.session.flush()
    return category


def make_article(title: str = "WLAN-Passwort ändern", body: str = "## Schritte\n\nÖffnen Sie die Einstellungen.",
                 status: str = "published", category: Category | None = None, **fields) -> Article:
    n = next(_seq)
    rendered = render_markdown(body)
    article = Article(slug=fields.pop("slug", None) or f"artikel-{n}", title=title, body_md=body,
                      body_html=rendered.html, toc_html=rendered.toc_html, status=status,
                      category=category or make_category(), **fields)
    db.session.add(article)
    db.session.flush()
    return article
