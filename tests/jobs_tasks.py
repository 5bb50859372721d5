"""Tasks used by the job tests (importable by name, as RQ needs)."""
from core.extensions import db
from core.models import AuditLog

CALLS: list = []


def record(action: str) -> None:
    db.session.add(AuditLog(action=action, target_type="test"))


def explode(message: str) -> None:
    raise RuntimeError(message)
