"""Editorial workflow: draft → review → published → archived (and back), as plain functions taking the actor.

Rules (DESIGN §4): editors write and submit; a submitted article is published by an editor other than the
one who submitted it (editors review each other); admins may publish directly; editors and admins unpublish,
archive and reopen. Customers and superusers may do none of it. Every change writes a revision; publishing,
unpublishing and archiving also write an audit-log entry. Callers commit.
"""
from __future__ import annotations

from content import permissions
from content.services import _
from content.revisions import write_revision
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
