"""Who may do what with an article (DESIGN §4). Services raise PermissionDenied when a predicate says no;
templates show only the buttons these predicates allow, so pages and services never disagree."""
from __future__ import annotations

from core.permissions import is_admin, is_editor

# transition name → (states it starts from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "review"),
    "publish": (("review", "draft"), "published"),
    "reject": (("review",), "draft"),
    "unpublish": (("published",), "draft"),
    "archive": (("draft", "review", "published"), "archived"),
    "reopen": (("archived",), "draft"),
}


def can_create(user) -> bool:
    return is_editor(user)


def can_edit(user, article=None) -> bool:
    return is_editor(user)


def can_submit(user, article) -> bool:
    return is_editor(user) and article.status == "draft"


def can_publish(user, article) -> bool:
    """Editors review each other: a submitted article needs an editor other than the submitter.
    Admins may publish directly (also a draft, also their own submission)."""
    if not is_editor(user):
        return False
    if is_admin(user):
        return article.status in ("draft", "review")
    return article.status == "review" and article.submitted_by_id != user.id


def can_reject(user, article) -> bool:
    """Send a submitted article back to draft (the reviewer with remarks, or the submitter withdrawing it)."""
    return is_editor(user) and article.status == "review"


def can_unpublish(user, article) -> bool:
    return is_editor(user) and article.status == "published"


def can_archive(user, article) -> bool:
    return is_editor(user) and article.status in ("draft", "review", "published")


def can_reopen(user, article) -> bool:
    return is_editor(user) and article.status == "archived"


def can_restore(user, article) -> bool:
    return is_editor(user)


def edit_needs_review(user, article) -> bool:
    """A published article changes only after a second editor's review; admins may publish directly."""
    return article.status == "published" and not is_admin(user)


def can_publish_change(user, article) -> bool:
    """The pending change to a published article: another editor than the one who last changed it, or an admin."""
    if not is_editor(user) or article.pending_revision is None or article.status != "published":
        return False
    return is_admin(user) or article.pending_by_id != user.id


def can_discard_change(user, article) -> bool:
    """Its author withdraws it, or a reviewer declines it."""
    return is_editor(user) and article.pending_revision is not None


PREDICATES = {
    "submit": can_submit,
    "publish": can_publish,
    "reject": can_reject,
    "unpublish": can_unpublish,
    "archive": can_archive,
    "reopen": can_reopen,
}


def allowed_transitions(user, article) -> list[str]:
    return [name for name, predicate in PREDICATES.items() if predicate(user, article)]
