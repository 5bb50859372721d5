"""Permission predicates (DESIGN §4), shared by services, views, API and templates."""
from types import SimpleNamespace

import pytest

from community import permissions as p


class Anonymous:
    is_authenticated = False


def user(uid=1, role="customer", active=True):
    return SimpleNamespace(id=uid, role=role, is_authenticated=True, is_active=active,
                           is_moderator=role in ("superuser", "admin"), is_admin=role == "admin")


def question(author_id=1, **fields):
    base = dict(author_id=author_id, is_hidden=False, is_locked=False, status="open")
    base.update(fields)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("role,own,expected", [
    ("customer", True, True), ("customer", False, False), ("editor", False, False),
    ("superuser", False, True), ("admin", False, True),
])
def test_can_accept(role, own, expected):
    assert p.can_accept(user(1 if own else 2, role), question(author_id=1)) is expected


def test_anonymous_and_inactive_can_do_nothing():
    q = question()
    for who in (Anonymous(), None, user(active=False)):
        assert not p.can_participate(who) and not p.can_accept(who, q) and not p.can_vote(who, q)
        assert not p.can_answer(who, q) and not p.can_moderate(who)
    assert p.can_view_question(Anonymous(), q)


def test_votes_edits_and_flags():
    q = question(author_id=1)
    assert not p.can_vote(user(1), q) and p.can_vote(user(2), q)
    assert not p.can_vote(user(2), question(author_id=1, is_hidden=True))
    assert p.can_edit(user(1), q) and not p.can_edit(user(2), q) and p.can_edit(user(2, "superuser"), q)
    assert not p.can_edit(user(2, "editor"), q)
    assert p.can_flag(user(2), q) and not p.can_flag(user(1), q)


def test_locked_closed_hidden_questions():
    assert not p.can_answer(user(2), question(is_locked=True))
    assert not p.can_answer(user(2), question(status="closed"))
    assert p.can_comment(user(2), question(status="closed")) and not p.can_comment(user(2), question(is_locked=True))
    hidden = question(author_id=1, is_hidden=True)
    assert not p.can_view_question(user(2), hidden) and p.can_view_question(user(1), hidden)
    assert p.can_view_question(user(3, "superuser"), hidden) and not p.can_view_question(Anonymous(), hidden)


def test_superuser_management_is_admin_only():
    assert p.can_manage_superusers(user(role="admin"))
    assert not p.can_manage_superusers(user(role="superuser")) and not p.can_manage_superusers(user(role="editor"))
