"""Reputation ledger: every change of a user's reputation is one event row; the total on User is a cache.

A withdrawn vote or acceptance keeps its row and sets `reversed_at`, so the history stays visible and the
total is the sum of the live rows. `recompute()` compares cache and ledger (and fixes the cache).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value

from community.models import ReputationEvent
from core.extensions import db
from core.models import User, utcnow

# kind -> points. Published on /community/reputation.
POINTS = {
    "answer_upvoted": 10,
    "question_upvoted": 5,
    "answer_accepted": 15,
    "accepted_an_answer": 2,
    "downvoted": -2,
    "downvote_given": -1,
}

LABELS = {
    "answer_upvoted": _l("Ihre Antwort erhält eine positive Stimme"),
    "question_upvoted": _l("Ihre Frage erhält eine positive Stimme"),
    "answer_accepted": _l("Ihre Antwort wird als Lösung markiert"),
    "accepted_an_answer": _l("Sie markieren eine Antwort auf Ihre Frage als Lösung"),
    "downvoted": _l("Ihr Beitrag erhält eine negative Stimme"),
    "downvote_given": _l("Sie geben einer Antwort eine negative Stimme"),
}

VOTE_KINDS = ("answer_upvoted", "question_upvoted", "downvoted", "downvote_given")
ACCEPT_KINDS = ("answer_accepted", "accepted_an_answer")


def record(user: User, kind: str, *, post_type: str | None = None, post_id: int | None = None,
           actor: User | None = None) -> ReputationEvent:
    points = POINTS[kind]
    event = ReputationEvent(user_id=user.id, kind=kind, points=points, post_type=post_type, post_id=post_id,
                            actor_id=actor.id if actor else None, created_at=utcnow())
    db.session.add(event)
    increment(user, "reputation", points)
    return event


def increment(obj, attribute: str, delta: int) -> None:
    """Add ``delta`` to a counter column in the database itself (UPDATE … SET n = n + delta RETURNING n), and
    give the object in the session the value that came back. A read-modify-write in Python loses one of two
    transactions that credit the same person or post at once: the load bench found it as soon as nothing else
    serialized the writers."""
    obj = obj._get_current_object() if hasattr(obj, "_get_current_object") else obj  # current_user is a proxy
    model = type(obj)
    column = getattr(model, attribute)
    statement = (update(model).where(model.id == obj.id).values({attribute: func.coalesce(column, 0) + delta})
                 .returning(column).execution_options(synchronize_session=False))
    set_committed_value(obj, attribute, db.session.execute(statement).scalar_one())


def reverse(*, kinds: tuple[str, ...], post_type: str, post_id: int, actor_id: int | None = None) -> int:
    """Reverse the live events of these kinds for this post (by this actor); returns how many."""
    query = db.select(ReputationEvent).where(ReputationEvent.kind.in_(kinds), ReputationEvent.post_type == post_type,
                                             ReputationEvent.post_id == post_id, ReputationEvent.reversed_at.is_(None))
    if actor_id is not None:
        query = query.where(ReputationEvent.actor_id == actor_id)
    events = db.session.execute(query).scalars().all()
    now = utcnow()
    for event in events:
        event.reversed_at = now
        user = db.session.get(User, event.user_id)
        if user is not None:
            increment(user, "reputation", -event.points)
    return len(events)


def ledger_total(user_id: int) -> int:
    total = db.session.execute(db.select(func.coalesce(func.sum(ReputationEvent.points), 0)).where(
        ReputationEvent.user_id == user_id, ReputationEvent.reversed_at.is_(None))).scalar_one()
    return int(total)


def history(user_id: int, limit: int = 20) -> list[ReputationEvent]:
    return list(db.session.execute(db.select(ReputationEvent).where(ReputationEvent.user_id == user_id)
                                   .order_by(ReputationEvent.created_at.desc(), ReputationEvent.id.desc())
                                   .limit(limit)).scalars())


@dataclass
class Mismatch:
    user_id: int
    username: str
    cached: int
    ledger: int


def recompute(fix: bool = True) -> tuple[int, list[Mismatch]]:
    """Compare every user's cached reputation with the ledger; returns (users checked, mismatches)."""
    totals = dict(db.session.execute(
        db.select(ReputationEvent.user_id, func.sum(ReputationEvent.points))
        .where(ReputationEvent.reversed_at.is_(None)).group_by(ReputationEvent.user_id)).all())
    mismatches = []
    users = db.session.execute(db.select(User).order_by(User.id)).scalars().all()
    for user in users:
        ledger = int(totals.get(user.id) or 0)
        if (user.reputation or 0) != ledger:
            mismatches.append(Mismatch(user.id, user.username, user.reputation or 0, ledger))
            if fix:
                user.reputation = ledger
    return len(users), mismatches
