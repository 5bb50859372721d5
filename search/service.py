"""The query service: what views and the API call. Normalises input, applies synonyms, finds the status banner
that matches, logs the search (no personal data) and hands the backend a Query."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from flask import current_app
from sqlalchemy import select

from core import tally
from core.extensions import db
from core.page_cache import on_hit
from search import analysis, analytics, synonyms
from search.backend import Query, Results, SearchBackend, SearchUnavailable

log = logging.getLogger(__name__)

MAX_QUERY = 200
PER_PAGE = 10
MAX_PAGE = 50
TYPES = ("article", "video", "question")


class SearchService:
    def __init__(self, backend: SearchBackend):
        self.backend = backend


def service() -> SearchService:
    return current_app.extensions["search"]


def backend() -> SearchBackend:
    return service().backend


def clean_query(raw: str | None) -> str:
    text = " ".join((raw or "").split())
    return text[:MAX_QUERY]


@dataclass
class Outcome:
    results: Results
    banner: object | None = None
    unavailable: bool = False


def matching_banner(text: str):
    """The active status banner whose keywords (or title words) the query mentions."""
    from kb.models import StatusBanner

    query_words = {w for w in analysis.words(text) if w not in analysis.ALL_STOPWORDS}
    if not query_words:
        return None
    banners = db.session.execute(select(StatusBanner).where(StatusBanner.active.is_(True))
                                 .order_by(StatusBanner.created_at.desc())).scalars().all()
    for banner in banners:
        keywords = {w for k in (banner.keywords or []) for w in analysis.words(k)}
        title = {w for w in analysis.words(banner.title) if w not in analysis.ALL_STOPWORDS and len(w) > 3}
        if query_words & (keywords | title):
            return banner
    return None


def run(text: str, *, type: str | None = None, category: str | None = None, page: int = 1,
        per_page: int = PER_PAGE, source: str = "search", log_it: bool = True) -> Outcome:
    text = clean_query(text)
    page = min(max(page, 1), MAX_PAGE)
    type = type if type in TYPES else None
    outcome = Outcome(results=Results(query=text, page=page, per_page=per_page))
    if not text:
        return outcome
    try:
        outcome.results = backend().search(Query(
            text=text, type=type, category=category or None, page=page, per_page=per_page,
            synonyms=synonyms.groups(str(id(current_app._get_current_object())))))
    except SearchUnavailable:
        log.exception("search index unavailable")
        outcome.unavailable = True
    outcome.banner = matching_banner(text)
    if log_it and page == 1 and not outcome.unavailable:
        # Logged in batches (core.tally, every few seconds): no database write in the search request. An anonymous
        # API answer may be served again from the page cache; those searches are tallied the same way.
        count = partial(tally.add, current_app._get_current_object(), analytics.SEARCHES_TALLY,
                        (text, outcome.results.total, source))
        count()
        on_hit(count)
    return outcome


def suggest(text: str, limit: int = 8) -> list[dict]:
    text = clean_query(text)
    if len(text) < 2:
        return []
    return backend().suggest(text, limit=limit)
