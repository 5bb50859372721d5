"""A task for the job tests that fails on its first attempt and succeeds on the next (importable by RQ)."""
from pathlib import Path

from core.extensions import db
from core.models import AuditLog


def fail_first_attempt(marker: str, action: str) -> None:
    path = Path(marker)
    if not path.exists():
        path.write_text("failed once")
        raise RuntimeError("first attempt fails on purpose")
    db.session.add(AuditLog(action=action, target_type="test"))
