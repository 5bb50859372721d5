"""kb.services: ordering, related articles, one vote per visitor, the status banner rules."""
from __future__ import annotations

import pytest

from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog
from kb import services
from kb.models import ArticleFeedback, SlugRedirect
from tests.factories import make_article, make_category, make_user
from tests.factories_videos import make_video


def test_category_articles_put_the_visitors_language_first(app):
    category = make_category()
    make_article("Zeta Deutsch", category=category, lang="de")
    make_article("Alpha English", category=category, lang="en")
    make_article("Beta Deutsch", category=category, lang="de")
    make_article("Entwurf", category=category, status="draft")
    assert [a.title for a in services.category_articles(category, "de")] == ["Beta Deutsch", "Zeta Deutsch",
                                                                              "Alpha English"]
    assert [a.title for a in services.category_articles(category, "en")][0] == "Alpha English"


def test_category_videos_lists_only_published(app):
    category = make_category()
    make_video(category=category, title="Sichtbar")
    make_video(category=category, title="Versteckt", status="hidden")
    make_video(category=make_category(), title="Anderes Thema")
    assert [v.title for v in services.category_videos(category)] == ["Sichtbar"]


def test_related_articles_share_category_and_tags(app):
    category = make_category()
    article = make_article("Start", category=category, tags=["wlan", "router", "passwort"])
    best = make_article("Zwei Tags", category=category, tags=["WLAN", "router"])
    one_en = make_article("One tag", category=category, tags=["passwort"], lang="en")
    one_de = make_article("Ein Tag", category=category, tags=["passwort"])
    make_article("Kein Tag", category=category, tags=[])
    make_article("Entwurf", category=category, tags=["wlan", "router", "passwort"], status="draft")
    make_article("Anderes Thema", category=make_category(), tags=["wlan", "router", "passwort"])
    for i in range(5):
        make_article(f"Fuell {i}", category=category, tags=["router"])
    related = services.related_articles(article)
    assert len(related) == 5
    assert related[0] == best
    assert one_en not in related  # equal overlap: the article's own language first
    assert article not in related and "Kein Tag" not in {a.title for a in related}
    assert all(a.is_published and a.category_id == category.id for a in related)


def test_related_articles_without_tags_are_the_category_newest(app):
    category = make_category()
    article = make_article("Ohne Tags", category=category, tags=[])
    other = make_article("Anderer", category=category, tags=["x"])
    make_article("Fremd", category=make_category(), tags=[])
    assert services.related_articles(article) == [other]


def test_one_vote_per_visitor(app):
    article = make_article()
    first = services.record_feedback(article, "visitor:abc", True)
    again = services.record_feedback(article, "visitor:abc", False)
    other = services.record_feedback(article, "visitor:xyz", False)
    db.session.commit()
    assert first.recorded and not again.recorded and other.recorded
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    stored = db.session.execute(db.select(ArticleFeedback)).scalars().all()
    assert len(stored) == 2
    assert all(len(f.visitor_hash) == 64 and "abc" not in f.visitor_hash for f in stored)


def test_comment_only_after_a_no_vote_and_once(app):
    article = make_article()
    with pytest.raises(DomainError):
        services.add_feedback_comment(article, "visitor:a", "Fehlt etwas")
    services.record_feedback(article, "visitor:a", True)
    with pytest.raises(DomainError):
        services.add_feedback_comment(article, "visitor:a", "Fehlt etwas")
    services.record_feedback(article, "visitor:b", False)
    with pytest.raises(DomainError):
        services.add_feedback_comment(article, "visitor:b", "   ")
    with pytest.raises(DomainError):
        services.add_feedback_comment(article, "visitor:b", "x" * (services.COMMENT_MAX + 1))
    assert services.add_feedback_comment(article, "visitor:b", " Der Router fehlt ").comment == "Der Router fehlt"
    with pytest.raises(DomainError) as error:
        services.add_feedback_comment(article, "visitor:b", "Nochmal")
    assert error.value.code == "already_commented"


def test_no_vote_on_unpublished_article(app):
    with pytest.raises(DomainError):
        services.record_feedback(make_article(status="draft"), "visitor:a", True)


def test_banner_on_and_off_is_for_editors_only_and_audited(app):
    editor = make_user(role="editor")
    for role in ("customer", "superuser"):
        with pytest.raises(PermissionDenied):
            services.switch_banner_on(make_user(role=role), level="outage", title="Störung")
    first = services.switch_banner_on(editor, level="outage", title="Störung Zürich", region="Zürich",
                                      keywords="Internet, WLAN, internet, ")
    assert first.keywords == ["internet", "wlan"]
    second = services.switch_banner_on(editor, level="maintenance", title="Wartung")
    db.session.commit()
    assert services.active_banner() == second and not first.active and first.resolved_at is not None
    services.switch_banner_off(editor)
    db.session.commit()
    assert services.active_banner() is None
    actions = [a.action for a in db.session.execute(db.select(AuditLog).order_by(AuditLog.id)).scalars()]
    assert actions == ["status_banner.on", "status_banner.on", "status_banner.off"]


@pytest.mark.parametrize("fields", [{"level": "alarm", "title": "x"}, {"level": "outage", "title": "  "},
                                    {"level": "info", "title": "x" * 201}])
def test_banner_bad_input(app, fields):
    with pytest.raises(DomainError):
        services.switch_banner_on(make_user(role="editor"), **fields)


def test_moved_slug_is_found(app):
    article = make_article(slug="neu")
    db.session.add(SlugRedirect(old_slug="alt", article_id=article.id))
    db.session.flush()
    assert services.find_published_article("alt") == (None, "neu")
    assert services.find_published_article("neu") == (article, None)
    assert services.find_published_article("gibt-es-nicht") == (None, None)


def test_newest_and_most_helpful(app):
    a = make_article("A", helpful_yes=3)
    b = make_article("B", helpful_yes=9, helpful_no=1)
    make_article("C", status="draft", helpful_yes=50)
    assert services.most_helpful_articles() == [b, a]
    assert {x.title for x in services.newest_articles()} == {"A", "B"}


def test_racing_double_vote_is_a_duplicate_not_an_error(app, monkeypatch):
    article = make_article()
    services.record_feedback(article, "visitor:race", True)
    db.session.commit()
    # The second request checked before the first one's insert was visible: it must not fail.
    real, calls = services.visitor_feedback, []

    def stale_first_look(a, key):
        calls.append(key)
        return None if len(calls) == 1 else real(a, key)
    monkeypatch.setattr(services, "visitor_feedback", stale_first_look)
    result = services.record_feedback(article, "visitor:race", False)
    db.session.commit()
    assert not result.recorded
    db.session.refresh(article)
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
