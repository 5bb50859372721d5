"""Notification rules: who hears about what, e-mail modes, digests, and mail only after commit."""
import logging

import pytest
from sqlalchemy import select

from community import notifications, signals
from community.notification_models import MailOutbox, Notification, NotificationSettings
from core.errors import DomainError
from core.extensions import db
from tests.factories import make_user
from tests.factories_notify import make_answer, make_question


def _notes(user=None):
    stmt = select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return db.session.scalars(stmt).all()


def _outbox():
    return db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()


def _post_answer(question, author, body="Probieren Sie einen Neustart."):
    answer = make_answer(question, author, body=body)
    signals.answer_posted.send(author, answer=answer)
    return answer


def test_answer_notifies_the_asker_in_app_and_by_mail_after_commit(app):
    asker, helper = make_user(), make_user()
    question = make_question(asker)
    signals.question_asked.send(asker, question=question)
    answer = _post_answer(question, helper)
    [note] = _notes(asker)
    assert note.kind == "answer" and note.params["by"] == helper.name
    assert note.url.endswith(f"#antwort-{answer.id}")
    with app.test_request_context():
        assert "beantwortet" in notifications.describe(note)
    assert _outbox() == []  # not before the commit
    db.session.commit()
    [mail] = _outbox()
    assert mail.to == asker.email and question.title in mail.subject


def test_rollback_sends_nothing(app):
    asker, helper = make_user(), make_user()
    db.session.commit()
    question = make_question(asker)
    _post_answer(question, helper)
    db.session.rollback()
    db.session.commit()
    assert _outbox() == [] and _notes() == []


def test_no_self_notification_and_subscribers_hear_once(app):
    asker, helper, follower = make_user(), make_user(), make_user()
    question = make_question(asker)
    notifications.subscribe(follower, question)
    _post_answer(question, asker, body="Nachtrag vom Fragesteller")
    assert [n.user_id for n in _notes()] == [follower.id]
    _post_answer(question, helper)
    kinds = {(n.user_id, n.kind) for n in _notes()}
    assert (asker.id, "answer") in kinds and (follower.id, "thread_answer") in kinds
    assert all(n.user_id != helper.id for n in _notes())
    # the helper now follows the thread: a later answer reaches them
    _post_answer(question, follower)
    assert any(n.user_id == helper.id and n.kind == "thread_answer" for n in _notes())


def test_muted_thread_and_mention_dedup(app):
    asker, helper = make_user(), make_user()
    question = make_question(asker)
    answer = _post_answer(question, helper, body=f"@{asker.username} bitte Modem neu starten")
    signals.mention.send(helper, user=asker, post_type="answer", post=answer, by=helper)
    assert [n.kind for n in _notes(asker)] == ["answer"]  # one notification, not two
    notifications.unsubscribe(asker, question)
    other = make_user()
    answer2 = _post_answer(question, other)
    assert len(_notes(asker)) == 1
    # a mention still reaches a muted asker: it is addressed to them personally
    signals.mention.send(other, user=asker, post_type="answer", post=answer2, by=other)
    assert [n.kind for n in _notes(asker)] == ["answer", "mention"]


def test_accepted_badge_promoted_escalated(app):
    asker, helper = make_user(), make_user()
    editor = make_user(role="editor")
    question = make_question(asker)
    answer = make_answer(question, helper)
    signals.answer_accepted.send(asker, answer=answer, by=asker)
    signals.badge_awarded.send(helper, user=helper, badge_slug="first-answer")
    signals.user_promoted.send(helper, user=helper)
    signals.answer_accepted.send(helper, answer=answer, by=helper)  # own acceptance: nothing
    assert [n.kind for n in _notes(helper)] == ["accepted", "badge", "promoted"]
    assert _notes(helper)[1].url == "/community/abzeichen#abzeichen-first-answer"  # also outside a request
    signals.question_escalated.send(helper, question=question, by=helper)
    assert [n.kind for n in _notes(editor)] == ["escalated"]


def test_hidden_question_stays_silent(app):
    asker = make_user()
    question = make_question(asker, is_hidden=True)
    _post_answer(question, make_user())
    assert _notes() == []


def test_email_modes_instant_daily_off(app):
    daily, off = make_user(), make_user()
    notifications.set_email_mode(daily, "daily")
    notifications.set_email_mode(off, "off")
    for user in (daily, off):
        signals.badge_awarded.send(user, user=user, badge_slug="first-answer")
    db.session.commit()
    assert _outbox() == []
    assert [n.mail_state for n in _notes()] == ["pending", "none"]
    with pytest.raises(DomainError):
        notifications.set_email_mode(daily, "weekly")


def test_daily_digest_one_mail_per_user_per_day(app):
    from datetime import timedelta

    from core.models import utcnow

    user, other = make_user(), make_user()
    notifications.set_email_mode(user, "daily")
    notifications.set_email_mode(other, "daily")
    question = make_question(make_user())
    for i in range(3):
        notifications.notify(user, "badge", {"badge": f"b{i}"}, "")
    notifications.notify(other, "mention", {"title": question.title, "by": "x"}, "/x")
    db.session.commit()
    now = utcnow()
    assert notifications.send_digests(now) == 2
    assert _outbox() == []  # the mails leave with the commit
    db.session.commit()
    mails = _outbox()
    assert sorted(m.to for m in mails) == sorted([user.email, other.email])
    assert "3" in next(m.subject for m in mails if m.to == user.email)
    assert all(n.mail_state == "sent" for n in _notes())
    # more news the same day waits for tomorrow
    notifications.notify(user, "badge", {"badge": "late"}, "")
    db.session.commit()
    assert notifications.send_digests(now) == 0
    assert notifications.send_digests(now + timedelta(days=1)) == 1
    db.session.commit()
    assert len(_outbox()) == 3


def test_log_sender(app, caplog):
    app.config["MAIL_SENDER"] = "log"
    user = make_user()
    with caplog.at_level(logging.INFO, logger="community.notifications"):
        notifications.notify(user, "promoted", {}, "")
        db.session.commit()
    assert _outbox() == []
    assert any(user.email in r.getMessage() for r in caplog.records)


def test_failing_sender_never_breaks_the_commit_and_keeps_the_mail(app, caplog):
    def broken(mails):
        raise OSError("relay down")

    notifications.register_sender("broken", broken)
    app.config["MAIL_SENDER"] = "broken"
    user = make_user()
    notifications.notify(user, "promoted", {}, "")
    with caplog.at_level(logging.ERROR, logger="community.notifications"):
        db.session.commit()
    assert len(_notes(user)) == 1
    assert [m.to for m in _outbox()] == [user.email]  # kept for an operator
    [record] = caplog.records
    assert "relay down" in record.getMessage() and record.exc_info is None  # one line, no traceback


def test_outbox_rows_are_written_by_the_committing_transaction(app):
    asker, helper = make_user(), make_user()
    db.session.commit()
    question = make_question(asker)
    with db.session.begin_nested():  # a SAVEPOINT released on the way (as a vote does): nothing leaves yet
        _post_answer(question, helper)
    assert db.session.info.get(notifications.PENDING_MAILS) is None  # now rows of the open transaction
    db.session.rollback()
    db.session.commit()
    assert _outbox() == [] and _notes() == []
    question = make_question(asker)
    with db.session.begin_nested():
        _post_answer(question, helper)
    db.session.commit()
    assert [m.to for m in _outbox()] == [asker.email]


def test_mail_in_users_language(app):
    user = make_user(locale="en")
    notifications.notify(user, "promoted", {}, "")
    db.session.commit()
    [mail] = _outbox()
    assert "Congratulations: you are now a superuser." in mail.body and "Hello" in mail.body


def test_unread_count_and_mark_read(app):
    user = make_user()
    for _ in range(3):
        notifications.notify(user, "promoted", {}, "")
    assert notifications.unread_count(user) == 3
    first = _notes(user)[0]
    assert notifications.mark_read(user, first.id) == 1
    assert notifications.unread_count(user) == 2
    assert notifications.mark_read(make_user(), None) == 0
    assert notifications.mark_read(user) == 2
    assert db.session.get(NotificationSettings, user.id) is None


def test_smtp_sender_sends_after_commit(app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append((message["To"], message["Subject"], message["From"]))

    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SENDER="smtp", MAIL_SMTP_HOST="relay.local", MAIL_SMTP_PORT=2525,
                      SITE_URL="https://hilfe.example.ch")
    user = make_user()
    notifications.notify(user, "accepted", {"title": "Router"}, "/community/fragen/1")
    assert sent == []
    db.session.commit()
    assert sent[0] == ("connect", "relay.local", 2525)
    assert sent[1][0] == user.email and "Router" in sent[1][1]
    assert _outbox() == []


def test_mail_links_are_absolute(app):
    app.config["SITE_URL"] = "https://hilfe.example.ch"
    user = make_user()
    notifications.notify(user, "accepted", {"title": "Router"}, "/community/fragen/1#antwort-2")
    db.session.commit()
    [mail] = _outbox()
    assert "https://hilfe.example.ch/community/fragen/1#antwort-2" in mail.body
    assert "https://hilfe.example.ch/benachrichtigungen/einstellungen" in mail.body


def test_a_wrong_endpoint_is_an_error_not_an_empty_link(app):
    from werkzeug.routing import BuildError

    assert notifications.site_path("community.badge_catalog") == "/community/abzeichen"
    with pytest.raises(BuildError):
        notifications.site_path("community.badges")
    with app.test_request_context("/"):
        with pytest.raises(BuildError):
            notifications.site_path("community.badges")
