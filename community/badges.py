"""Every badge in one place: slug, names, tier, description, rule, and whether it can be earned repeatedly.

A rule takes a user and returns True/False (one-time badges) or, for repeatable badges, the list of
(post_type, post_id) that qualify; each qualifying post earns the badge once. `check_user()` runs after
events and `award_all()` is the idempotent backfill behind `flask community award-badges`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import get_locale
from sqlalchemy import func

from community import signals
from community.models import Answer, Award, Comment, Flag, Question, Vote
from core.extensions import db
from core.models import User, utcnow

TIERS = ("bronze", "silver", "gold")


@dataclass(frozen=True)
class Badge:
    slug: str
    name_de: str
    name_en: str
    tier: str
    description_de: str
    description_en: str
    rule: Callable[[User], object]
    repeatable: bool = False

    def name(self, locale: str | None = None) -> str:
        return self.name_en if _locale(locale) == "en" else self.name_de

    def description(self, locale: str | None = None) -> str:
        return self.description_en if _locale(locale) == "en" else self.description_de


def _locale(locale: str | None) -> str:
    return locale or str(get_locale() or "de")  # outside a request: the default locale (core.i18n)


# ---- rule helpers -------------------------------------------------------------------------------------------

def _visible_answers(user: User):
    return (db.select(Answer).join(Question, Answer.question_id == Question.id)
            .where(Answer.author_id == user.id, Answer.is_hidden.is_(False), Question.is_hidden.is_(False)))


def accepted_count(user: User) -> int:
    """Answers by this user that are the accepted solution of their question (self-answers excluded)."""
    return db.session.execute(
        db.select(func.count(Answer.id)).join(Question, Question.accepted_answer_id == Answer.id)
        .where(Answer.author_id == user.id, Answer.is_hidden.is_(False), Question.is_hidden.is_(False),
               (Question.author_id.is_(None)) | (Question.author_id != user.id))).scalar_one()


def _answer_count(user: User) -> int:
    return db.session.execute(db.select(func.count()).select_from(_visible_answers(user).subquery())).scalar_one()


def _answers_with_score(minimum: int):
    def rule(user: User) -> list[tuple[str, int]]:
        ids = db.session.execute(_visible_answers(user).where(Answer.score >= minimum)
                                 .with_only_columns(Answer.id)).scalars().all()
        return [("answer", answer_id) for answer_id in ids]
    return rule


def _fast_answers(user: User) -> int:
    rows = db.session.execute(
        db.select(Answer.created_at, Question.created_at).join(Question, Answer.question_id == Question.id)
        .where(Answer.author_id == user.id, Answer.is_hidden.is_(False),
               (Question.author_id.is_(None)) | (Question.author_id != user.id))).all()
    return sum(1 for answered, asked in rows if answered - asked <= timedelta(hours=1))


def _scholar(user: User) -> bool:
    return db.session.execute(
        db.select(func.count(Question.id)).where(Question.author_id == user.id,
                                                 Question.accepted_answer_id.is_not(None))).scalar_one() > 0


def _asked(user: User) -> bool:
    return db.session.execute(
        db.select(func.count(Question.id)).where(Question.author_id == user.id, Question.is_hidden.is_(False))
    ).scalar_one() > 0


def _comments(user: User) -> int:
    return db.session.execute(db.select(func.count(Comment.id)).where(Comment.author_id == user.id,
                                                                      Comment.is_hidden.is_(False))).scalar_one()


def _helpful_flags(user: User) -> int:
    return db.session.execute(db.select(func.count(Flag.id)).where(Flag.user_id == user.id,
                                                                   Flag.status == "accepted")).scalar_one()


def _votes_cast(user: User) -> int:
    return db.session.execute(db.select(func.count(Vote.id)).where(Vote.user_id == user.id)).scalar_one()


def active_days(user: User) -> int:
    """Distinct days on which the user asked, answered, commented or voted."""
    days = set()
    for model, column in ((Question, Question.author_id), (Answer, Answer.author_id),
                          (Comment, Comment.author_id), (Vote, Vote.user_id)):
        for (created,) in db.session.execute(db.select(model.created_at).where(column == user.id)):
            days.add(created.date())
    return len(days)


def _popular_question(user: User) -> list[tuple[str, int]]:
    ids = db.session.execute(db.select(Question.id).where(Question.author_id == user.id,
                                                          Question.view_count >= 1000)).scalars().all()
    return [("question", qid) for qid in ids]


BADGES: list[Badge] = [
    Badge("neugierig", "Neugierig", "Curious", "bronze",
          "Hat eine erste Frage gestellt.", "Asked a first question.", _asked),
    Badge("erste-antwort", "Erste Antwort", "First answer", "bronze",
          "Hat eine erste Antwort geschrieben.", "Wrote a first answer.", lambda u: _answer_count(u) >= 1),
    Badge("erste-loesung", "Erste Lösung", "First solution", "bronze",
          "Eine Antwort wurde als Lösung markiert.", "An answer was marked as the solution.",
          lambda u: accepted_count(u) >= 1),
    Badge("zehn-loesungen", "Problemlöser", "Problem solver", "silver",
          "10 Antworten wurden als Lösung markiert.", "10 answers were marked as the solution.",
          lambda u: accepted_count(u) >= 10),
    Badge("fuenfzig-loesungen", "Meister der Lösungen", "Solution master", "gold",
          "50 Antworten wurden als Lösung markiert.", "50 answers were marked as the solution.",
          lambda u: accepted_count(u) >= 50),
    Badge("gute-antwort", "Gute Antwort", "Good answer", "bronze",
          "Eine Antwort erreichte eine Bewertung von 5 (für jede solche Antwort).",
          "An answer reached a score of 5 (once per answer).", _answers_with_score(5), repeatable=True),
    Badge("hervorragende-antwort", "Hervorragende Antwort", "Great answer", "gold",
          "Eine Antwort erreichte eine Bewertung von 25 (für jede solche Antwort).",
          "An answer reached a score of 25 (once per answer).", _answers_with_score(25), repeatable=True),
    Badge("blitzschnell", "Blitzschnell", "Lightning fast", "silver",
          "10 Antworten innerhalb einer Stunde nach der Frage geschrieben.",
          "Wrote 10 answers within one hour of the question.", lambda u: _fast_answers(u) >= 10),
    Badge("gelehrig", "Gelehrig", "Scholar", "bronze",
          "Hat eine Frage gestellt und eine Antwort als Lösung markiert.",
          "Asked a question and accepted an answer.", _scholar),
    Badge("kommentator", "Kommentator", "Commentator", "bronze",
          "Hat 10 Kommentare geschrieben.", "Wrote 10 comments.", lambda u: _comments(u) >= 10),
    Badge("waechter", "Wachsames Auge", "Helpful flagger", "bronze",
          "Eine Meldung wurde von der Moderation bestätigt.", "A flag was confirmed by a moderator.",
          lambda u: _helpful_flags(u) >= 1),
    Badge("waehler", "Wähler", "Voter", "bronze",
          "Hat 10 Stimmen abgegeben.", "Cast 10 votes.", lambda u: _votes_cast(u) >= 10),
    Badge("beliebte-frage", "Beliebte Frage", "Popular question", "silver",
          "Eine Frage wurde 1000-mal angesehen (für jede solche Frage).",
          "A question was viewed 1000 times (once per question).", _popular_question, repeatable=True),
    Badge("treu", "Treu", "Loyal", "gold",
          "An 100 verschiedenen Tagen aktiv (Fragen, Antworten, Kommentare, Stimmen).",
          "Active on 100 different days (questions, answers, comments, votes).", lambda u: active_days(u) >= 100),
    Badge("superuser", "Superuser", "Superuser", "gold",
          "Wurde Superuser der Community.", "Became a superuser of the community.",
          lambda u: u.role == "superuser"),
]

BY_SLUG = {badge.slug: badge for badge in BADGES}


def get(slug: str) -> Badge | None:
    return BY_SLUG.get(slug)


def _existing(user: User) -> set[tuple[str, str | None, int | None]]:
    rows = db.session.execute(db.select(Award.badge, Award.post_type, Award.post_id)
                              .where(Award.user_id == user.id)).all()
    return {(badge, post_type, post_id) for badge, post_type, post_id in rows}


def check_user(user: User, *, emit: bool = True) -> list[Award]:
    """Award every badge the user now qualifies for and doesn't hold yet. Flushes; sends badge_awarded."""
    if user is None or user.id is None:
        return []
    db.session.flush()
    existing = _existing(user)
    held = {badge for badge, _, _ in existing}
    new: list[Award] = []
    now = utcnow()
    for badge in BADGES:
        if badge.repeatable:
            for post_type, post_id in badge.rule(user) or []:
                if (badge.slug, post_type, post_id) not in existing:
                    new.append(Award(user_id=user.id, badge=badge.slug, post_type=post_type, post_id=post_id,
                                     awarded_at=now))
        elif badge.slug not in held and badge.rule(user):
            new.append(Award(user_id=user.id, badge=badge.slug, awarded_at=now))
    if new:
        db.session.add_all(new)
        db.session.flush()
        if emit:
            for award in new:
                signals.badge_awarded.send(user, user=user, badge_slug=award.badge)
    return new


def award_all(progress: Callable[[int, int], None] | None = None) -> tuple[int, dict[str, int]]:
    """Backfill for every user; idempotent. Returns (users checked, {slug: newly awarded}).

    Silent on purpose: no badge_awarded signal, hence no notification and no e-mail. A backfill awards for what
    people did long ago (or what a new badge rule now recognises); hundreds of "you earned a badge" mails about
    history would be noise. The badges show on profiles and in the catalog all the same."""
    users = db.session.execute(db.select(User).order_by(User.id)).scalars().all()
    summary: dict[str, int] = {}
    for index, user in enumerate(users, 1):
        for award in check_user(user, emit=False):
            summary[award.badge] = summary.get(award.badge, 0) + 1
        if progress:
            progress(index, len(users))
    return len(users), summary


def holder_counts() -> dict[str, int]:
    rows = db.session.execute(db.select(Award.badge, func.count(func.distinct(Award.user_id)))
                              .group_by(Award.badge)).all()
    return {slug: count for slug, count in rows}


def awards_for(user: User) -> list[tuple[Badge, int, object]]:
    """(badge, times awarded, first awarded_at) for a user's badges, gold first."""
    rows = db.session.execute(db.select(Award.badge, func.count(Award.id), func.min(Award.awarded_at))
                              .where(Award.user_id == user.id).group_by(Award.badge)).all()
    result = [(BY_SLUG[slug], count, first) for slug, count, first in rows if slug in BY_SLUG]
    result.sort(key=lambda item: (-TIERS.index(item[0].tier), item[0].slug))
    return result

