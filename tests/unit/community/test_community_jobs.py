"""Community background work through core.jobs: notification e-mails, notify-waiting and send-digests run inline
without Redis, and as RQ jobs with retries and a failed-job list on the local Redis (REDIS_URL)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community import notifications
from community.notification_models import MailOutbox, Notification, ReminderMark
from core import jobs
from core.extensions import db
from tests.factories import make_user
from tests.factories_notify import make_question


@pytest.fixture
def sent(app, monkeypatch):
    """MAIL_SENDER "recording": the mails handed to the sender; ``sent.failures`` makes the next sends fail."""
    class Recorder(list):
        failures = 0

    mails = Recorder()

    def record(batch):
        if mails.failures:
            mails.failures -= 1
            raise OSError("relay down")
        mails.extend(batch)

    monkeypatch.setitem(notifications._SENDERS, "recording", record)
    app.config["MAIL_SENDER"] = "recording"
    return mails


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---- inline (no REDIS_URL) ----------------------------------------------------------------------------------------

def test_inline_the_mail_is_sent_right_after_the_commit(app, sent):
    user = make_user()
    notifications.notify(user, "promoted", {}, "")
    assert sent == []
    db.session.commit()
    assert [m.to for m in sent] == [user.email] and _count(MailOutbox) == 0


def test_inline_commands_run_now_and_print_their_summary(app, runner):
    make_user(role="superuser")
    make_question(title="Wartet seit drei Stunden", age=timedelta(hours=3))
    db.session.commit()
    result = runner.invoke(args=["community", "notify-waiting"])
    assert result.exit_code == 0 and "1 Fragen an Superuser" in result.output
    assert _count(ReminderMark) == 1
    result = runner.invoke(args=["community", "send-digests"])
    assert result.exit_code == 0 and "0 Zusammenfassungen versendet" in result.output


# ---- with Redis ---------------------------------------------------------------------------------------------------

def test_with_redis_the_mail_is_a_job_the_worker_sends(redis_app, work, sent):
    user = make_user()
    notifications.notify(user, "accepted", {"title": "Router"}, "/community/fragen/1")
    db.session.commit()
    q = jobs.queue(redis_app)
    assert sent == [] and [job.description for job in q.get_jobs()] == ["community.jobs:send_mail"]
    work()
    assert [m.to for m in sent] == [user.email] and "Router" in sent[0].subject
    assert len(q) == 0 and jobs.failed_jobs(redis_app) == []


def test_with_redis_a_failed_send_is_retried(redis_app, work, sent):
    user = make_user()
    sent.failures = 2
    notifications.notify(user, "promoted", {}, "")
    db.session.commit()
    work()
    assert [m.to for m in sent] == [user.email] and sent.failures == 0
    assert jobs.failed_jobs(redis_app) == []


def test_with_redis_a_send_that_keeps_failing_is_listed_among_failed_jobs(redis_app, work, sent, runner):
    sent.failures = 99
    notifications.notify(make_user(), "promoted", {}, "")
    db.session.commit()
    work()
    assert sent == [] and sent.failures == 99 - 4  # the first try and three retries
    [failed] = jobs.failed_jobs(redis_app)
    assert failed["task"] == "community.jobs:send_mail" and "relay down" in failed["error"]
    assert "community.jobs:send_mail" in runner.invoke(args=["jobs", "failed"]).output


def test_with_redis_notify_waiting_is_a_job(redis_app, work, runner):
    superuser = make_user(role="superuser")
    question = make_question(title="Wartet seit drei Stunden", age=timedelta(hours=3))
    db.session.commit()
    result = runner.invoke(args=["community", "notify-waiting"])
    assert result.exit_code == 0 and "als Hintergrund-Job" in result.output
    assert _count(Notification) == 0 and _count(ReminderMark) == 0  # not before the worker runs it
    work()
    db.session.expire_all()
    assert db.session.scalars(select(ReminderMark.question_id)).all() == [question.id]
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == superuser.id)).all()
    assert note.kind == "waiting_superuser"
    [mail] = db.session.scalars(select(MailOutbox)).all()  # the worker's transaction wrote it
    assert mail.to == superuser.email and f"http://localhost/community/fragen/{question.id}" in mail.body


def test_with_redis_send_digests_is_a_job(redis_app, work, runner):
    user = make_user()
    notifications.set_email_mode(user, "daily")
    notifications.notify(user, "promoted", {}, "")
    db.session.commit()
    result = runner.invoke(args=["community", "send-digests"])
    assert result.exit_code == 0 and "als Hintergrund-Job" in result.output and _count(MailOutbox) == 0
    work()
    db.session.expire_all()
    [mail] = db.session.scalars(select(MailOutbox)).all()
    assert mail.to == user.email and "Zusammenfassung" in mail.subject


def test_commands_report_an_unreachable_queue_in_one_line(app, runner):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    for command in ("notify-waiting", "send-digests"):
        result = runner.invoke(args=["community", command])
        assert result.exit_code != 0 and "Job-Warteschlange nicht erreichbar" in result.output
        assert "Traceback" not in result.output
