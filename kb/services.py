"""Knowledge base queries and rules for customer pages."""
from __future__ import annotations

from sqlalchemy import func

from core.extensions import db
from kb.models import Article, Category, SlugRedirect, StatusBanner


def categories() -> list[Category]:
    return list(db.session.execute(db.select(Category).order_by(Category.position, Category.name_de)).scalars())


def category_by_slug(slug: str) -> Category | None:
    return db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one_or_none()


def published_articles(category: Category | None = None, lang: str | None = None):
    query = db.select(Article).where(Article.status == "published")
    if category is not None:
        query = query.where(Article.category_id == category.id)
    if lang:
        query = query.where(Article.lang == lang)
    return query.order_by(Article.title)


def article_counts() -> dict[int, int]:
    rows = db.session.execute(
        db.select(Article.category_id, func.count()).where(Article.status == "published").group_by(Article.category_id))
    return dict(rows.all())


def find_published_article(slug: str) -> tuple[Article | None, str | None]:
    """(article, None) for a live slug; (None, new_slug) when the slug moved; (None, None) when unknown."""
    article = db.session.execute(db.select(Article).where(Article.slug == slug)).scalar_one_or_none()
    if article is not None:
        return (article if article.is_published else None), None
    moved = db.session.execute(db.select(SlugRedirect).where(SlugRedirect.old_slug == slug)).scalar_one_or_none()
    if moved is not None:
        target = db.session.get(Article, moved.article_id)
        if target is not None and target.is_published:
            return None, target.slug
    return None, None


def active_banner() -> StatusBanner | None:
    return db.session.execute(
        db.select(StatusBanner).where(StatusBanner.active.is_(True)).order_by(StatusBanner.updated_at.desc()).limit(1)
    ).scalar_one_or_none()
