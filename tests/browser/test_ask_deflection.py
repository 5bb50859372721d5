"""Deflection in Chromium: a customer starts typing a question, sees a matching article (and a solved thread,
marked as solved) under the title field, opens the article instead of posting, and the click is counted for the
ask form (source "ask") as one visitor who left without posting."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.extensions import db
from tests.browser_steps import log_in
from tests.factories import PASSWORD, make_article, make_category, make_user
from tests.factories_notify import accept, make_answer, make_question

TITLE = "Fernbedienung mit der TV-Box koppeln (Deflection)"
THREAD = "Fernbedienung koppeln klappt nicht mehr (Deflection)"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-CH"}


def test_ask_form_suggests_an_article_and_counts_the_click(live_app, base_url, page, third_party_requests):
    with live_app.app_context():
        make_article(title=TITLE, slug="deflection-fernbedienung-koppeln", category=make_category(),
                     body="Halten Sie OK und die Zurück-Taste gedrückt.")
        user = make_user(username="deflection-kunde")
        thread = make_question(title=THREAD)
        accept(thread, make_answer(thread))
        db.session.commit()
        username = user.username
    log_in(page, base_url, username, PASSWORD)
    page.goto(f"{base_url}/community/frage-stellen")
    panel = page.locator("#ask-suggestions")
    expect(panel).to_be_hidden()
    page.locator("#title").press_sequentially("Fernbedienung koppeln", delay=30)
    link = panel.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    expect(panel.get_by_role("listitem").filter(has_text=THREAD)).to_contain_text("✓ gelöst")
    expect(panel).to_contain_text("Vielleicht hilft Ihnen das schon weiter")
    link.click()
    page.wait_for_url("**/artikel/deflection-fernbedienung-koppeln")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fernbedienung")
    assert third_party_requests == []
    with live_app.app_context():
        from community import deflection
        from search.models import SearchClick

        clicks = db.session.scalars(select(SearchClick).where(SearchClick.source == "ask")).all()
        assert [c.result_type for c in clicks] == ["article"]
        stats = deflection.stats()
        assert stats["visitors"] >= 1 and stats["left_without_asking"] >= 1


def test_ask_suggestions_are_reached_by_keyboard(live_app, base_url, page):
    """From the title field, Tab reaches the suggested article and Enter opens it: no mouse needed."""
    with live_app.app_context():
        make_article(title="Tastatur-Koppelung der Fernbedienung (Deflection)", slug="deflection-tastatur",
                     category=make_category(), body="Halten Sie OK gedrückt.")
        user = make_user(username="deflection-tastatur")
        db.session.commit()
        username = user.username
    log_in(page, base_url, username, PASSWORD)
    page.goto(f"{base_url}/community/frage-stellen")
    page.locator("#title").press_sequentially("Tastatur Koppelung", delay=30)
    link = page.locator("#ask-suggestions").get_by_role("link", name="Tastatur-Koppelung der Fernbedienung")
    expect(link).to_be_visible()
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent").startswith("Tastatur"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/artikel/deflection-tastatur")
