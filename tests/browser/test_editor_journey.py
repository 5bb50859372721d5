"""Editor journey in Chromium: draft with live preview → submit → a second editor publishes → a visitor reads it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.extensions import db
from tests.factories import PASSWORD, make_category, make_user


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Swiss German browser: the German UI (Accept-Language de-CH)."""
    return {**browser_context_args, "locale": "de-CH"}


def setup_users(live_app):
    with live_app.app_context():
        from kb.models import Category
        if db.session.execute(db.select(Category).where(Category.slug == "journey-wlan")).first() is None:
            make_category("journey-wlan", name_de="WLAN Journey")
            make_user("journey-autorin", role="editor")
            make_user("journey-pruefer", role="editor")
        db.session.commit()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/anmelden")
    page.get_by_label("Benutzername oder E-Mail").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("link", name="Redaktion")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Abmelden").click()


def test_editor_drafts_previews_submits_and_another_editor_publishes(page, base_url, live_app, third_party_requests):
    setup_users(live_app)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base_url, "journey-autorin")
    page.get_by_role("link", name="Redaktion").click()
    page.get_by_role("link", name="Neuer Artikel").click()

    page.get_by_label("Titel", exact=True).fill("Router-Lämpchen verstehen")
    page.get_by_label("Kategorie").select_option(label="WLAN Journey")
    page.get_by_label("Schlagwörter").fill("router, led")
    body = page.get_by_label("Text (Markdown)")
    body.fill("## Was die Lämpchen bedeuten\n\n| Farbe | Bedeutung |\n|---|---|\n| Grün | Alles in Ordnung |\n\n"
              "<script>window.pwned = 1</script>")
    preview = page.locator("#preview")
    expect(preview.locator("h2", has_text="Was die Lämpchen bedeuten")).to_be_visible()
    expect(preview.locator("td", has_text="Alles in Ordnung")).to_be_visible()
    assert preview.locator("script").count() == 0
    body.press("End")
    body.type("\n\nBlinkt es **rot**, starten Sie den Router neu.")
    expect(preview.locator("strong", has_text="rot")).to_be_visible()
    assert page.evaluate("window.pwned === undefined")

    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Der Entwurf ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("button", name="Veröffentlichen")).to_have_count(0)
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.get_by_text("wartet jetzt auf die Prüfung")).to_be_visible()
    expect(page.get_by_role("button", name="Veröffentlichen")).to_have_count(0)
    log_out(page)

    log_in(page, base_url, "journey-pruefer")
    page.get_by_role("link", name="Redaktion").click()
    waiting = page.locator("section", has=page.get_by_role("heading", name="Wartet auf Ihre Prüfung"))
    waiting.get_by_role("link", name="Router-Lämpchen verstehen").click()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("Der Artikel ist veröffentlicht.")).to_be_visible()
    log_out(page)

    page.context.clear_cookies()
    page.goto(f"{base_url}/artikel/router-laempchen-verstehen")
    expect(page.get_by_role("heading", level=1, name="Router-Lämpchen verstehen")).to_be_visible()
    expect(page.get_by_text("starten Sie den Router neu")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/artikel/router-laempchen-verstehen$"))
    assert third_party_requests == []


def test_a_change_to_the_published_article_waits_for_the_second_editor(page, base_url, live_app,
                                                                      third_party_requests):
    """Runs after the journey above: the author edits the live article; customers keep the published text
    until the other editor publishes the change."""
    setup_users(live_app)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base_url, "journey-autorin")
    page.goto(f"{base_url}/redaktion/artikel")
    page.get_by_role("link", name="Router-Lämpchen verstehen").click()
    expect(page.get_by_text("Ihre Änderungen gehen erst online")).to_be_visible()
    body = page.get_by_label("Text (Markdown)")
    body.press("End")
    body.type("\n\nLeuchtet es **orange**, läuft ein Update.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("wartet auf die Prüfung durch ein anderes Redaktionsmitglied")).to_be_visible()
    expect(page.get_by_role("heading", name="Änderung wartet auf Prüfung")).to_be_visible()
    expect(page.get_by_role("button", name="Änderung veröffentlichen")).to_have_count(0)
    log_out(page)

    page.context.clear_cookies()
    page.goto(f"{base_url}/artikel/router-laempchen-verstehen")
    expect(page.get_by_text("starten Sie den Router neu")).to_be_visible()
    expect(page.get_by_text("läuft ein Update")).to_have_count(0)

    log_in(page, base_url, "journey-pruefer")
    page.get_by_role("link", name="Redaktion").click()
    changes = page.locator("section", has=page.get_by_role("heading", name="Änderungen an veröffentlichten Artikeln"))
    changes.get_by_role("link", name="Router-Lämpchen verstehen").click()
    page.get_by_role("link", name="Unterschiede zur veröffentlichten Fassung").click()
    expect(page.locator("ins", has_text="läuft ein Update")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Änderung veröffentlichen").click()
    expect(page.get_by_text("Die Änderung ist veröffentlicht.")).to_be_visible()
    log_out(page)

    page.context.clear_cookies()
    page.goto(f"{base_url}/artikel/router-laempchen-verstehen")
    expect(page.get_by_text("läuft ein Update")).to_be_visible()
    assert third_party_requests == []


def test_editor_pages_fit_a_360px_phone(page, base_url, live_app):
    setup_users(live_app)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base_url}/anmelden")
    page.get_by_label("Benutzername oder E-Mail").fill("journey-autorin")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    for path in ("/redaktion", "/redaktion/artikel", "/redaktion/artikel/neu", "/redaktion/videos/import"):
        page.goto(f"{base_url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
    page.screenshot(path="/tmp/editor-360.png", full_page=True)
