"""GET /healthz: database and registered component checks (the search index registers one); 503 when any fails."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from core.extensions import db

bp = Blueprint("health", __name__)
HealthCheck = Callable[[], tuple[bool, str]]


def register_health_check(app: Flask, name: str, check: HealthCheck) -> None:
    app.extensions.setdefault("helpcenter_health", {})[name] = check


def _database() -> tuple[bool, str]:
    try:
        db.session.execute(text("SELECT 1"))
        return True, db.engine.dialect.name
    except Exception as error:  # any driver error means "down"; the message says which
        db.session.rollback()
        return False, type(error).__name__


@bp.route("/healthz")
def healthz():
    checks = {"database": _database()}
    for name, check in current_app.extensions.get("helpcenter_health", {}).items():
        try:
            checks[name] = check()
        except Exception as error:
            checks[name] = (False, type(error).__name__)
    healthy = all(ok for ok, _ in checks.values())
    body = {"status": "ok" if healthy else "degraded",
            "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}}
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
