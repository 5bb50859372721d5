"""Search analytics (no personal data: no IP, no user id, no session) and the editor-maintained synonym list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import utcnow


class SearchLog(db.Model):
    """One search: the normalised query, how many results it had, where it came from."""

    __tablename__ = "search_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), index=True)
    result_count: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(16), default="search")  # search | api | suggest | ask
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SearchClick(db.Model):
    """A result someone opened from a search (source "search") or from the ask form's deflection ("ask")."""

    __tablename__ = "search_clicks"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), index=True)
    result_type: Mapped[str] = mapped_column(String(16))
    result_id: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16), default="search")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SynonymGroup(db.Model):
    """Words and phrases that mean the same to customers (Handy, Natel, Mobiltelefon)."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
