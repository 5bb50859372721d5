"""Atom feeds: valid (feedparser bozo == 0), newest first, published content only, sources registry."""
from __future__ import annotations

from datetime import datetime, timedelta

import feedparser

from core.extensions import db
from kb import feeds
from tests.factories import make_article, make_category
from tests.factories_videos import make_video


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_new_content_feed_has_articles_and_videos_newest_first(app, client):
    category = make_category("tv")
    base = datetime(2026, 1, 1)
    make_article("Alt", category=category, updated_at=base)
    newest = make_article("Neu <&> Sonderzeichen", category=category, updated_at=base + timedelta(days=2),
                 summary="Zusammenfassung & mehr")
    make_article("Entwurf", category=category, status="draft", updated_at=base + timedelta(days=5))
    make_video(category=category, title="Video mittel", updated_at=base + timedelta(days=1), description="Erklärt")
    make_video(category=category, title="Versteckt", status="hidden", updated_at=base + timedelta(days=3))
    db.session.commit()
    parsed = _parse(client, "/feeds/neu.atom")
    assert [e.title for e in parsed.entries] == ["Neu <&> Sonderzeichen", "Video mittel", "Alt"]
    first = parsed.entries[0]
    assert first.link == f"http://localhost/artikel/{newest.slug}"
    assert first.summary == "Zusammenfassung & mehr"
    assert first.id.startswith("urn:uuid:")
    assert len({e.id for e in parsed.entries}) == 3
    assert parsed.feed.title


def test_feed_is_limited_to_50(app, client):
    category = make_category()
    for i in range(55):
        make_article(f"Artikel {i}", category=category)
    db.session.commit()
    assert len(_parse(client, "/feeds/neu.atom").entries) == 50
    assert len(_parse(client, "/feeds/artikel.atom").entries) == 50


def test_article_feed_has_only_articles(app, client):
    category = make_category()
    make_article("Ein Artikel", category=category)
    make_video(category=category, title="Ein Video")
    db.session.commit()
    assert [e.title for e in _parse(client, "/feeds/artikel.atom").entries] == ["Ein Artikel"]


def test_empty_feeds_are_valid(client):
    assert _parse(client, "/feeds/neu.atom").entries == []
    assert _parse(client, "/feeds/artikel.atom").entries == []


def test_other_packages_can_register_a_source(app, client):
    def questions(limit):
        return [feeds.FeedEntry(kind="question", key="7", title="Frage aus der Community",
                                url="http://localhost/community/fragen/7", updated=datetime(2030, 1, 1))]
    feeds.register_feed_source(questions, "test.questions")
    feeds.register_feed_source(questions, "test.questions")  # idempotent
    try:
        titles = [e.title for e in _parse(client, "/feeds/neu.atom").entries]
        assert titles == ["Frage aus der Community"]
    finally:
        feeds._sources.pop("test.questions")


def test_unknown_feed_is_404(client):
    assert client.get("/feeds/gibt-es-nicht.atom").status_code == 404


def test_feed_answers_304_to_a_matching_etag(app, client):
    make_article("Ein Artikel")
    db.session.commit()
    first = client.get("/feeds/neu.atom")
    etag = first.headers["ETag"]
    again = client.get("/feeds/neu.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_article("Noch einer")
    db.session.commit()
    assert client.get("/feeds/neu.atom", headers={"If-None-Match": etag}).status_code == 200
