"""A customer types a colloquial query into the home page search, picks a suggestion with the keyboard and lands
on the right article."""
from __future__ import annotations

from playwright.sync_api import expect

from core.extensions import db
from tests.factories import make_article, make_category

TITLE = "Internet geht nicht: Störung selbst beheben (Suche)"


def test_home_search_suggestions_by_keyboard(live_app, base_url, page, third_party_requests):
    with live_app.app_context():
        category = make_category()
        make_article(title=TITLE, slug="suche-internet-geht-nicht", category=category,
                     body="Starten Sie das Modem neu.")
        make_article(title="WLAN-Passwort ändern (Suche)", slug="suche-wlan-passwort", category=category)
        db.session.commit()
    page.goto(base_url + "/")
    box = page.locator("#home-search")
    box.click()
    box.press_sequentially("internet geht nich", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    texts = options.all_inner_texts()
    index = next(i for i, t in enumerate(texts) if TITLE in t)
    for _ in range(index + 1):
        box.press("ArrowDown")
    expect(options.nth(index)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(index).get_attribute("id"))
    box.press("Enter")
    page.wait_for_url("**/artikel/suche-internet-geht-nicht")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Internet geht nicht")
    assert third_party_requests == []


def test_search_page_results_and_escape_closes_suggestions(live_app, base_url, page):
    with live_app.app_context():
        make_article(title="Sendersuchlauf am Fernseher (Suche)", slug="suche-sendersuchlauf", category=make_category())
        db.session.commit()
    page.goto(base_url + "/suche?q=Sendersuchluaf")
    expect(page.locator(".search-result").first).to_contain_text("Sendersuchlauf")
    box = page.locator("#page-search")
    box.fill("")
    box.press_sequentially("Senders", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
