"""One log line per request with method, path, status and duration (LOG_FORMAT: text, json or off)."""
from __future__ import annotations

import json
import logging
import time

from flask import Flask, g, request

log = logging.getLogger("helpcenter.request")


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    log.disabled = bool(app.config.get("TESTING")) or app.config.get("LOG_FORMAT") == "off"

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("request_started", None)
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        fields = {"method": request.method, "path": request.path, "status": response.status_code,
                  "duration_ms": duration_ms}
        if app.config.get("LOG_FORMAT") == "json":
            log.info(json.dumps(fields))
        else:
            log.info("%(method)s %(path)s %(status)s %(duration_ms)sms", fields)
        return response
