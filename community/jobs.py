"""Background work of the community, run through ``core.jobs.enqueue("community.jobs:…")``: with REDIS_URL an RQ
job (retried when it fails, then listed among the failed jobs), without Redis right away in the caller.

- send_mail: one notification e-mail through the configured sender; a failed send raises, so the queue retries it
- notify_waiting: unanswered questions to superusers, then to staff; askers reminded to mark a solution (cron)
- send_digests: the daily e-mail digests (cron)

Tasks don't commit: the worker commits after the task (core.jobs.execute); inline, the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_request_context

from community import notifications, reminders


def send_mail(to: str, subject: str, body: str) -> None:
    notifications.send_now([notifications.Mail(to, subject, body)])


def notify_waiting() -> reminders.Summary:
    with site_request_context():
        return reminders.notify_waiting()


def send_digests() -> int:
    with site_request_context():
        return notifications.send_digests()


@contextmanager
def site_request_context() -> Iterator[None]:
    """Jobs run outside requests: links in the mails they write are built for SITE_URL (else http://localhost)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config.get("SITE_URL") or "http://localhost"):
        yield
