"""A short-lived cache of public pages for anonymous visitors, per worker: when an outage sends thousands of
customers to the same article at once, each worker renders it once per PAGE_CACHE_SECONDS instead of per visit.

Only GET requests to endpoints listed in PAGE_CACHE_ENDPOINTS (or marked with `cacheable`), only for visitors whose
request carries nothing personal: no login, no Authorization header, no cookie but the session, and a session
holding nothing but a CSRF token or the chosen language. Only 200 HTML answers that set no cookie of their own
are kept. The CSRF token is the one per-visitor part of such a page: it is cut out when storing and a fresh one
for this visitor is put in when serving. Logged-in users (editors) always get a fresh page; anonymous visitors
see a change after at most PAGE_CACHE_SECONDS (0 turns the cache off).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request, session

# Session keys that don't make a page personal: the CSRF secret (handled below), the chosen language, and the
# freshness mark Flask-Login leaves in any non-empty session (meaningless without a user id).
ANONYMOUS_SESSION_KEYS = {"csrf_token", "lang", "_fresh"}
DEFAULT_SECONDS = 10
_MARK = "page_cache_endpoints"


@dataclass
class _Entry:
    parts: list[bytes]  # the encoded page, split where the visitor's CSRF token goes
    mimetype: str
    expires: float


class PageCache:
    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires < time.monotonic():
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cacheable(view):
    """Mark a view as a public page that may be served from the cache to anonymous visitors."""
    view.page_cacheable = True
    return view


def _is_cacheable_endpoint(app: Flask) -> bool:
    endpoint = request.endpoint
    if endpoint is None:
        return False
    if endpoint in app.config.get("PAGE_CACHE_ENDPOINTS", ()):
        return True
    return bool(getattr(app.view_functions.get(endpoint), "page_cacheable", False))


def _anonymous_request(app: Flask) -> bool:
    if request.method != "GET" or request.authorization is not None:
        return False
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    if any(name != cookie_name for name in request.cookies):
        return False  # remember-me, a visitor id for "was this helpful?", anything that may change the page
    return set(session.keys()) <= ANONYMOUS_SESSION_KEYS


def _key() -> tuple:
    # Raw WSGI values: request.full_path and Babel's Locale objects cost more than the rest of a hit.
    from core.i18n import select_locale
    environ = request.environ
    return (environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""), select_locale())


def _serve_cached():
    app = current_app
    if not app.config.get("PAGE_CACHE_SECONDS") or not _is_cacheable_endpoint(app) or not _anonymous_request(app):
        return None
    g.page_cache_key = _key()
    entry = app.extensions["page_cache"].get(g.page_cache_key)
    if entry is None:
        return None
    if len(entry.parts) > 1:
        from flask_wtf.csrf import generate_csrf
        body = generate_csrf().encode().join(entry.parts)
    else:
        body = entry.parts[0]
    response = Response(body, mimetype=entry.mimetype)
    response.headers["X-Page-Cache"] = "hit"
    return response


def _store(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.headers.get("X-Page-Cache") == "hit":
        return response
    cache_control = response.cache_control
    if (response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed
            or "Set-Cookie" in response.headers or cache_control.private or cache_control.no_store
            or not set(session.keys()) <= ANONYMOUS_SESSION_KEYS):
        return response
    body = response.get_data()
    token = g.get("csrf_token")
    parts = body.split(token.encode()) if token else [body]
    app = current_app
    app.extensions["page_cache"].put(key, _Entry(parts, response.mimetype,
                                                 time.monotonic() + app.config["PAGE_CACHE_SECONDS"]))
    response.headers["X-Page-Cache"] = "miss"
    return response


def init_app(app: Flask) -> None:
    if app.config.get("PAGE_CACHE_SECONDS") is None:  # unset: on, except in tests (they change data between visits)
        app.config["PAGE_CACHE_SECONDS"] = 0 if app.testing else DEFAULT_SECONDS
    app.extensions["page_cache"] = PageCache(app.config.get("PAGE_CACHE_MAX_ENTRIES", 500))
    app.before_request(_serve_cached)
    app.after_request(_store)
