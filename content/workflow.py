"""Editorial workflow: draft → review → published → archived (and back), as plain functions taking the actor.

Rules (DESIGN §4): editors write and submit; a submitted article is published by an editor other than the
one who submitted it (editors review each other); admins may publish directly; editors and admins unpublish,
archive and reopen. Customers and superusers may do none of it. Every change writes a revision; publishing,
unpublishing and archiving also write an audit-log entry. Callers commit.

The same four eyes apply to changes of a published article: a non-admin's edit or restore becomes a pending
change (content.services.propose_change) that another editor publishes (publish_change) or anyone in the
team discards (discard_change); until then customers keep seeing the live version. An article that stops
being published takes the pending change as its working copy, so no work is lost.
"""
from __future__ import annotations

from content import permissions, services
from content.services import _
from content.revisions import get_revision, write_revision
from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog, utcnow
from core.permissions import is_editor
from kb.models import Article

NOTES = {
    "submit": "Zur Prüfung eingereicht",
    "publish": "Veröffentlicht",
    "reject": "Zurück an Entwurf",
    "unpublish": "Veröffentlichung zurückgezogen",
    "archive": "Archiviert",
    "reopen": "Aus dem Archiv geholt",
    "publish_change": "Änderung veröffentlicht",
}
AUDITED = {"publish", "unpublish", "archive"}


def transition(actor, article: Article, name: str, note: str | None = None) -> Article:
    if name not in permissions.TRANSITIONS:
        raise DomainError(_("Unbekannter Arbeitsschritt."), code="invalid_transition")
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion darf den Status von Artikeln ändern."))
    sources, target = permissions.TRANSITIONS[name]
    if article.status not in sources:
        raise DomainError(_("Dieser Schritt ist im Status «%(status)s» nicht möglich.", status=article.status),
                          code="invalid_transition", status=409)
    if not permissions.PREDICATES[name](actor, article):
        if name == "publish" and article.submitted_by_id == actor.id:
            raise PermissionDenied(_("Ein anderes Mitglied der Redaktion muss Ihren Artikel prüfen und veröffentlichen."))
        raise PermissionDenied(_("Diesen Schritt dürfen Sie nicht ausführen."))
    previous = article.status
    if previous == "published" and target != "published" and article.pending_revision is not None:
        _adopt_pending_change(article)
    article.status = target
    if name == "submit":
        article.submitted_by_id = actor.id
    elif name in ("reject", "reopen", "unpublish"):
        article.submitted_by_id = None
    if name == "publish" and article.published_at is None:
        article.published_at = utcnow()
    article.updated_at = utcnow()
    text = NOTES[name] + (f": {note.strip()}" if note and note.strip() else "")
    write_revision(article, actor, text)
    if name in AUDITED:
        db.session.add(AuditLog(actor_id=actor.id, action=f"article.{name}", target_type="article",
                                target_id=article.id, details={"slug": article.slug, "from": previous, "to": target},
                                reason=(note or None)))
    db.session.flush()
    return article


def _adopt_pending_change(article: Article) -> None:
    """Leaving "published": the pending change becomes the (no longer public) working copy. If it can't be
    applied any more (its slug was taken meanwhile) it stays in the revision history, restorable."""
    data = services.pending_data(article)
    services.clear_pending(article)
    if data is None:
        return
    try:
        services.apply(article, services.validate(data, article))
    except DomainError:
        return


def publish_change(actor, article: Article, note: str | None = None) -> Article:
    """Put the pending change live (another editor than its author, or an admin)."""
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion darf Änderungen veröffentlichen."))
    if article.pending_revision is None or article.status != "published":
        raise DomainError(_("Für diesen Artikel wartet keine Änderung auf Prüfung."), code="no_pending_change",
                          status=409)
    if not permissions.can_publish_change(actor, article):
        raise PermissionDenied(_("Ein anderes Mitglied der Redaktion muss Ihre Änderung prüfen und veröffentlichen."))
    proposed = get_revision(article, article.pending_revision)
    if proposed is None:
        services.clear_pending(article)
        raise DomainError(_("Die wartende Änderung gibt es nicht mehr."), code="no_pending_change", status=409)
    try:
        data = services.validate(services.data_from_revision(proposed, article), article)
    except DomainError as error:
        raise DomainError(_("Die Änderung kann nicht veröffentlicht werden: %(reason)s", reason=error.message),
                          code="invalid_change", details=error.details) from error
    services.apply(article, data)
    services.clear_pending(article)
    text = NOTES["publish_change"] + (f": {note.strip()}" if note and note.strip() else "")
    write_revision(article, actor, text)
    db.session.add(AuditLog(actor_id=actor.id, action="article.publish_change", target_type="article",
                            target_id=article.id, reason=(note or None),
                            details={"slug": article.slug, "revision": proposed.number}))
    db.session.flush()
    return article


def discard_change(actor, article: Article, note: str | None = None) -> Article:
    """Drop the pending change; the live version stays, the proposal stays in the revision history."""
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion darf Änderungen verwerfen."))
    if article.pending_revision is None:
        raise DomainError(_("Für diesen Artikel wartet keine Änderung auf Prüfung."), code="no_pending_change",
                          status=409)
    number = article.pending_revision
    services.clear_pending(article)
    services.keep_updated_at(article)
    db.session.add(AuditLog(actor_id=actor.id, action="article.discard_change", target_type="article",
                            target_id=article.id, reason=(note or None),
                            details={"slug": article.slug, "revision": number}))
    db.session.flush()
    return article


def submit(actor, article: Article, note: str | None = None) -> Article:
    return transition(actor, article, "submit", note)


def publish(actor, article: Article, note: str | None = None) -> Article:
    return transition(actor, article, "publish", note)


def reject(actor, article: Article, note: str | None = None) -> Article:
    return transition(actor, article, "reject", note)


def unpublish(actor, article: Article, note: str | None = None) -> Article:
    return transition(actor, article, "unpublish", note)


def archive(actor, article: Article, note: str | None = None) -> Article:
    return transition(actor, article, "archive", note)


def reopen(actor, article: Article, note: str | None = None) -> Article:
    return transition(actor, article, "reopen", note)
