"""Video tutorial records: provider metadata from yt-dlp plus what editors set (category, tags, status)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, utcnow
from kb.models import Category


class Video(db.Model):
    """A video tutorial, unique per provider and provider id."""

    __tablename__ = "videos"
    __table_args__ = (UniqueConstraint("provider", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))  # youtube | local | other yt-dlp extractor keys
    provider_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    duration: Mapped[int | None]
    thumbnail_url: Mapped[str | None] = mapped_column(String(1000))
    thumbnail_path: Mapped[str | None] = mapped_column(String(500))  # under MEDIA_DIR
    media_path: Mapped[str | None] = mapped_column(String(500))  # under MEDIA_DIR when self-hosted
    caption_tracks: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{lang, label, path, kind}]
    chapters: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{start, end, title}]
    transcript: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{start, end, text}]
    transcript_lang: Mapped[str | None] = mapped_column(String(10))
    transcript_kind: Mapped[str | None] = mapped_column(String(16))  # manual | automatic
    lang: Mapped[str] = mapped_column(String(5), default="de")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    editor_curated: Mapped[bool] = mapped_column(default=False)  # category/tags set by an editor: imports keep them
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    uploader: Mapped[str] = mapped_column(String(200), default="")
    upload_date: Mapped[date | None]
    provider_view_count: Mapped[int | None]
    view_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)  # published | hidden
    metadata_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[Category | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class VideoImport(db.Model):
    """An import an editor started from the web page: what was asked, and (once the job ran) what came of it."""

    __tablename__ = "video_imports"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1000))
    download: Mapped[bool] = mapped_column(default=False)
    category_slug: Mapped[str | None] = mapped_column(String(80))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    job_id: Mapped[str | None] = mapped_column(String(64))
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)  # per-video errors and warnings
    error: Mapped[str] = mapped_column(Text, default="")  # why the source as a whole failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User | None] = relationship()
