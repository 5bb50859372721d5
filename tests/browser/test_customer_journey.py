"""Customer journey in Chromium: home → category tile → article → "Ja" → thank-you, vote stored; 360 px layout."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.extensions import db
from kb.models import Article, ArticleFeedback, Category
from tests.factories import make_article, make_category


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Swiss German browser: the German UI (Accept-Language de-CH)."""
    return {**browser_context_args, "locale": "de-CH"}


@pytest.fixture
def journey_article(live_app):
    with live_app.app_context():
        category = db.session.execute(db.select(Category).where(Category.slug == "kunden-wlan")).scalar_one_or_none()
        if category is None:
            category = make_category("kunden-wlan", name_de="WLAN zu Hause", name_en="Home Wi-Fi", icon="wifi",
                                     position=1)
        article = make_article("WLAN-Passwort am Router ändern",
                               body="## Router öffnen\n\nÖffnen Sie http://192.168.1.1 im Browser.\n\n"
                                    "## Passwort setzen\n\nWählen Sie ein langes Passwort.\n\n"
                                    "| Feld | Wert |\n|---|---|\n| SSID | MeinWLAN-mit-einem-sehr-langen-Namen |\n",
                               category=category, tags=["wlan", "passwort"])
        make_article("WLAN-Kanal wechseln", category=category, tags=["wlan"])
        db.session.commit()
        yield {"slug": article.slug, "id": article.id, "category": "kunden-wlan"}


def test_customer_votes_helpful(page, base_url, live_app, journey_article, third_party_requests):
    page.goto(base_url + "/")
    page.get_by_role("link", name="WLAN zu Hause").click()
    page.wait_for_url(f"**/themen/{journey_article['category']}")
    page.get_by_role("link", name="WLAN-Passwort am Router ändern").click()
    page.wait_for_url(f"**/artikel/{journey_article['slug']}")
    assert page.get_by_role("heading", level=1).inner_text() == "WLAN-Passwort am Router ändern"

    page.get_by_role("button", name="Ja", exact=True).click()
    status = page.locator("[data-feedback-status]")
    status.get_by_text("Danke für Ihre Rückmeldung!").wait_for()
    assert page.locator("[data-feedback-vote]").is_hidden()

    with live_app.app_context():
        article = db.session.get(Article, journey_article["id"])
        assert (article.helpful_yes, article.helpful_no) == (1, 0)
        votes = db.session.execute(db.select(ArticleFeedback).where(
            ArticleFeedback.article_id == journey_article["id"])).scalars().all()
        assert len(votes) == 1 and votes[0].helpful

    # A reload keeps the vote; voting again is not offered.
    page.reload()
    assert page.locator("[data-feedback-vote]").count() == 0
    assert "Danke für Ihre Rückmeldung!" in page.locator("[data-feedback-status]").inner_text()
    assert third_party_requests == []


def test_no_vote_reveals_the_comment_box(page, base_url, live_app, journey_article):
    page.goto(f"{base_url}/artikel/{journey_article['slug']}")
    assert page.locator("[data-feedback-comment]").is_hidden()
    page.get_by_role("button", name="Nein", exact=True).click()
    box = page.get_by_label("Was hat Ihnen gefehlt?")
    box.wait_for()
    box.fill("Mir fehlt die Anleitung für das Modell X.")
    page.get_by_role("button", name="Hinweis senden").click()
    page.locator("[data-feedback-status]").get_by_text("Danke für Ihren Hinweis!").wait_for()
    with live_app.app_context():
        comments = db.session.execute(db.select(ArticleFeedback.comment).where(
            ArticleFeedback.article_id == journey_article["id"])).scalars().all()
        assert comments == ["Mir fehlt die Anleitung für das Modell X."]


@pytest.mark.parametrize("path", ["/", "/themen/kunden-wlan", "ARTICLE", "/status"])
def test_no_horizontal_scroll_at_360px(page, base_url, journey_article, third_party_requests, path):
    page.set_viewport_size({"width": 360, "height": 740})
    if path == "ARTICLE":
        path = f"/artikel/{journey_article['slug']}"
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert third_party_requests == []


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (npm install axe-core)")
@pytest.mark.parametrize("path", ["/", "/themen/kunden-wlan", "ARTICLE", "/status"])
def test_no_serious_accessibility_violations(page, base_url, journey_article, path):
    if path == "ARTICLE":
        path = f"/artikel/{journey_article['slug']}"
    page.goto(base_url + path)
    # evaluate() runs through the DevTools protocol, so the strict CSP (no inline script) stays untouched.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
