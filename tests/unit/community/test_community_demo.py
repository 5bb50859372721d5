"""The community demo step loads realistic threads once, with solved, unsolved and long-waiting questions."""
from community.demo import THREADS, load_demo_threads
from community.models import Award, Question
from community.reputation import recompute
from community.stats import response_stats
from content.demo import load_categories, load_users
from core.extensions import db


def test_demo_threads_load_once(app):
    load_categories()
    load_users()
    summary = load_demo_threads(lambda line: None)
    assert str(len(THREADS)) in summary
    questions = db.session.execute(db.select(Question)).scalars().all()
    assert len(questions) == len(THREADS) >= 12
    assert any(q.is_solved for q in questions) and any(q.answer_count == 0 for q in questions)
    stats = response_stats()
    assert stats["waiting_over_24h"] >= 2 and stats["median_first_answer_seconds"] > 0
    assert db.session.execute(db.select(Award)).first() is not None
    assert recompute(fix=False)[1] == []
    assert load_demo_threads(lambda line: None) == "Community: bereits vorhanden"


def test_demo_load_prints_no_traceback_and_keeps_every_mail(app, runner, caplog, capfd):
    """The mails of the demo's notifications are outbox rows of the demo's own transactions: no second connection
    that finds the SQLite database locked (that printed a traceback per batch and lost the mails)."""
    import logging

    from community.notification_models import MailOutbox, Notification

    with caplog.at_level(logging.WARNING):
        result = runner.invoke(args=["demo", "load"])
    printed = result.output + "".join(capfd.readouterr())
    assert result.exit_code == 0 and "Community: 12 Fragen" in printed
    assert "Traceback" not in printed and "database is locked" not in printed
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    mailed = db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.mail_state == "sent"))
    assert mailed > 10 and db.session.scalar(db.select(db.func.count(MailOutbox.id))) == mailed
