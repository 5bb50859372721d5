"""Superusers in the open: published criteria, each user's progress, automatic promotion, admin grant/revoke."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from community import signals
from community.badges import accepted_count, check_user
from core.accounts import set_role
from core.errors import DomainError, PermissionDenied
from core.extensions import db
from core.models import AuditLog, User, utcnow


@dataclass
class Criteria:
    min_reputation: int
    min_accepted: int
    min_account_days: int


@dataclass
class Progress:
    user: User
    reputation: int
    accepted: int
    account_days: int
    criteria: Criteria

    def _share(self, value: int, target: int) -> int:
        return 100 if target <= 0 else min(100, int(value * 100 / target))

    @property
    def reputation_percent(self) -> int:
        return self._share(self.reputation, self.criteria.min_reputation)

    @property
    def accepted_percent(self) -> int:
        return self._share(self.accepted, self.criteria.min_accepted)

    @property
    def account_days_percent(self) -> int:
        return self._share(self.account_days, self.criteria.min_account_days)

    @property
    def percent(self) -> int:
        """Progress towards promotion: the criterion furthest from being met (all must be)."""
        return min(self.reputation_percent, self.accepted_percent, self.account_days_percent)

    @property
    def met(self) -> bool:
        c = self.criteria
        return (self.reputation >= c.min_reputation and self.accepted >= c.min_accepted
                and self.account_days >= c.min_account_days)


def criteria() -> Criteria:
    config = current_app.config
    return Criteria(int(config.get("SUPERUSER_MIN_REPUTATION", 500)), int(config.get("SUPERUSER_MIN_ACCEPTED", 10)),
                    int(config.get("SUPERUSER_MIN_ACCOUNT_DAYS", 0)))


def progress(user: User) -> Progress:
    days = (utcnow() - user.created_at).days if user.created_at else 0
    return Progress(user, user.reputation or 0, accepted_count(user), days, criteria())


def maybe_promote(user: User) -> bool:
    """Promote a customer who meets the criteria, unless an admin revoked their status. Returns True if promoted."""
    if user is None or user.role != "customer" or user.superuser_revoked or not user.active:
        return False
    if not progress(user).met:
        return False
    user.role = "superuser"
    db.session.add(AuditLog(actor_id=None, action="user.promoted", target_type="user", target_id=user.id,
                            details={"from": "customer", "to": "superuser", "automatic": True}))
    db.session.flush()
    signals.user_promoted.send(user, user=user)
    check_user(user)
    return True


def grant(admin: User, user: User, reason: str | None = None) -> None:
    if not admin.is_admin:
        raise PermissionDenied("Nur Administratoren können den Superuser-Status vergeben.")
    if user.role != "customer" and user.role != "superuser":
        raise DomainError("Nur Kundenkonten können Superuser werden.", code="bad_role")
    set_role(admin, user, "superuser", reason)
    db.session.flush()
    check_user(user)


def revoke(admin: User, user: User, reason: str | None = None) -> None:
    if not admin.is_admin:
        raise PermissionDenied("Nur Administratoren können den Superuser-Status entziehen.")
    if user.role != "superuser":
        raise DomainError("Dieses Konto ist kein Superuser.", code="not_superuser")
    set_role(admin, user, "customer", reason)
    db.session.flush()


def candidates(limit: int = 50) -> list[Progress]:
    """Customers and superusers with some reputation, closest to the criteria first."""
    users = db.session.execute(db.select(User).where(User.role.in_(("customer", "superuser")), User.active.is_(True))
                               .order_by(User.reputation.desc(), User.id).limit(limit)).scalars().all()
    return [progress(user) for user in users]
