"""Response-time figures for "no question left behind" (community home and /api/v1/community/stats)."""
from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from community.models import Question
from core.extensions import db
from core.models import utcnow


def response_stats(now: datetime | None = None) -> dict:
    """Visible questions only. "Answered" means a visible answer by someone other than the asker
    (Question.first_answer_at, kept by services.refresh_answer_stats).

    - median_first_answer_seconds: median time from asking to the first answer (answered questions); None if none
    - answered_within_hour_share: answered within 1 h, out of the questions that are either answered or older than
      1 h (a question asked five minutes ago does not count against us yet); None if there are none
    - waiting_over_24h: open questions without such an answer, asked more than 24 h ago
    """
    now = now or utcnow()
    rows = db.session.execute(db.select(Question.created_at, Question.first_answer_at, Question.accepted_answer_id,
                                        Question.status)
                              .where(Question.is_hidden.is_(False))).all()
    delays = [(first - created).total_seconds() for created, first, *_ in rows if first is not None]
    eligible = [r for r in rows if r[1] is not None or now - r[0] >= timedelta(hours=1)]
    within = sum(1 for created, first, *_ in eligible if first is not None and first - created <= timedelta(hours=1))
    waiting = sum(1 for created, first, _acc, status in rows
                  if first is None and status == "open" and now - created > timedelta(hours=24))
    return {
        "questions": len(rows),
        "answered": sum(1 for r in rows if r[1] is not None),
        "unanswered": sum(1 for r in rows if r[1] is None),
        "solved": sum(1 for r in rows if r[2] is not None),
        "median_first_answer_seconds": int(median(delays)) if delays else None,
        "answered_within_hour_share": round(within / len(eligible), 3) if eligible else None,
        "waiting_over_24h": waiting,
    }
