"""Search analytics (no personal data: no IP, no user id, no session), the editor-maintained synonym list, and the
tables of the PostgreSQL search backend (search/pg_backend.py; empty and unused with the default Whoosh backend)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, String, Text, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import utcnow


class SearchLog(db.Model):
    """A search (or several identical ones): the normalised query, how many results it had, where it came from."""

    __tablename__ = "search_logs"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), index=True)
    result_count: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(16), default="search")  # search | api | suggest | ask
    # How many identical searches this row stands for: 1 when logged live; more for the searches the page cache
    # answered in one tally period (core.tally), so an outage's thousands of searches are a handful of rows.
    searches: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SearchClick(db.Model):
    """A result someone opened from a search (source "search") or from the ask form's deflection ("ask")."""

    __tablename__ = "search_clicks"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

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


# tsvector on PostgreSQL; a plain (always empty) text column elsewhere, so models and migrations stay one schema.
TSVector = TSVECTOR().with_variant(Text(), "sqlite")


class SearchDocument(db.Model):
    """PostgreSQL backend: one indexed article, video or question (derived data; `flask search reindex` rebuilds).

    ``tsv`` holds title (weight A), tags (B) and body (C), analysed with the item's language configuration;
    ``title_tsv`` the prefixes of the folded title words, for suggest-as-you-type; ``body`` only the part snippets
    are cut from."""

    __tablename__ = "search_documents"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # "<type>:<id>"
    type: Mapped[str] = mapped_column(String(16))
    obj_id: Mapped[str] = mapped_column(String(40))
    slug: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(8), default="de")
    category: Mapped[str] = mapped_column(String(80), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    cues: Mapped[list] = mapped_column(JSON, default=list)  # [[start second, text], ...]
    chapters: Mapped[list] = mapped_column(JSON, default=list)
    boost: Mapped[float] = mapped_column(Float, default=1.0)
    version: Mapped[str] = mapped_column(Text, default="")
    spelling: Mapped[str] = mapped_column(Text, default="")  # its words in search_words.df, for exact updates
    tsv: Mapped[str | None] = mapped_column(TSVector)
    title_tsv: Mapped[str | None] = mapped_column(TSVector)

    __table_args__ = (
        Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        Index("ix_search_documents_title_tsv", "title_tsv", postgresql_using="gin"),
    )


class SearchWord(db.Model):
    """PostgreSQL backend: the folded vocabulary. ``df`` counts documents with the word in title, tags or summary
    (spelling candidates, found by trigram similarity); ``part`` marks the decompounding word list."""

    __tablename__ = "search_words"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    word: Mapped[str] = mapped_column(String(64), primary_key=True)
    df: Mapped[int] = mapped_column(default=0)
    part: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        Index("ix_search_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )


class SearchPending(db.Model):
    """PostgreSQL backend: keys whose indexing failed (lock timeout, error), retried by the next writer."""

    __tablename__ = "search_pending"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(db.metadata, "before_create")
def _text_search_objects(_metadata, connection, **_kw) -> None:
    """`db.create_all()` (tests, fresh installs without migrations) needs the extensions and configurations too."""
    if connection.dialect.name == "postgresql":
        from search.pg_backend import install_text_search
        install_text_search(connection)
