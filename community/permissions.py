"""Who may do what in the community (DESIGN §4). Used by the services, the views, the API and templates."""
from __future__ import annotations


def _user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def can_participate(user) -> bool:
    """Ask, answer, comment, vote, flag: any signed-in account."""
    return _user(user)


def can_moderate(user) -> bool:
    """Superusers and admins: accept anywhere, edit/retag, close, lock, hide, flags, queue."""
    return _user(user) and user.is_moderator


def can_view_question(user, question) -> bool:
    return not question.is_hidden or can_moderate(user) or (_user(user) and question.author_id == user.id)


def can_answer(user, question) -> bool:
    return _user(user) and not question.is_locked and question.status == "open" and not question.is_hidden


def can_comment(user, question) -> bool:
    return _user(user) and not question.is_locked and not question.is_hidden


def can_vote(user, post) -> bool:
    """Any signed-in user but the author; not on hidden posts."""
    return _user(user) and post.author_id != user.id and not post.is_hidden


def can_accept(user, question) -> bool:
    """The asker, a superuser or an admin may mark (and change or remove) the solution."""
    return _user(user) and (question.author_id == user.id or user.is_moderator)


def can_edit(user, post) -> bool:
    return _user(user) and (post.author_id == user.id or user.is_moderator)


def can_retag(user, question) -> bool:
    return can_edit(user, question)


def can_flag(user, post) -> bool:
    return _user(user) and post.author_id != user.id


def can_manage_superusers(user) -> bool:
    return _user(user) and user.is_admin


PREDICATES = {
    "can_participate": can_participate, "can_moderate": can_moderate, "can_view_question": can_view_question,
    "can_answer": can_answer, "can_comment": can_comment, "can_vote": can_vote, "can_accept": can_accept,
    "can_edit": can_edit, "can_retag": can_retag, "can_flag": can_flag,
    "can_manage_superusers": can_manage_superusers,
}
