"""Atom feeds of community questions: all, per category, and inside the site-wide /feeds/neu.atom."""
import feedparser

from core.extensions import db
from tests.factories import make_category, make_user
from tests.factories_notify import accept, make_answer, make_question


def test_questions_feed_is_valid_atom(client):
    internet = make_category("internet", name_de="Internet")
    solved = make_question(title="Router <blinkt> rot & grün", body="**Hilfe** <script>alert(1)</script>",
                           category=internet)
    accept(solved, make_answer(solved))
    make_question(title="Versteckte Frage mit Spam", is_hidden=True)
    make_question(title="Fernseher zeigt kein Bild")
    db.session.commit()
    response = client.get("/feeds/fragen.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    titles = [e.title for e in feed.entries]
    assert "Router <blinkt> rot & grün" in titles and "Fernseher zeigt kein Bild" in titles
    assert "Versteckte Frage mit Spam" not in titles
    entry = next(e for e in feed.entries if e.title.startswith("Router"))
    assert entry.link.endswith(f"/community/fragen/{solved.id}")
    assert "<script>" not in entry.summary and "Gelöst" in entry.summary
    assert entry.id and entry.updated


def test_category_feed(client):
    internet = make_category("internet")
    tv = make_category("digital-tv")
    make_question(title="Frage zum Internet", category=internet)
    make_question(title="Frage zum Fernsehen", category=tv)
    db.session.commit()
    feed = feedparser.parse(client.get("/feeds/fragen/internet.atom").data)
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["Frage zum Internet"]
    assert client.get("/feeds/fragen/gibt-es-nicht.atom").status_code == 404


def test_empty_feed_is_valid(client):
    feed = feedparser.parse(client.get("/feeds/fragen.atom").data)
    assert feed.bozo == 0 and feed.entries == []


def test_questions_appear_in_the_new_content_feed(client):
    make_question(title="Neue Community-Frage im Gesamtfeed", author=make_user())
    db.session.commit()
    feed = feedparser.parse(client.get("/feeds/neu.atom").data)
    assert feed.bozo == 0
    assert "Neue Community-Frage im Gesamtfeed" in [e.title for e in feed.entries]
