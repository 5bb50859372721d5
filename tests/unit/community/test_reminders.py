"""`flask community notify-waiting`: superusers after 2 h, staff after 24 h, askers after 3 days — each once."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from community import reminders
from community.notification_models import MailOutbox, Notification, ReminderMark
from core.extensions import db
from tests.factories import make_user
from tests.factories_notify import accept, make_answer, make_question


def _kinds(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                               .order_by(Notification.id))]


@pytest.fixture
def people():
    return {"super": make_user(role="superuser"), "super2": make_user(role="superuser"),
            "editor": make_user(role="editor"), "admin": make_user(role="admin"), "asker": make_user()}


def test_levels_fire_once_each(app, people):
    fresh = make_question(people["asker"], title="Gerade eben gefragt", age=timedelta(minutes=30))
    waiting = make_question(people["asker"], title="Wartet seit drei Stunden", age=timedelta(hours=3))
    old = make_question(people["asker"], title="Wartet seit zwei Tagen", age=timedelta(days=2))
    db.session.commit()
    with app.test_request_context():
        summary = reminders.notify_waiting()
    assert sorted(summary.superusers) == sorted([waiting.id, old.id])
    assert summary.staff == [old.id]
    assert fresh.id not in summary.superusers
    assert _kinds(people["super"]) == ["waiting_superuser", "waiting_superuser"]
    assert _kinds(people["editor"]) == ["waiting_staff"] and _kinds(people["admin"]) == ["waiting_staff"]
    assert _kinds(people["asker"]) == []
    assert summary.notifications == 2 * 2 + 2
    db.session.commit()
    assert len(db.session.scalars(select(MailOutbox)).all()) == 6
    with app.test_request_context():
        again = reminders.notify_waiting()
    assert again.superusers == [] and again.staff == [] and again.notifications == 0
    assert len(db.session.scalars(select(ReminderMark)).all()) == 3


def test_answered_hidden_closed_and_escalated_questions(app, people):
    answered = make_question(title="Schon beantwortet", age=timedelta(days=2))
    make_answer(answered, people["super"], age=timedelta(days=1, hours=20))
    make_question(title="Versteckt", age=timedelta(days=2), is_hidden=True)
    make_question(title="Geschlossen", age=timedelta(days=2), status="closed")
    escalated = make_question(title="Eskaliert", age=timedelta(days=2))
    escalated.escalated_at = escalated.created_at + timedelta(hours=1)
    db.session.commit()
    with app.test_request_context():
        summary = reminders.notify_waiting()
    assert summary.superusers == [escalated.id]
    assert summary.staff == [escalated.id]  # recorded, but the team already knows: no second message
    assert _kinds(people["editor"]) == []


def test_a_flag_hidden_spam_answer_leaves_the_question_waiting(app, people):
    from community import services
    from tests.factories_community import make_answer as post_answer
    from tests.factories_community import make_question as ask

    question = ask(people["asker"], title="Router verliert nachts die Verbindung", age=timedelta(hours=3))
    spam = post_answer(question, make_user(), body="Kaufen Sie billige Uhren bei mir")
    for _ in range(3):
        services.flag(make_user(), "answer", spam, "spam")
    assert spam.is_hidden
    db.session.commit()
    with app.test_request_context():
        summary = reminders.notify_waiting()
    assert summary.superusers == [question.id]
    assert _kinds(people["super"]) == ["waiting_superuser"]


def test_superuser_asking_is_not_notified_about_own_question(app, people):
    make_question(people["super"], title="Frage eines Superusers", age=timedelta(hours=3))
    db.session.commit()
    with app.test_request_context():
        reminders.notify_waiting()
    assert _kinds(people["super"]) == [] and _kinds(people["super2"]) == ["waiting_superuser"]


def test_asker_reminded_once_to_mark_a_solution(app, people):
    asker = people["asker"]
    waiting = make_question(asker, title="Antwort wartet auf Urteil", age=timedelta(days=5))
    make_answer(waiting, people["super"], age=timedelta(days=4))
    recent = make_question(asker, title="Antwort erst gestern", age=timedelta(days=2))
    make_answer(recent, people["super"], age=timedelta(days=1))
    solved = make_question(asker, title="Schon gelöst", age=timedelta(days=6))
    accept(solved, make_answer(solved, people["super"], age=timedelta(days=5)))
    db.session.commit()
    with app.test_request_context():
        summary = reminders.notify_waiting()
        assert summary.askers == [waiting.id]
        assert reminders.notify_waiting().askers == []
    assert _kinds(asker) == ["remind_accept"]


def test_thresholds_are_configurable(app, people):
    app.config.update(COMMUNITY_NOTIFY_SUPERUSERS_AFTER="10m", COMMUNITY_NOTIFY_STAFF_AFTER=1,
                      COMMUNITY_REMIND_ASKER_AFTER_DAYS=0.5)
    question = make_question(title="Zwanzig Minuten alt", age=timedelta(minutes=20))
    old = make_question(people["asker"], title="Neunzig Minuten alt", age=timedelta(minutes=90))
    make_answer(old, people["super"], age=timedelta(hours=13))
    db.session.commit()
    with app.test_request_context():
        summary = reminders.notify_waiting()
    assert summary.superusers == [question.id] and summary.staff == [] and summary.askers == [old.id]


@pytest.mark.parametrize("value, expected", [(None, timedelta(hours=2)), (3, timedelta(hours=3)),
                                             ("90m", timedelta(minutes=90)), ("1d", timedelta(days=1)),
                                             ("1.5h", timedelta(hours=1.5))])
def test_duration(value, expected):
    assert reminders.duration(value, 2) == expected


def test_bad_duration_is_rejected():
    with pytest.raises(ValueError):
        reminders.duration("zwei Stunden", 2)


def test_cli_prints_a_summary_and_fails_cleanly(app, runner, people):
    make_question(people["asker"], title="Wartet seit drei Stunden", age=timedelta(hours=3))
    db.session.commit()
    result = runner.invoke(args=["community", "notify-waiting"])
    assert result.exit_code == 0, result.output
    assert "1 Fragen an Superuser" in result.output
    result = runner.invoke(args=["community", "notify-waiting"])
    assert "0 Fragen an Superuser" in result.output
    app.config["COMMUNITY_NOTIFY_STAFF_AFTER"] = "bald"
    result = runner.invoke(args=["community", "notify-waiting"])
    assert result.exit_code != 0 and "Traceback" not in result.output and "invalid duration" in result.output


def test_send_digests_cli(app, runner):
    from community import notifications

    user = make_user()
    notifications.set_email_mode(user, "daily")
    notifications.notify(user, "promoted", {}, "")
    db.session.commit()
    result = runner.invoke(args=["community", "send-digests"])
    assert result.exit_code == 0 and "1 Zusammenfassungen" in result.output
    assert "0 Zusammenfassungen" in runner.invoke(args=["community", "send-digests"]).output
