"""Search analytics without personal data: normalised queries, result counts, clicked results, time.

``log_click(query, result_type, result_id, source="search")`` is public: the community's ask form calls it with
source="ask" when a suggestion deflected a question. It adds to the caller's session; the caller commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import utcnow
from search.models import SearchClick, SearchLog

SOURCES = ("search", "api", "ask", "suggest")
_SPACE = re.compile(r"\s+")
# Long digit runs may be customer or phone numbers: never store them.
_DIGITS = re.compile(r"\d[\d .\-/]{5,}\d")
_EMAIL = re.compile(r"\S+@\S+")


def normalise(query: str) -> str:
    text = _EMAIL.sub("…", query or "")
    text = _DIGITS.sub("…", text)
    return _SPACE.sub(" ", text).strip().lower()[:200]


def log_search(query: str, result_count: int, source: str = "search", searches: int = 1) -> None:
    text = normalise(query)
    if text and searches > 0:
        db.session.add(SearchLog(query=text, result_count=max(0, int(result_count)), searches=int(searches),
                                 source=source if source in SOURCES else "search"))


SEARCHES_TALLY = "searches"  # searches answered from the page cache: {(query, result count, source): n}


def write_search_tally(counts) -> None:
    """core.tally writer: the searches answered from the page cache, one row per query standing for all of them."""
    for (query, result_count, source), n in counts.items():
        log_search(query, result_count, source, searches=n)


def log_click(query: str, result_type: str, result_id, source: str = "search") -> None:
    text = normalise(query)
    if text and result_type in ("article", "video", "question"):
        db.session.add(SearchClick(query=text, result_type=result_type, result_id=str(result_id)[:40],
                                   source=source if source in SOURCES else "search"))
        db.session.flush()


@dataclass
class QueryStat:
    query: str
    searches: int
    results: int  # average result count
    clicks: int = 0


def report(days: int = 30, limit: int = 20) -> dict[str, list[QueryStat]]:
    """Top queries, zero-result queries and queries with results that nobody clicked, over ``days``."""
    since = utcnow() - timedelta(days=days)
    clicks = dict(db.session.execute(
        select(SearchClick.query, func.count()).where(SearchClick.created_at >= since)
        .group_by(SearchClick.query)).all())
    searches = func.sum(SearchLog.searches)
    rows = db.session.execute(
        select(SearchLog.query, searches, func.sum(SearchLog.result_count * SearchLog.searches))
        .where(SearchLog.created_at >= since, SearchLog.source != "suggest")
        .group_by(SearchLog.query).order_by(searches.desc(), SearchLog.query)).all()
    stats = [QueryStat(q, int(n), round(float(total or 0) / n) if n else 0, clicks.get(q, 0)) for q, n, total in rows]
    return {
        "top": stats[:limit],
        "zero": [s for s in stats if s.results == 0][:limit],
        "no_click": [s for s in stats if s.results > 0 and s.clicks == 0][:limit],
        "total_searches": sum(s.searches for s in stats),
    }
