"""One log line per request with method, path, status and duration, and one entry per unhandled error.

LOG_FORMAT: "text", "json" (one JSON object per line, for log shippers) or "off" (no request lines; errors are
still logged). Unset, it is "text", and "off" in tests.
"""
from __future__ import annotations

import json
import logging
import sys
import time
import traceback

from flask import Flask, current_app, g, request

log = logging.getLogger("helpcenter.request")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and pytest both swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def log_format(app: Flask) -> str:
    return app.config.get("LOG_FORMAT") or ("off" if app.config.get("TESTING") else "text")


def log_unhandled(error: BaseException) -> None:
    """The one log entry for an error that became a 500 (JSON: the traceback stays inside the one line).
    Logged even with LOG_FORMAT=off, which silences the request lines only."""
    if log_format(current_app) == "json":
        log.error(json.dumps({"event": "unhandled_error", "method": request.method, "path": request.path,
                              "error": f"{type(error).__name__}: {error}",
                              "traceback": "".join(traceback.format_exception(error))}))
    else:
        log.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)


def init_app(app: Flask) -> None:
    # Alembic's env.py runs logging.config.fileConfig, which disables every logger that exists at that moment
    # (`flask db upgrade`, or a migration in the same process); a new app gets its loggers back.
    for logger in (log, logging.getLogger("helpcenter.errors")):
        logger.disabled = False
    if not log.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        log_line(app, request.method, request.path, response.status_code, g.pop("request_started", None))
        return response


def log_line(app: Flask, method: str, path: str, status: int, started: float | None) -> None:
    """The request line (also written for pages the page cache answers before Flask sees the request)."""
    fmt = log_format(app)
    if fmt == "off":
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    if fmt == "json":
        log.info(json.dumps(fields))
    else:
        log.info("%(method)s %(path)s %(status)s %(duration_ms)sms", fields)
