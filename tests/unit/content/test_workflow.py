"""Editorial workflow and editing rules, called directly (no HTTP)."""
from __future__ import annotations

import pytest

from content import permissions, services, workflow
from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import AuditLog
from kb.models import SlugRedirect
from tests.factories import make_category, make_user
from tests.factories_content import article_data, make_draft, make_editor, make_published


def notes(article):
    return [(r.number, r.note, r.status) for r in article.revisions]


def test_create_renders_and_writes_first_revision(app):
    editor = make_editor()
    article = make_draft(editor, title="WLAN-Passwort ändern", body_md="# Titel\n\nText <script>x</script>")
    assert article.status == "draft" and article.author_id == editor.id
    assert article.slug == "wlan-passwort-aendern"
    assert "<script" not in article.body_html and "<h2" in article.body_html
    assert notes(article) == [(1, "Erstellt", "draft")]


def test_full_cycle_with_two_editors(app):
    author, reviewer = make_editor(), make_editor()
    article = make_draft(author)
    workflow.submit(author, article)
    assert article.status == "review" and article.submitted_by_id == author.id
    with pytest.raises(PermissionDenied):
        workflow.publish(author, article)  # editors review each other
    workflow.publish(reviewer, article)
    first_published = article.published_at
    assert article.status == "published" and first_published is not None
    workflow.unpublish(reviewer, article)
    assert article.status == "draft"
    workflow.submit(reviewer, article)
    workflow.publish(author, article)
    assert article.published_at == first_published  # only the first publish sets it
    workflow.archive(author, article)
    workflow.reopen(author, article)
    assert [n for _, n, _ in notes(article)] == [
        "Erstellt", "Zur Prüfung eingereicht", "Veröffentlicht", "Veröffentlichung zurückgezogen",
        "Zur Prüfung eingereicht", "Veröffentlicht", "Archiviert", "Aus dem Archiv geholt"]
    assert [r.number for r in article.revisions] == list(range(1, 9))
    actions = [a.action for a in db.session.execute(db.select(AuditLog).order_by(AuditLog.id)).scalars()]
    assert actions == ["article.publish", "article.unpublish", "article.publish", "article.archive"]


def test_admin_publishes_directly_even_own_draft(app):
    admin = make_user(role="admin")
    article = make_draft(admin)
    workflow.publish(admin, article)
    assert article.status == "published"


def test_editor_cannot_publish_a_draft_directly(app):
    article = make_draft()
    with pytest.raises(PermissionDenied):
        workflow.publish(make_editor(), article)


def test_reject_sends_back_to_draft(app):
    author, reviewer = make_editor(), make_editor()
    article = make_draft(author)
    workflow.submit(author, article)
    workflow.reject(reviewer, article, note="Bitte Screenshots ergänzen")
    assert article.status == "draft" and article.submitted_by_id is None
    assert article.revisions[-1].note == "Zurück an Entwurf: Bitte Screenshots ergänzen"


@pytest.mark.parametrize("name,status", [
    ("submit", "review"), ("submit", "published"), ("publish", "published"), ("publish", "archived"),
    ("unpublish", "draft"), ("archive", "archived"), ("reopen", "published"), ("reject", "draft"),
])
def test_invalid_transitions_raise_domain_error(app, name, status):
    admin = make_user(role="admin")
    article = make_draft(admin)
    article.status = status
    with pytest.raises(DomainError) as caught:
        workflow.transition(admin, article, name)
    assert not isinstance(caught.value, PermissionDenied)


def test_unknown_transition(app):
    with pytest.raises(DomainError):
        workflow.transition(make_editor(), make_draft(), "explode")


@pytest.mark.parametrize("role", ["customer", "superuser"])
@pytest.mark.parametrize("name", list(permissions.TRANSITIONS))
def test_customers_and_superusers_may_do_nothing(app, role, name):
    user = make_user(role=role)
    article = make_draft()
    article.status = permissions.TRANSITIONS[name][0][0]
    with pytest.raises(PermissionDenied):
        workflow.transition(user, article, name)
    assert permissions.allowed_transitions(user, article) == []


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_customers_may_not_create_edit_or_restore(app, role):
    user = make_user(role=role)
    article = make_draft()
    with pytest.raises(PermissionDenied):
        services.create_article(user, article_data())
    with pytest.raises(PermissionDenied):
        services.update_article(user, article, article_data(title="Neu"))
    with pytest.raises(PermissionDenied):
        services.restore_revision(user, article, 1)


def test_allowed_transitions_per_user(app):
    author, other, admin = make_editor(), make_editor(), make_user(role="admin")
    article = make_draft(author)
    assert permissions.allowed_transitions(author, article) == ["submit", "archive"]
    assert permissions.allowed_transitions(admin, article) == ["submit", "publish", "archive"]
    workflow.submit(author, article)
    assert permissions.allowed_transitions(author, article) == ["reject", "archive"]
    assert permissions.allowed_transitions(other, article) == ["publish", "reject", "archive"]


def test_every_save_is_a_revision_and_no_change_writes_none(app):
    editor = make_editor()
    article = make_draft(editor)
    data = article_data(article.category, title="Router richtig neu starten", slug=article.slug,
                        body_md="Neuer Text")
    assert services.update_article(editor, article, data) == services.SAVED
    assert article.body_html == "<p>Neuer Text</p>"
    assert services.update_article(editor, article, article_data(
        article.category, title="Router richtig neu starten", slug=article.slug,
        body_md="Neuer Text\r\n")) == services.UNCHANGED
    assert [r.note for r in article.revisions] == ["Erstellt", "Bearbeitet"]


def test_slug_change_creates_redirect_and_back_removes_it(app):
    editor = make_editor()
    article = make_draft(editor, slug="alt")
    services.update_article(editor, article, article_data(article.category, slug="neu", body_md=article.body_md))
    assert [r.old_slug for r in db.session.execute(db.select(SlugRedirect)).scalars()] == ["alt"]
    services.update_article(editor, article, article_data(article.category, slug="alt", body_md=article.body_md))
    assert [r.old_slug for r in db.session.execute(db.select(SlugRedirect)).scalars()] == ["neu"]


@pytest.mark.parametrize("slug", ["Gross", "mit leer", "umlaut-ä", "-vorne", "hinten-", "doppelt--strich",
                                  "a" * 161, "under_score"])
def test_bad_slugs_are_refused(app, slug):
    with pytest.raises(DomainError) as caught:
        make_draft(slug=slug)
    assert "slug" in caught.value.details


def test_slug_must_be_unique_and_not_another_articles_old_slug(app):
    editor = make_editor()
    first = make_draft(editor, slug="eins")
    services.update_article(editor, first, article_data(first.category, slug="eins-neu", body_md=first.body_md))
    make_draft(editor, slug="zwei")
    for taken in ("eins", "eins-neu", "zwei"):
        with pytest.raises(DomainError):
            make_draft(editor, slug=taken)
    # generated slugs avoid collisions
    assert make_draft(editor, title="Zwei").slug == "zwei-2"


def test_validation_messages(app):
    with pytest.raises(DomainError) as caught:
        services.create_article(make_editor(), services.ArticleData(title=" ", category=None, lang="fr"))
    assert set(caught.value.details) >= {"title", "category", "lang", "slug"}


def test_tags_are_normalised(app):
    article = make_draft(tags="WLAN,  Router , wlan,,")
    assert article.tags == ["wlan", "router"]


def test_restore_creates_new_revision_from_old(app):
    editor = make_editor()
    article = make_draft(editor, title="Erste Fassung", slug="erste", body_md="Alt")
    services.update_article(editor, article, article_data(
        article.category, title="Zweite Fassung", slug="zweite", body_md="Neu"))
    assert services.restore_revision(editor, article, 1) == services.SAVED
    assert (article.title, article.slug, article.body_md) == ("Erste Fassung", "erste", "Alt")
    assert article.revisions[-1].note == "Wiederhergestellt aus Version 1" and article.revisions[-1].number == 3
    assert services.restore_revision(editor, article, 3) == services.UNCHANGED
    with pytest.raises(NotFound):
        services.restore_revision(editor, article, 99)


def test_restore_refuses_slug_now_used_elsewhere(app):
    editor = make_editor()
    article = make_draft(editor, slug="erste")
    services.update_article(editor, article, article_data(article.category, slug="zweite", body_md="x"))
    db.session.delete(db.session.execute(db.select(SlugRedirect)).scalar_one())
    make_draft(editor, slug="erste")
    with pytest.raises(DomainError):
        services.restore_revision(editor, article, 1)


def test_published_fixture(app):
    article = make_published()
    assert article.status == "published"
    assert make_category() is not None


def _live(article):
    return (article.title, article.slug, article.body_md, article.body_html)


def test_an_editors_change_to_a_published_article_waits_for_a_second_editor(app):
    author, changer, reviewer = make_editor(), make_editor(), make_editor()
    article = make_published(author)
    live, updated_at = _live(article), article.updated_at
    outcome = services.update_article(changer, article, article_data(
        article.category, title="Router neu starten (neu)", slug="router-neu", body_md="Neuer Text"))
    assert outcome == services.PROPOSED
    assert _live(article) == live and article.status == "published" and article.updated_at == updated_at
    assert (article.pending_revision, article.pending_by_id) == (4, changer.id)
    proposal = article.revisions[-1]
    assert (proposal.proposed, proposal.title, proposal.body_md) == (True, "Router neu starten (neu)", "Neuer Text")
    assert db.session.execute(db.select(SlugRedirect)).first() is None  # nothing moved yet
    with pytest.raises(PermissionDenied):
        workflow.publish_change(changer, article)  # four eyes
    assert not permissions.can_publish_change(changer, article) and permissions.can_publish_change(reviewer, article)
    workflow.publish_change(reviewer, article)
    assert (article.title, article.slug, article.body_html) == ("Router neu starten (neu)", "router-neu",
                                                                "<p>Neuer Text</p>")
    db.session.expire(article, ["revisions"])
    assert article.pending_revision is None and article.revisions[-1].note == "Änderung veröffentlicht"
    assert [r.old_slug for r in db.session.execute(db.select(SlugRedirect)).scalars()] == [live[1]]
    actions = [a.action for a in db.session.execute(db.select(AuditLog).order_by(AuditLog.id)).scalars()]
    assert actions[-2:] == ["article.propose_change", "article.publish_change"]


def test_restoring_an_old_version_of_a_published_article_is_a_proposal_too(app):
    editor, reviewer = make_editor(), make_editor()
    article = make_published(editor, body_md="Erste Fassung")
    admin = make_user(role="admin")
    services.update_article(admin, article, article_data(article.category, slug=article.slug, body_md="Zweite"))
    assert services.restore_revision(editor, article, 1) == services.PROPOSED
    assert article.body_md == "Zweite" and article.pending_by_id == editor.id
    assert services.restore_revision(editor, article, 1) == services.UNCHANGED  # the same proposal again
    workflow.publish_change(reviewer, article)
    assert article.body_md == "Erste Fassung"


def test_further_edits_continue_the_pending_change_and_the_last_editor_cannot_publish_it(app):
    first, second = make_editor(), make_editor()
    article = make_published()
    services.update_article(first, article, article_data(article.category, slug=article.slug, body_md="A"))
    assert services.pending_data(article).body_md == "A"
    assert services.update_article(first, article, article_data(
        article.category, slug=article.slug, body_md="A")) == services.UNCHANGED
    assert services.update_article(second, article, article_data(
        article.category, slug=article.slug, body_md="A und B")) == services.PROPOSED
    assert services.pending_data(article).body_md == "A und B" and article.pending_by_id == second.id
    with pytest.raises(PermissionDenied):
        workflow.publish_change(second, article)
    workflow.publish_change(first, article)
    assert article.body_md == "A und B"


def test_a_review_date_alone_applies_at_once_without_a_proposal(app):
    import datetime as dt
    editor = make_editor()
    article = make_published()
    outcome = services.update_article(editor, article, article_data(
        article.category, slug=article.slug, body_md=article.body_md, review_by=dt.date(2031, 1, 1)))
    assert outcome == services.SAVED and article.review_by == dt.date(2031, 1, 1)
    assert article.pending_revision is None


def test_discarding_keeps_the_live_version(app):
    editor = make_editor()
    article = make_published()
    live = _live(article)
    services.update_article(editor, article, article_data(article.category, slug=article.slug, body_md="Weg"))
    workflow.discard_change(editor, article)  # the author may withdraw it
    assert _live(article) == live and article.pending_revision is None
    assert article.revisions[-1].proposed  # the proposal stays in the history
    with pytest.raises(DomainError) as caught:
        workflow.publish_change(make_editor(), article)
    assert caught.value.status == 409
    with pytest.raises(DomainError):
        workflow.discard_change(editor, article)


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_customers_may_neither_publish_nor_discard_changes(app, role):
    article = make_published()
    services.update_article(make_editor(), article, article_data(article.category, slug=article.slug, body_md="x"))
    for action in (workflow.publish_change, workflow.discard_change):
        with pytest.raises(PermissionDenied):
            action(make_user(role=role), article)


def test_admins_edit_published_articles_directly_and_it_is_audited(app):
    admin = make_user(role="admin")
    article = make_published()
    outcome = services.update_article(admin, article, article_data(article.category, slug=article.slug,
                                                                   body_md="Neu"))
    assert outcome == services.SAVED
    assert article.status == "published" and article.body_html == "<p>Neu</p>" and article.pending_revision is None
    entry = db.session.execute(db.select(AuditLog).where(AuditLog.action == "article.edit_published")).scalar_one()
    assert (entry.actor_id, entry.target_id, entry.details["revision"]) == (admin.id, article.id, 4)
    assert services.restore_revision(admin, article, 1) == services.SAVED
    assert article.body_md != "Neu"


def test_an_admins_save_settles_a_pending_change(app):
    editor, admin = make_editor(), make_user(role="admin")
    article = make_published()
    services.update_article(editor, article, article_data(article.category, slug=article.slug, body_md="Vorschlag"))
    workflow.publish_change(admin, article)  # admins may publish any change, also directly
    assert article.body_md == "Vorschlag" and article.pending_revision is None
    services.update_article(editor, article, article_data(article.category, slug=article.slug, body_md="Noch einer"))
    services.update_article(admin, article, article_data(article.category, slug=article.slug,
                                                         body_md="Noch einer, korrigiert"))
    assert article.body_md == "Noch einer, korrigiert" and article.pending_revision is None


def test_unpublishing_takes_the_pending_change_as_working_copy(app):
    editor = make_editor()
    article = make_published()
    services.update_article(editor, article, article_data(article.category, slug=article.slug, body_md="Entwurf"))
    workflow.unpublish(editor, article)
    assert article.status == "draft" and article.body_md == "Entwurf" and article.pending_revision is None
    assert services.update_article(editor, article, article_data(
        article.category, slug=article.slug, body_md="Direkt")) == services.SAVED  # drafts change in place
    assert article.body_md == "Direkt"


def test_a_change_whose_slug_was_taken_meanwhile_cannot_be_published(app):
    editor, reviewer = make_editor(), make_editor()
    article = make_published()
    services.update_article(editor, article, article_data(article.category, slug="begehrt", body_md="x"))
    make_draft(slug="begehrt")
    with pytest.raises(DomainError) as caught:
        workflow.publish_change(reviewer, article)
    assert caught.value.code == "invalid_change" and article.pending_revision is not None
