"""GET /healthz for load balancers and monitoring: the database and the component checks features register.

A failing critical check (the database) answers 503, so the load balancer takes the node out. A failing
non-critical one (the search index) answers 200 with "status": "degraded": every node shares that component, and
pulling them all would turn a search outage into a full one. `?strict=1` answers 503 on any failure (monitoring).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, jsonify, request
from sqlalchemy import text

from core.extensions import db

bp = Blueprint("health", __name__)
HealthCheck = Callable[[], tuple[bool, str]]


@dataclass(frozen=True)
class _Registered:
    check: HealthCheck
    critical: bool


def register_health_check(app: Flask, name: str, check: HealthCheck, critical: bool = True) -> None:
    """`check()` returns (ok, detail); an exception counts as a failure named by its type."""
    app.extensions.setdefault("helpcenter_health", {})[name] = _Registered(check, critical)


def _database() -> tuple[bool, str]:
    try:
        db.session.execute(text("SELECT 1"))
        return True, db.engine.dialect.name
    except Exception as error:  # any driver error means "down"; the message says which
        db.session.rollback()
        return False, type(error).__name__


def run_checks(app: Flask) -> dict[str, dict]:
    results = {"database": {"ok": False, "detail": "", "critical": True}}
    ok, detail = _database()
    results["database"].update(ok=ok, detail=detail)
    for name, registered in app.extensions.get("helpcenter_health", {}).items():
        try:
            ok, detail = registered.check()
        except Exception as error:
            ok, detail = False, type(error).__name__
        results[name] = {"ok": bool(ok), "detail": detail, "critical": registered.critical}
    return results


@bp.route("/healthz")
def healthz():
    checks = run_checks(current_app)
    failed = [result for result in checks.values() if not result["ok"]]
    critical_failed = any(result["critical"] for result in failed)
    strict = request.args.get("strict", "") not in ("", "0", "false")
    if critical_failed:
        status = "down"
    elif failed:
        status = "degraded"
    else:
        status = "ok"
    response = jsonify({"status": status, "checks": checks})
    response.status_code = 503 if critical_failed or (failed and strict) else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
