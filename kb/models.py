"""Knowledge base records: categories, articles with revisions and feedback, videos, the status banner."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, utcnow

ARTICLE_STATUSES = ("draft", "review", "published", "archived")
LANGUAGES = ("de", "en")


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(40), default="help")
    position: Mapped[int] = mapped_column(default=100)

    articles: Mapped[list[Article]] = relationship(back_populates="category")

    def name(self, locale: str = "de") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_de

    def description(self, locale: str = "de") -> str:
        return self.description_en if locale == "en" and self.description_en else self.description_de


class Article(db.Model):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(400), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(5), default="de")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    toc_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_by: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    helpful_yes: Mapped[int] = mapped_column(default=0)
    helpful_no: Mapped[int] = mapped_column(default=0)
    # Set when an editor turned a solved forum question into this article.
    source_question_id: Mapped[int | None]
    # An editor's change to the published article, waiting for a second editor: the number of the proposed
    # revision and who last changed it. The fields above stay the live version until the change is published.
    pending_revision: Mapped[int | None]
    pending_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    category: Mapped[Category] = relationship(back_populates="articles")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    pending_by: Mapped[User | None] = relationship(foreign_keys=[pending_by_id])
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleRevision.number")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def has_pending_change(self) -> bool:
        return self.pending_revision is not None


class ArticleRevision(db.Model):
    """A full snapshot per save, so any version can be diffed against another and restored. A proposed revision
    is a change to a published article that was not live when it was written (it waits for review)."""

    __tablename__ = "article_revisions"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(400), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(5))
    body_md: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")
    proposed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class SlugRedirect(db.Model):
    """An article's former slug; requests for it answer 301 to the current one."""

    __tablename__ = "slug_redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(String(160), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class ArticleFeedback(db.Model):
    """One "Was this helpful?" vote per visitor (an anonymous cookie id, hashed) and article."""

    __tablename__ = "article_feedback"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)
    __table_args__ = (UniqueConstraint("article_id", "visitor_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    visitor_hash: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusBanner(db.Model):
    """An outage or maintenance notice shown on every page while active."""

    __tablename__ = "status_banners"

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(default=False, index=True)
    level: Mapped[str] = mapped_column(String(16), default="outage")  # outage | maintenance | info
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # search shows the banner first for these
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None]
