"""Superuser journey in Chromium: find the longest-waiting question in the queue, answer it; the asker marks
it as the solution; the superuser's profile then shows the new badge and reputation."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.models import utcnow
from tests.factories import PASSWORD, make_user


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-CH"}


TITLE = "TV-Box zeigt seit gestern kein Bild mehr"


def setup_data(live_app) -> None:
    with live_app.app_context():
        from community import services
        from core.models import User
        if db.session.execute(db.select(User).where(User.username == "journey-super")).first() is None:
            make_user("journey-super", role="superuser", display_name="Sara Super")
            asker = make_user("journey-kundin", display_name="Karin Kundin")
            question = services.ask_question(asker, TITLE, "Der Fernseher zeigt nur «Kein Signal». "
                                             "Die TV-Box leuchtet aber weiss.", tags="tv-box")
            question.created_at = question.last_activity_at = utcnow() - timedelta(hours=30)
        db.session.commit()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/anmelden")
    page.get_by_label("Benutzername oder E-Mail").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_label("Benutzername oder E-Mail")).to_have_count(0)


def log_out(page):
    menu = page.get_by_role("button", name="Menü")
    if menu.is_visible():  # 360 px: the navigation sits behind the menu button
        menu.click()
    page.get_by_role("button", name="Abmelden").click()


def test_superuser_answers_from_queue_and_asker_accepts(page, base_url, live_app, third_party_requests):
    setup_data(live_app)
    page.set_viewport_size({"width": 360, "height": 800})  # mobile first

    log_in(page, base_url, "journey-super")
    page.goto(f"{base_url}/community")
    page.get_by_role("link", name="Warteschlange").click()
    expect(page.get_by_role("heading", name="Warteschlange", level=1)).to_be_visible()
    item = page.locator(".cm-queue__item", has_text=TITLE)
    expect(item).to_contain_text("wartet seit")
    item.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_role("textbox", name="Ihre Antwort").fill("Bitte an der TV-Box den HDMI-Eingang prüfen und am Fernseher mit der "
                                           "Taste **Source** den richtigen Eingang wählen.")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(page.get_by_text("Danke für Ihre Antwort!")).to_be_visible()
    log_out(page)

    log_in(page, base_url, "journey-kundin")
    page.goto(f"{base_url}/community")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Als Lösung markieren").click()
    expect(page.get_by_text("Die Antwort ist als Lösung markiert.")).to_be_visible()
    expect(page.locator(".cm-answer--accepted .cm-solution-label")).to_contain_text("Lösung")
    log_out(page)

    page.goto(f"{base_url}/community")  # a visitor reads the solved thread: the superuser's impact
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".cm-answer--accepted")).to_contain_text("HDMI-Eingang")
    page.goto(f"{base_url}/community/benutzer/journey-super")
    expect(page.get_by_role("heading", name="Sara Super")).to_be_visible()
    expect(page.locator(".cm-profile-rep")).to_have_text("15")
    expect(page.locator(".cm-profile-badges")).to_contain_text("Erste Lösung")
    expect(page.locator(".cm-profile-badges")).to_contain_text("Erste Antwort")
    expect(page.locator(".cm-impact")).to_contain_text("1 Lösung geschrieben")
    expect(page.locator(".cm-impact")).to_contain_text("Seit der Markierung als Lösung wurden die Fragen dazu "
                                                       "1-mal aufgerufen.")
    assert third_party_requests == []
