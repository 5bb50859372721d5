"""Notification pages: list, open, mark read, e-mail settings, thread subscriptions; CSRF and ownership."""
import re

import pytest
from sqlalchemy import select

from community import notifications
from community.notification_models import Notification, NotificationSettings, Subscription
from core.extensions import db
from tests.factories import make_user
from tests.factories_notify import make_question


def _note(user, kind="promoted", url="", **params):
    n = notifications.notify(user, kind, params, url)
    db.session.commit()
    return n


def test_pages_need_login(client):
    for url in ("/benachrichtigungen", "/benachrichtigungen/einstellungen"):
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    assert client.post("/benachrichtigungen/gelesen").status_code == 302


def test_list_shows_my_notifications_only(client, auth):
    me, other = make_user(), make_user()
    question = make_question(title="Frage zum Router und WLAN")
    _note(me, "accepted", "/community/fragen/1", title=question.title)
    _note(other, "badge", badge="first-answer")
    auth.login(me)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "Frage zum Router und WLAN" in page and "Abzeichen" not in page
    assert "1 ungelesen" in page


def test_open_marks_read_and_redirects_locally(client, auth):
    me, other = make_user(), make_user()
    mine = _note(me, "accepted", "/community/fragen/7#answer-3", title="x")
    theirs = _note(other, "promoted")
    evil = _note(me, "accepted", "https://evil.example/", title="y")
    auth.login(me)
    response = client.get(f"/benachrichtigungen/{mine.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/community/fragen/7#answer-3")
    db.session.refresh(mine)
    assert mine.read_at is not None
    assert client.get(f"/benachrichtigungen/{theirs.id}").status_code == 404
    assert client.get("/benachrichtigungen/99999").status_code == 404
    assert client.get(f"/benachrichtigungen/{evil.id}").headers["Location"].endswith("/benachrichtigungen")


def test_mark_read_one_and_all(client, auth):
    me, other = make_user(), make_user()
    first, second = _note(me), _note(me)
    theirs = _note(other)
    auth.login(me)
    assert client.post(f"/benachrichtigungen/{first.id}/gelesen").status_code == 302
    assert notifications.unread_count(me) == 1
    assert client.post(f"/benachrichtigungen/{theirs.id}/gelesen").status_code == 404
    client.post("/benachrichtigungen/gelesen")
    assert notifications.unread_count(me) == 0 and notifications.unread_count(other) == 1


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_changes_need_csrf(client):
    me = make_user()
    n = _note(me)
    page = client.get("/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/anmelden", data={"login": me.username, "password": "richtig-Pferd-Batterie", "csrf_token": token})
    assert client.post("/benachrichtigungen/gelesen").status_code == 400
    assert client.post(f"/benachrichtigungen/{n.id}/gelesen").status_code == 400
    assert client.post("/benachrichtigungen/einstellungen", data={"email_mode": "off"}).status_code == 400
    assert notifications.unread_count(me) == 1
    assert client.post("/benachrichtigungen/gelesen", data={"csrf_token": token}).status_code == 302
    assert notifications.unread_count(me) == 0


def test_email_settings(client, auth):
    me = make_user()
    db.session.commit()
    auth.login(me)
    page = client.get("/benachrichtigungen/einstellungen").get_data(as_text=True)
    assert 'value="instant" checked' in page or "checked" in page
    assert client.post("/benachrichtigungen/einstellungen", data={"email_mode": "daily"}).status_code == 302
    assert db.session.get(NotificationSettings, me.id).email_mode == "daily"
    assert client.post("/benachrichtigungen/einstellungen", data={"email_mode": "weekly"}).status_code == 422
    assert db.session.get(NotificationSettings, me.id).email_mode == "daily"


def test_subscribe_and_unsubscribe(client, auth):
    me = make_user()
    question = make_question()
    hidden = make_question(is_hidden=True)
    db.session.commit()
    auth.login(me)
    response = client.post(f"/benachrichtigungen/fragen/{question.id}/abonnieren",
                           data={"next": f"/community/fragen/{question.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/community/fragen/{question.id}")
    assert notifications.is_subscribed(me, question)
    client.post(f"/benachrichtigungen/fragen/{question.id}/abbestellen")
    assert not notifications.is_subscribed(me, question)
    assert db.session.scalars(select(Subscription)).one().active is False
    assert client.post(f"/benachrichtigungen/fragen/{hidden.id}/abonnieren").status_code == 404
    assert client.post("/benachrichtigungen/fragen/9999/abonnieren").status_code == 404


def test_unread_count_in_templates(app, client, auth):
    me = make_user()
    _note(me)
    _note(me)
    auth.login(me)
    with app.test_request_context("/"):
        from flask_login import login_user
        login_user(me)
        from flask import render_template_string
        assert render_template_string("{{ unread_notifications() }}") == "2"


def test_subscribe_button_on_the_question_page(client, auth):
    me = make_user()
    question = make_question()
    db.session.commit()
    auth.login(me)
    page = client.get(f"/community/fragen/{question.id}").get_data(as_text=True)
    assert f"/benachrichtigungen/fragen/{question.id}/abonnieren" in page


def test_header_shows_unread_count(client, auth):
    me = make_user()
    _note(me)
    auth.login(me)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/benachrichtigungen"' in page and "(1" in page
    client.post("/benachrichtigungen/gelesen")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/benachrichtigungen"' in page and "(1" not in page


def test_badge_notification_links_to_the_badge_in_the_catalog(client, auth):
    helper = make_user()
    question = make_question()
    db.session.commit()
    auth.login(helper)
    assert client.post(f"/community/fragen/{question.id}/antworten",
                       data={"body": "Modem 30 Sekunden vom Strom nehmen."}).status_code == 302
    badge = db.session.scalars(select(Notification).where(Notification.user_id == helper.id,
                                                          Notification.kind == "badge")).one()
    assert badge.params == {"badge": "erste-antwort"}
    assert badge.url == "/community/abzeichen#abzeichen-erste-antwort"
    response = client.get(f"/benachrichtigungen/{badge.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(badge.url)
    assert 'id="abzeichen-erste-antwort"' in client.get("/community/abzeichen").get_data(as_text=True)


def test_an_unreachable_job_queue_never_breaks_the_request_and_keeps_the_mail(app, client, auth, caplog):
    import logging

    from community.notification_models import MailOutbox

    app.config.update(MAIL_SENDER="log", REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    asker, helper = make_user(), make_user()
    question = make_question(asker)
    db.session.commit()
    auth.login(helper)
    with caplog.at_level(logging.ERROR, logger="community.notifications"):
        response = client.post(f"/community/fragen/{question.id}/antworten", data={"body": "Router neu starten."})
    assert response.status_code == 302
    kept = sorted(m.to for m in db.session.scalars(select(MailOutbox)))
    assert kept == sorted([asker.email, helper.email])  # the answer, and the helper's first badge
    assert any("job queue unreachable" in r.getMessage() for r in caplog.records)
