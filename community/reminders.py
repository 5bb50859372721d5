"""No question left behind: the cron-able `flask community notify-waiting` and `flask community send-digests`.
Both run as background jobs (community.jobs) when REDIS_URL is set, and right away otherwise.

notify-waiting, run e.g. every 15 minutes:
- questions without an answer for COMMUNITY_NOTIFY_SUPERUSERS_AFTER (default 2 h) → every superuser;
- still without an answer after COMMUNITY_NOTIFY_STAFF_AFTER (default 24 h) → staff (editors and admins);
- answered but unsolved questions whose first answer has waited COMMUNITY_REMIND_ASKER_AFTER_DAYS (default 3)
  → the asker is asked to mark a solution.
Each question is handled once per level (a ReminderMark row, unique per question and level), so running the
command again, or twice at the same time, notifies nobody twice. Durations: a number of hours, or "90m", "2h",
"1d".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community import notifications
from community.models import Question
from community.notification_models import ReminderMark
from core.extensions import db
from core.models import utcnow

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd]?)\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "": 3600}


def duration(value, default_hours: float) -> timedelta:
    """A config value as a timedelta: numbers are hours; strings may end in m, h or d."""
    if value is None or value == "":
        return timedelta(hours=default_hours)
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(hours=float(value))
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"invalid duration {value!r} (use e.g. 2, 90m, 2h, 1d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass
class Summary:
    superusers: list[int] = field(default_factory=list)  # question ids per level
    staff: list[int] = field(default_factory=list)
    askers: list[int] = field(default_factory=list)
    notifications: int = 0

    def line(self) -> str:
        return (f"notify-waiting: {len(self.superusers)} Fragen an Superuser, {len(self.staff)} an das Team, "
                f"{len(self.askers)} Erinnerungen an Fragende, {self.notifications} Benachrichtigungen.")


def _marked(question_ids: list[int], level: str) -> set[int]:
    if not question_ids:
        return set()
    return set(db.session.scalars(select(ReminderMark.question_id).where(
        ReminderMark.level == level, ReminderMark.question_id.in_(question_ids))))


def _unanswered_since(cutoff: datetime) -> list[Question]:
    return db.session.scalars(select(Question).where(
        Question.is_hidden.is_(False), Question.status == "open", Question.is_locked.is_(False),
        Question.first_answer_at.is_(None), Question.created_at <= cutoff)
        .order_by(Question.created_at, Question.id)).all()


def _hours(question: Question, now: datetime) -> int:
    return int((now - question.created_at).total_seconds() // 3600)


def _notify_level(level: str, kind: str, questions: list[Question], recipients, now: datetime,
                  summary_ids: list[int], summary: Summary) -> None:
    done = _marked([q.id for q in questions], level)
    for question in questions:
        if question.id in done:
            continue
        count = 0
        # An escalated question already reached the team through the escalation itself.
        if not (level == "staff" and question.escalated_at is not None):
            for user in recipients:
                if user.id == question.author_id:
                    continue
                if notifications.notify(user, kind, {"title": question.title, "question_id": question.id,
                                                     "hours": _hours(question, now)},
                                        notifications.question_url(question), key=(level, question.id)):
                    count += 1
        db.session.add(ReminderMark(question_id=question.id, level=level, recipients=count, created_at=now))
        summary_ids.append(question.id)
        summary.notifications += count


def thresholds() -> tuple[timedelta, timedelta, timedelta]:
    """(superusers after, staff after, asker reminder after) from the config; ValueError when one is invalid."""
    config = current_app.config
    try:
        asker_days = float(config.get("COMMUNITY_REMIND_ASKER_AFTER_DAYS", 3))
    except (TypeError, ValueError):
        raise ValueError(f"invalid COMMUNITY_REMIND_ASKER_AFTER_DAYS "
                         f"{config.get('COMMUNITY_REMIND_ASKER_AFTER_DAYS')!r} (a number of days)") from None
    return (duration(config.get("COMMUNITY_NOTIFY_SUPERUSERS_AFTER"), 2),
            duration(config.get("COMMUNITY_NOTIFY_STAFF_AFTER"), 24), timedelta(days=asker_days))


def notify_waiting(now: datetime | None = None) -> Summary:
    """Notify and mark every level that is due; flushes, the caller commits (community.jobs.notify_waiting)."""
    now = now or utcnow()
    summary = Summary()
    superusers_after, staff_after, asker_after = thresholds()

    _notify_level("superusers", "waiting_superuser", _unanswered_since(now - superusers_after),
                  notifications.superusers(), now, summary.superusers, summary)
    _notify_level("staff", "waiting_staff", _unanswered_since(now - staff_after), notifications.staff_users(), now,
                  summary.staff, summary)

    unsolved = db.session.scalars(select(Question).where(
        Question.is_hidden.is_(False), Question.status == "open", Question.accepted_answer_id.is_(None),
        Question.first_answer_at.is_not(None),
        Question.first_answer_at <= now - asker_after, Question.author_id.is_not(None))
        .order_by(Question.first_answer_at, Question.id)).all()
    done = _marked([q.id for q in unsolved], "asker_accept")
    for question in unsolved:
        if question.id in done:
            continue
        sent = notifications.notify(question.author, "remind_accept",
                                    {"title": question.title, "question_id": question.id},
                                    notifications.question_url(question), key=("asker_accept", question.id))
        db.session.add(ReminderMark(question_id=question.id, level="asker_accept", recipients=1 if sent else 0,
                                    created_at=now))
        summary.askers.append(question.id)
        summary.notifications += 1 if sent else 0
    db.session.flush()
    return summary


def _run(task, command: str):
    """Queue the job when REDIS_URL is set (the worker runs and retries it) and return None; otherwise run it now,
    as core.jobs.enqueue would inline, and commit, returning its result for the command's summary."""
    from core import jobs

    if jobs.uses_queue():
        try:
            job_id = jobs.enqueue(f"{task.__module__}:{task.__name__}")
        except Exception as error:  # Redis unreachable: one line, never a traceback
            raise click.ClickException(f"Job-Warteschlange nicht erreichbar: {error}") from None
        click.echo(f"{command}: als Hintergrund-Job {job_id} eingereiht (Fehlschläge: flask jobs failed).")
        return None
    result = task()
    db.session.commit()
    return result


@click.command("notify-waiting")
def notify_waiting_command():
    """Unbeantwortete Fragen an Superuser/Team melden, Fragende an die Lösung erinnern (für cron)."""
    from community import jobs as community_jobs

    try:
        thresholds()  # a wrong setting is reported here, not only in the worker's failed jobs
        summary = _run(community_jobs.notify_waiting, "notify-waiting")
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(
            "Ein anderer notify-waiting-Lauf war gleichzeitig aktiv; bitte erneut starten.") from None
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if summary is not None:
        click.echo(summary.line())
    _site_url_hint()


@click.command("send-digests")
def send_digests_command():
    """Tägliche Zusammenfassungen senden (eine E-Mail pro Person und Tag; für cron)."""
    from community import jobs as community_jobs

    count = _run(community_jobs.send_digests, "send-digests")
    if count is not None:
        click.echo(f"send-digests: {count} Zusammenfassungen versendet.")
    _site_url_hint()


def _site_url_hint() -> None:
    if not current_app.config.get("SITE_URL"):
        click.echo("Hinweis: SITE_URL ist nicht gesetzt; Links in E-Mails zeigen auf http://localhost.")


def register_commands(app) -> None:
    from community.cli import community_cli

    community_cli.add_command(notify_waiting_command)
    community_cli.add_command(send_digests_command)
