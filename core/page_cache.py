"""A short-lived cache of public pages for anonymous visitors, per worker: when an outage sends thousands of
customers to the same article at once, each worker renders it once per PAGE_CACHE_SECONDS instead of per visit.

Only GET requests to endpoints listed in PAGE_CACHE_ENDPOINTS (or marked with `cacheable`), only for visitors whose
request carries nothing personal: no login, no Authorization header, no cookie but the session, and a session
holding nothing but a CSRF token or the chosen language. Only 200 HTML answers that set no cookie of their own
are kept. The CSRF token is the one per-visitor part of such a page: it is cut out when storing and a fresh one
for this visitor is put in when serving. Logged-in users (editors) always get a fresh page. A commit that changes
public content (any model not marked ``page_cache_neutral``: a hidden post, an unpublished article, a new
answer, the status banner) touches a stamp file all workers check, so anonymous visitors see it at the next
request too; otherwise an entry lives PAGE_CACHE_SECONDS (0 turns the cache off). PAGE_CACHE_STAMP puts the
stamp on storage that several servers share.

Two doors lead to the same entries: a WSGI wrapper answers first-time visitors (no cookie at all, the crowd after
an outage) before Flask builds a request, with the response headers the app sent when the page was stored; a
before_request hook answers visitors who already hold an anonymous session.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from itsdangerous import URLSafeTimedSerializer
from werkzeug.http import dump_cookie

from core.i18n import locale_without_session, select_locale
from core.logging_setup import log_line

# Session keys that don't make a page personal: the CSRF secret (handled below), the chosen language, and the
# freshness mark Flask-Login leaves in any non-empty session (meaningless without a user id).
ANONYMOUS_SESSION_KEYS = {"csrf_token", "lang", "_fresh"}
DEFAULT_SECONDS = 10
CACHED_TYPES = {"text/html", "application/json"}
_STORED = "helpcenter.page_cache.stored"  # environ key: the entry a request just stored, for the WSGI wrapper
# Headers of the stored response the wrapper doesn't replay: per-visitor or recomputed.
_NOT_REPLAYED = {"set-cookie", "content-length", "x-page-cache", "date"}
_CHANGED = "helpcenter.page_cache.changed"  # session.info: this transaction wrote public content
_listening = False


@dataclass
class _Entry:
    parts: list[bytes]  # the encoded page, split where the visitor's CSRF token goes
    mimetype: str
    expires: float
    headers: list[tuple[str, str]] | None = None  # the app's final headers, once a cookie-less request stored it
    hits: tuple = ()  # what the view does again for every visitor served from the cache (see on_hit)

    def served(self) -> None:
        for fn in self.hits:
            try:
                fn()
            except Exception:  # counting must never cost a visitor the page
                logging.getLogger(__name__).exception("page cache: on_hit callback failed")


class PageCache:
    """One worker's entries. A stamp file shared by all workers (its modification time) says when public content
    last changed: a worker that sees a newer stamp drops everything it holds, and a page rendered before the
    change is not stored after it."""

    def __init__(self, max_entries: int, stamp: Path):
        self.max_entries = max_entries
        self.stamp = stamp
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = self._read_stamp()

    def _read_stamp(self) -> int:
        try:
            return os.stat(self.stamp).st_mtime_ns
        except OSError:
            return 0

    def generation(self) -> int:
        """The current content generation (one stat call), after dropping entries of an older one."""
        current = self._read_stamp()
        if current != self._generation:
            with self._lock:
                self._entries.clear()
                self._generation = current
        return current

    def get(self, key: tuple) -> _Entry | None:
        self.generation()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires < time.monotonic():
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: _Entry, generation: int) -> None:
        """Store ``entry``, rendered from the content of ``generation``, unless the content changed since."""
        if self.generation() != generation:
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def invalidate(app: Flask) -> None:
    """Public content changed: every worker drops its cached pages before serving the next one."""
    cache = app.extensions.get("page_cache")
    if cache is None or not app.config.get("PAGE_CACHE_SECONDS"):
        return
    try:
        cache.stamp.parent.mkdir(parents=True, exist_ok=True)
        cache.stamp.touch()
        # an explicit, always newer time: two changes within the file system's clock tick still differ
        stamp = max(time.time_ns(), os.stat(cache.stamp).st_mtime_ns + 1)
        os.utime(cache.stamp, ns=(stamp, stamp))
    except OSError:
        logging.getLogger(__name__).exception("page cache: could not mark a change; pages may be stale for up to "
                                              "%s s", app.config.get("PAGE_CACHE_SECONDS"))


def _after_flush(session, _flush_context) -> None:
    if not session.info.get(_CHANGED):
        session.info[_CHANGED] = any(not getattr(obj, "page_cache_neutral", False)
                                     for obj in (*session.new, *session.dirty, *session.deleted))


def _after_commit(session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        invalidate(current_app._get_current_object())


def _after_rollback(session) -> None:
    session.info.pop(_CHANGED, None)


def cacheable(view):
    """Mark a view as a public page (HTML or JSON) that may be served from the cache to anonymous visitors."""
    view.page_cacheable = True
    return view


def on_hit(fn) -> None:
    """Called by a cacheable view while it renders: ``fn()`` runs again for every visitor this page is then served
    to from the cache, so what the view counts (a view, a search for the analytics) is still counted. It must be
    cheap and need no app or request context: add to a core.tally, nothing more."""
    g.setdefault("page_cache_hits", []).append(fn)


def _key(environ: dict, locale: str) -> tuple:
    # Raw WSGI values: request.full_path and Babel's Locale objects cost more than the rest of a hit.
    return (environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""), locale)


# --- inside Flask: visitors with an anonymous session, and storing ----------------------------------------------

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


def _serve_cached():
    app = current_app
    if not app.config.get("PAGE_CACHE_SECONDS") or not _is_cacheable_endpoint(app) or not _anonymous_request(app):
        return None
    g.page_cache_key = _key(request.environ, select_locale())
    cache = app.extensions["page_cache"]
    g.page_cache_generation = cache.generation()  # before the view reads the database
    entry = cache.get(g.page_cache_key)
    if entry is None:
        return None
    if len(entry.parts) > 1:
        from flask_wtf.csrf import generate_csrf
        body = generate_csrf().encode().join(entry.parts)
    else:
        body = entry.parts[0]
    response = Response(body, mimetype=entry.mimetype)
    response.headers["X-Page-Cache"] = "hit"
    entry.served()
    return response


def _store(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.headers.get("X-Page-Cache") == "hit":
        return response
    cache_control = response.cache_control
    if (response.status_code != 200 or response.mimetype not in CACHED_TYPES or response.is_streamed
            or "Set-Cookie" in response.headers or cache_control.private or cache_control.no_store
            or not set(session.keys()) <= ANONYMOUS_SESSION_KEYS):
        return response
    body = response.get_data()
    token = g.get("csrf_token")
    parts = body.split(token.encode()) if token else [body]
    app = current_app
    entry = _Entry(parts, response.mimetype, time.monotonic() + app.config["PAGE_CACHE_SECONDS"],
                   hits=tuple(g.pop("page_cache_hits", ())))
    app.extensions["page_cache"].put(key, entry, g.get("page_cache_generation", 0))
    request.environ[_STORED] = entry
    response.headers["X-Page-Cache"] = "miss"
    return response


# --- in front of Flask: first-time visitors ----------------------------------------------------------------------

class _Edge:
    """WSGI wrapper: a cookie-less GET whose page is cached is answered without building a Flask request."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self._csrf_signer: tuple = (None, None)

    def __call__(self, environ, start_response):
        app = self.app
        if (environ.get("REQUEST_METHOD") != "GET" or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ
                or not app.config.get("PAGE_CACHE_SECONDS")):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        key = _key(environ, locale_without_session(app, environ.get("HTTP_ACCEPT_LANGUAGE")))
        entry = app.extensions["page_cache"].get(key)
        if entry is None or entry.headers is None:
            return self._pass_and_learn_headers(environ, start_response)
        headers = list(entry.headers)
        if len(entry.parts) > 1:
            token, cookie = self._new_csrf_session()
            body = token.encode().join(entry.parts)
            headers.append(("Set-Cookie", cookie))
        else:
            body = entry.parts[0]
        headers += [("Content-Length", str(len(body))), ("X-Page-Cache", "hit")]
        start_response("200 OK", headers)
        entry.served()
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        log_line(app, "GET", path, 200, started)
        return [body]

    def _pass_and_learn_headers(self, environ, start_response):
        def remember_headers(status, headers, exc_info=None):
            entry = environ.get(_STORED)
            if entry is not None and status.startswith("200"):
                entry.headers = [(name, value) for name, value in headers if name.lower() not in _NOT_REPLAYED]
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, remember_headers)

    def _new_csrf_session(self) -> tuple[str, str]:
        """A new visitor's CSRF token and its session cookie, as Flask-WTF's generate_csrf and Flask's session
        would make them (tests/http/core/test_page_cache.py submits a form with such a token)."""
        app = self.app
        secret = app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
        field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        cached_secret, signer = self._csrf_signer
        if cached_secret != secret:
            signer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
            self._csrf_signer = (secret, signer)
        raw = hashlib.sha1(os.urandom(64)).hexdigest()
        interface = app.session_interface
        value = interface.get_signing_serializer(app).dumps({field: raw})
        cookie = dump_cookie(interface.get_cookie_name(app), value, domain=interface.get_cookie_domain(app),
                             path=interface.get_cookie_path(app), secure=interface.get_cookie_secure(app),
                             httponly=interface.get_cookie_httponly(app),
                             samesite=interface.get_cookie_samesite(app),
                             partitioned=interface.get_cookie_partitioned(app))
        return signer.dumps(raw), cookie


def init_app(app: Flask) -> None:
    if app.config.get("PAGE_CACHE_SECONDS") is None:  # unset: on, except in tests (they change data between visits)
        app.config["PAGE_CACHE_SECONDS"] = 0 if app.testing else DEFAULT_SECONDS
    stamp = Path(app.config.get("PAGE_CACHE_STAMP") or Path(app.instance_path) / "page_cache.stamp")
    app.extensions["page_cache"] = PageCache(app.config.get("PAGE_CACHE_MAX_ENTRIES", 500), stamp)
    global _listening
    if not _listening:
        event.listen(FlaskSession, "after_flush", _after_flush)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", lambda session, _previous: _after_rollback(session))
        _listening = True
    app.before_request(_serve_cached)
    app.after_request(_store)
    app.wsgi_app = _Edge(app, app.wsgi_app)
