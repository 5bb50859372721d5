"""Account rules: registration, authentication, passwords, roles and API tokens. Plain functions, no request."""
from __future__ import annotations

import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, or_
from werkzeug.security import generate_password_hash

from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import ROLES, ApiToken, AuditLog, User, hash_token, utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
# Compared against when no account matches, so a failed login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(_("Das Passwort muss mindestens %(count)d Zeichen lang sein.", count=MIN_PASSWORD_LENGTH),
                          code="weak_password")


def find_user(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    return db.session.execute(
        db.select(User).where(or_(func.lower(User.username) == login.lower(), func.lower(User.email) == login.lower()))
    ).scalar_one_or_none()


def create_user(username: str, email: str, password: str, role: str = "customer") -> User:
    username, email = (username or "").strip(), (email or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(_("Benutzername: 3–40 Zeichen, Buchstaben, Ziffern, Punkt, Bindestrich, Unterstrich."),
                          code="bad_username")
    if not EMAIL_RE.match(email):
        raise DomainError(_("Bitte geben Sie eine gültige E-Mail-Adresse an."), code="bad_email")
    if role not in ROLES:
        raise DomainError(_("Unbekannte Rolle: %(role)s (möglich: %(roles)s)", role=role, roles=", ".join(ROLES)),
                          code="bad_role")
    validate_password(password)
    if find_user(username) or find_user(email):
        raise DomainError(_("Benutzername oder E-Mail-Adresse ist bereits vergeben."), code="taken", status=409)
    user = User(username=username, email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(login: str, password: str) -> User | None:
    """The user when login and password match an active account, else None (never says which part failed)."""
    user = find_user(login)
    if user is None:
        from werkzeug.security import check_password_hash
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    user.last_seen_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise DomainError(_("Das aktuelle Passwort ist falsch."), code="wrong_password")
    validate_password(new)
    user.set_password(new)


def set_role(actor: User, user: User, role: str, reason: str | None = None) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Nur Administratoren können Rollen ändern."))
    if role not in ROLES:
        raise DomainError(_("Unbekannte Rolle: %(role)s", role=role), code="bad_role")
    old = user.role
    user.role = role
    if old == "superuser" and role == "customer":
        user.superuser_revoked = True  # an admin's revocation sticks; automatic promotion won't undo it
    elif role == "superuser":
        user.superuser_revoked = False
    db.session.add(AuditLog(actor_id=actor.id, action="user.role", target_type="user", target_id=user.id,
                            details={"from": old, "to": role}, reason=reason))


def issue_token(user: User) -> str:
    """A new bearer token; only its hash is stored, so the raw value is shown exactly once."""
    raw = "hc_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(raw), prefix=raw[:10]))
    db.session.flush()
    return raw


def revoke_tokens(user: User) -> int:
    count = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            count += 1
    return count


def user_for_token(raw: str) -> User | None:
    token = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == hash_token(raw or ""), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user
