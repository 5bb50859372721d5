"""`flask community send-outbox`: outbox mails are sent once each, a failed send stays in the outbox."""
from sqlalchemy import select

from community import notifications
from community.notification_models import MailOutbox
from core.extensions import db


def _queue(*subjects):
    db.session.add_all(MailOutbox(to=f"{s}@example.ch", subject=s, body=f"Text {s}") for s in subjects)
    db.session.commit()


def _unsent():
    return db.session.scalars(select(MailOutbox.subject).where(MailOutbox.sent_at.is_(None))
                              .order_by(MailOutbox.id)).all()


def test_outbox_mails_are_sent_once_in_order(app, monkeypatch):
    _queue("a", "b", "c")
    sent = []
    monkeypatch.setitem(notifications._SENDERS, "record", sent.extend)
    run = notifications.deliver_outbox("record")
    assert run.sent == 3 and not run.error
    assert [(m.to, m.subject, m.body) for m in sent] == [(f"{s}@example.ch", s, f"Text {s}") for s in "abc"]
    assert _unsent() == [] and notifications.outbox_waiting() == 0
    assert notifications.deliver_outbox("record").sent == 0 and len(sent) == 3


def test_a_failed_send_stops_the_run_and_keeps_the_mail(app, monkeypatch):
    _queue("a", "b", "c")
    sent = []

    def relay_down_at_b(mails):
        if mails[0].subject == "b":
            raise ConnectionRefusedError("relay down")
        sent.extend(mails)

    monkeypatch.setitem(notifications._SENDERS, "flaky", relay_down_at_b)
    run = notifications.deliver_outbox("flaky")
    assert run.sent == 1 and "relay down" in run.error
    assert [m.subject for m in sent] == ["a"] and _unsent() == ["b", "c"]
    monkeypatch.setitem(notifications._SENDERS, "record", sent.extend)
    assert notifications.deliver_outbox("record").sent == 2
    assert [m.subject for m in sent] == ["a", "b", "c"]


def test_two_runs_at_once_never_send_a_mail_twice(app, monkeypatch):
    _queue("a", "b", "c", "d")
    sent = []

    def sender(mails):  # while the first run sends "a", a second run (another cron process) starts
        sent.extend(mails)
        if mails[0].subject == "a":
            notifications.deliver_outbox("plain")

    monkeypatch.setitem(notifications._SENDERS, "racing", sender)
    monkeypatch.setitem(notifications._SENDERS, "plain", sent.extend)
    first = notifications.deliver_outbox("racing")
    assert sorted(m.subject for m in sent) == ["a", "b", "c", "d"] and first.sent == 1
    assert _unsent() == []


def test_command_sends_and_reports(app, runner, caplog):
    _queue("a", "b")
    with caplog.at_level("INFO", logger="community.notifications"):
        result = runner.invoke(args=["community", "send-outbox", "--via", "log"])
    assert result.exit_code == 0, result.output
    assert "2/2 E-Mails bearbeitet" in result.output and "2 E-Mails versendet, 0 warten noch" in result.output
    assert "subject=a" in caplog.text and "subject=b" in caplog.text


def test_command_reports_an_unreachable_relay_in_one_line(app, runner):
    _queue("a", "b")
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=1)  # nothing listens there
    result = runner.invoke(args=["community", "send-outbox", "--limit", "5"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "0 E-Mails versendet, 2 warten noch" in result.output and "Versand abgebrochen" in result.output
    assert _unsent() == ["a", "b"]
    assert runner.invoke(args=["community", "send-outbox", "--limit", "0"]).exit_code == 2
