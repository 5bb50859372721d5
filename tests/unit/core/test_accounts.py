import pytest

from core import accounts
from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog
from tests.factories import PASSWORD, make_user


def test_password_is_stored_hashed_with_scrypt(app):
    user = accounts.create_user("anna", "anna@example.org", "ein-langes-Passwort")
    assert "ein-langes-Passwort" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("ein-langes-Passwort")


def test_short_password_is_refused(app):
    with pytest.raises(DomainError) as error:
        accounts.create_user("anna", "anna@example.org", "kurz")
    assert error.value.code == "weak_password"


def test_duplicate_username_or_email_is_refused_case_insensitively(app):
    accounts.create_user("anna", "anna@example.org", "ein-langes-Passwort")
    with pytest.raises(DomainError):
        accounts.create_user("ANNA", "other@example.org", "ein-langes-Passwort")
    with pytest.raises(DomainError):
        accounts.create_user("berta", "Anna@Example.org", "ein-langes-Passwort")


def test_authenticate_by_username_or_email(app):
    user = make_user("carla", email="carla@example.org")
    assert accounts.authenticate("carla", PASSWORD) is user
    assert accounts.authenticate("CARLA@example.org", PASSWORD) is user
    assert accounts.authenticate("carla", "falsch-falsch") is None
    assert accounts.authenticate("niemand", PASSWORD) is None


def test_inactive_user_cannot_log_in(app):
    make_user("dora", active=False)
    assert accounts.authenticate("dora", PASSWORD) is None


def test_change_password_needs_the_current_one(app):
    user = make_user()
    with pytest.raises(DomainError):
        accounts.change_password(user, "wrong", "ganz-neues-Passwort")
    accounts.change_password(user, PASSWORD, "ganz-neues-Passwort")
    assert user.check_password("ganz-neues-Passwort")


def test_only_admins_set_roles_and_it_is_audited(app):
    admin, editor, customer = make_user(role="admin"), make_user(role="editor"), make_user()
    with pytest.raises(PermissionDenied):
        accounts.set_role(editor, customer, "superuser")
    accounts.set_role(admin, customer, "superuser")
    assert customer.role == "superuser"
    accounts.set_role(admin, customer, "customer")
    assert customer.superuser_revoked is True
    entries = db.session.execute(db.select(AuditLog).where(AuditLog.action == "user.role")).scalars().all()
    assert [e.details["to"] for e in entries] == ["superuser", "customer"]


def test_tokens_are_stored_hashed_and_revocable(app):
    user = make_user()
    raw = accounts.issue_token(user)
    assert raw.startswith("hc_") and len(raw) > 30
    assert all(raw != token.token_hash for token in user.tokens)
    assert accounts.user_for_token(raw) is user
    assert accounts.user_for_token("hc_wrong") is None
    assert accounts.revoke_tokens(user) == 1
    assert accounts.user_for_token(raw) is None
