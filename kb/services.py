"""Knowledge base queries and rules for customer pages.

Plain functions; the ones that change data take the acting user (or the visitor key) and raise
core.errors exceptions. They add to the session; the caller commits.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import case, func
from sqlalchemy.exc import IntegrityError

from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import AuditLog, utcnow
from core.permissions import is_editor
from kb.models import LANGUAGES, Article, ArticleFeedback, Category, SlugRedirect, StatusBanner

def _(message: str, **values) -> str:
    """gettext inside a request (the visitor's language); the German msgid in CLI and unit-test use."""
    if has_request_context():
        return gettext(message, **values)
    return message % values if values else message


BANNER_LEVELS = ("outage", "maintenance", "info")
COMMENT_MAX = 2000
RELATED_LIMIT = 5


# --- categories and articles -------------------------------------------------------------------------------

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


def category_articles(category: Category, locale: str) -> list[Article]:
    """Published articles of a category, those in the visitor's language first, then by title."""
    own_language_first = case((Article.lang == locale, 0), else_=1)
    query = (db.select(Article)
             .where(Article.status == "published", Article.category_id == category.id)
             .order_by(own_language_first, Article.title))
    return list(db.session.execute(query).scalars())


def category_videos(category: Category) -> list:
    """Published video tutorials of a category (read-only view on kb.videos)."""
    from kb.videos.models import Video
    query = (db.select(Video).where(Video.category_id == category.id, Video.status == "published")
             .order_by(Video.title))
    return list(db.session.execute(query).scalars())


def newest_articles(limit: int = 5) -> list[Article]:
    newest = func.coalesce(Article.published_at, Article.updated_at)
    query = db.select(Article).where(Article.status == "published").order_by(newest.desc(), Article.id.desc())
    return list(db.session.execute(query.limit(limit)).scalars())


def most_helpful_articles(limit: int = 5) -> list[Article]:
    query = (db.select(Article).where(Article.status == "published", Article.helpful_yes > 0)
             .order_by((Article.helpful_yes - Article.helpful_no).desc(), Article.helpful_yes.desc(), Article.title)
             .limit(limit))
    return list(db.session.execute(query).scalars())


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


def related_articles(article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    """Published articles of the same category that share a tag, most shared tags first, then the same language,
    then the newest. An article without tags gets the newest of its category instead."""
    tags = {t.lower() for t in (article.tags or [])}
    query = db.select(Article).where(Article.status == "published", Article.category_id == article.category_id,
                                     Article.id != article.id)
    candidates = list(db.session.execute(query).scalars())

    def overlap(other: Article) -> int:
        return len(tags & {t.lower() for t in (other.tags or [])})

    def rank(other: Article):
        return (-overlap(other), other.lang != article.lang,
                -(other.updated_at.timestamp() if other.updated_at else 0), other.title)
    if tags:
        candidates = [other for other in candidates if overlap(other)]
    return sorted(candidates, key=rank)[:limit]


def paginate_published(page: int, per_page: int, category: str | None = None, lang: str | None = None):
    """(articles, total) for the API list: newest change first."""
    query = db.select(Article).where(Article.status == "published")
    if category:
        query = query.join(Category).where(Category.slug == category)
    if lang:
        query = query.where(Article.lang == lang)
    total = db.session.execute(query.with_only_columns(func.count(Article.id)).order_by(None)).scalar_one()
    rows = db.session.execute(query.order_by(Article.updated_at.desc(), Article.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).scalars()
    return list(rows), total


# --- "Was this helpful?" -----------------------------------------------------------------------------------

def visitor_hash(visitor_key: str) -> str:
    """The stored form of a visitor key: a keyed hash, so the database never holds the cookie value."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"kb-feedback:{visitor_key}".encode(), hashlib.sha256).hexdigest()


def visitor_feedback(article: Article, visitor_key: str | None) -> ArticleFeedback | None:
    if not visitor_key:
        return None
    return db.session.execute(db.select(ArticleFeedback).where(
        ArticleFeedback.article_id == article.id,
        ArticleFeedback.visitor_hash == visitor_hash(visitor_key))).scalar_one_or_none()


@dataclass
class VoteResult:
    feedback: ArticleFeedback
    recorded: bool  # False: this visitor had voted already and nothing changed


def record_feedback(article: Article, visitor_key: str, helpful: bool) -> VoteResult:
    """One vote per visitor and article; a repeated vote changes nothing."""
    if not article.is_published:
        raise NotFound(_("Artikel nicht gefunden."))
    if not visitor_key:
        raise DomainError(_("Besucherkennung fehlt."), code="no_visitor", status=400)
    existing = visitor_feedback(article, visitor_key)
    if existing is not None:
        return VoteResult(existing, False)
    feedback = ArticleFeedback(article_id=article.id, visitor_hash=visitor_hash(visitor_key), helpful=helpful,
                               comment="")
    try:
        # A savepoint: a double submit racing this one hits the unique constraint, which means "already voted".
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError:
        existing = visitor_feedback(article, visitor_key)
        if existing is None:
            raise
        return VoteResult(existing, False)
    # Update the counters in SQL so concurrent votes on other rows don't overwrite each other.
    column = Article.helpful_yes if helpful else Article.helpful_no
    db.session.execute(db.update(Article).where(Article.id == article.id).values({column: column + 1})
                       .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(article, ["helpful_yes", "helpful_no"])
    return VoteResult(feedback, True)


def add_feedback_comment(article: Article, visitor_key: str, comment: str) -> ArticleFeedback:
    """The comment that goes with this visitor's "no" vote (once)."""
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Bitte schreiben Sie, was gefehlt hat."), code="empty_comment")
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("Der Kommentar ist zu lang (höchstens %(max)d Zeichen).", max=COMMENT_MAX),
                          code="comment_too_long")
    feedback = visitor_feedback(article, visitor_key)
    if feedback is None or feedback.helpful:
        raise DomainError(_("Ein Kommentar ist nur nach einer Nein-Stimme möglich."), code="no_negative_vote",
                          status=409)
    if feedback.comment:
        raise DomainError(_("Sie haben zu diesem Artikel bereits einen Kommentar gesendet."), code="already_commented",
                          status=409)
    feedback.comment = comment
    return feedback


# --- status banner -----------------------------------------------------------------------------------------

def active_banner() -> StatusBanner | None:
    return db.session.execute(
        db.select(StatusBanner).where(StatusBanner.active.is_(True)).order_by(StatusBanner.updated_at.desc(),
                                                                              StatusBanner.id.desc()).limit(1)
    ).scalar_one_or_none()


def parse_keywords(raw: str | list | None) -> list[str]:
    items = raw if isinstance(raw, list) else (raw or "").split(",")
    seen: list[str] = []
    for item in items:
        word = str(item).strip().lower()
        if word and word not in seen:
            seen.append(word[:60])
    return seen[:20]


def _require_editor(actor) -> None:
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion darf den Status-Hinweis ändern."))


def switch_banner_on(actor, *, level: str, title: str, message: str = "", region: str = "",
                     keywords: str | list | None = None) -> StatusBanner:
    """Show a new banner on every page; any banner shown before is switched off."""
    _require_editor(actor)
    title = (title or "").strip()
    if level not in BANNER_LEVELS:
        raise DomainError(_("Unbekannte Art des Hinweises."), code="bad_level")
    if not title or len(title) > 200:
        raise DomainError(_("Bitte geben Sie einen Titel mit höchstens 200 Zeichen an."), code="bad_title")
    if len(region or "") > 120:
        raise DomainError(_("Die Region ist zu lang (höchstens 120 Zeichen)."), code="bad_region")
    _switch_all_off()
    banner = StatusBanner(active=True, level=level, title=title, message=(message or "").strip(),
                          region=(region or "").strip(), keywords=parse_keywords(keywords), author_id=actor.id)
    db.session.add(banner)
    db.session.flush()
    db.session.add(AuditLog(actor_id=actor.id, action="status_banner.on", target_type="status_banner",
                            target_id=banner.id, details={"level": level, "title": title}))
    return banner


def switch_banner_off(actor) -> StatusBanner | None:
    _require_editor(actor)
    banner = active_banner()
    _switch_all_off()
    if banner is not None:
        db.session.add(AuditLog(actor_id=actor.id, action="status_banner.off", target_type="status_banner",
                                target_id=banner.id, details={"title": banner.title}))
    return banner


def _switch_all_off() -> None:
    now = utcnow()
    for banner in db.session.execute(db.select(StatusBanner).where(StatusBanner.active.is_(True))).scalars():
        banner.active = False
        banner.resolved_at = now


def recent_banners(limit: int = 10) -> list[StatusBanner]:
    return list(db.session.execute(
        db.select(StatusBanner).order_by(StatusBanner.created_at.desc(), StatusBanner.id.desc()).limit(limit)).scalars())


def check_language(lang: str | None) -> str | None:
    if lang in (None, ""):
        return None
    if lang not in LANGUAGES:
        raise DomainError(_("Unbekannte Sprache (erlaubt: de, en)."), code="bad_lang", status=400)
    return lang


# --- editors: what readers said --------------------------------------------------------------------------

def feedback_overview(actor, limit: int = 50) -> dict:
    """The latest "no" comments and the articles readers found least helpful (editors only)."""
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion sieht die Rückmeldungen."))
    comments = db.session.execute(
        db.select(ArticleFeedback, Article).join(Article, Article.id == ArticleFeedback.article_id)
        .where(ArticleFeedback.comment != "")
        .order_by(ArticleFeedback.created_at.desc(), ArticleFeedback.id.desc()).limit(limit)).all()
    least_helpful = list(db.session.execute(
        db.select(Article).where(Article.status == "published", Article.helpful_no > 0)
        .order_by((Article.helpful_no - Article.helpful_yes).desc(), Article.helpful_no.desc(), Article.title)
        .limit(20)).scalars())
    return {"comments": comments, "least_helpful": least_helpful}
