"""Per-process tallies written to the database in batches: what a page served from the cache still has to count
(a question's views, a search for the analytics), without a database write per visitor.

A package registers a writer for a tally name (``register(app, "question_views", write_views)``); code then calls
``add(app, name, key)``, which is a dictionary update under a lock and needs no app context (the page cache's WSGI
edge calls it before Flask builds a request). A daemon thread per process writes the tallies every
TALLY_FLUSH_SECONDS (default 5) in one transaction per name; ``flush(app)`` does it at once (shutdown). A worker
killed between two flushes loses at most that many seconds of counts, never a post. With TALLY_FLUSH_SECONDS=0
(the default in tests) every count is written at once.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable

from flask import Flask, current_app, has_app_context

from core.extensions import db

log = logging.getLogger(__name__)
DEFAULT_FLUSH_SECONDS = 5.0


class Tallies:
    def __init__(self, app: Flask):
        self.app = app
        self.writers: dict[str, Callable[[Counter], None]] = {}
        self._counts: dict[str, Counter] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, name: str, key: Hashable, n: int = 1) -> None:
        if not self.interval():  # TALLY_FLUSH_SECONDS=0 (tests): written at once, as a plain write would be
            self._write(name, Counter({key: n}))
            return
        with self._lock:
            self._counts.setdefault(name, Counter())[key] += n
            if self._thread is None or not self._thread.is_alive():  # started lazily: after gunicorn forks
                self._thread = threading.Thread(target=self._run, name="tally-flush", daemon=True)
                self._thread.start()

    def pending(self, name: str) -> Counter:
        with self._lock:
            return Counter(self._counts.get(name, ()))

    def interval(self) -> float:
        configured = self.app.config.get("TALLY_FLUSH_SECONDS")
        if configured is None:  # unset: batched, except in tests (they read what a request counted right after it)
            return 0.0 if self.app.testing else DEFAULT_FLUSH_SECONDS
        return float(configured)

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, {}
        for name, counter in counts.items():
            if counter:
                self._write(name, counter)

    def _write(self, name: str, counter: Counter) -> None:
        if has_app_context() and current_app._get_current_object() is self.app:
            self._write_in_session(name, counter)  # the request's own session, as a plain write would use
            return
        with self.app.app_context():
            try:
                self._write_in_session(name, counter)
            finally:
                db.session.remove()

    def _write_in_session(self, name: str, counter: Counter) -> None:
        try:
            self.writers[name](counter)
            db.session.commit()
        except Exception:  # counts are not worth a crash; the log says what was lost
            db.session.rollback()
            log.exception("tally %s: %d counts could not be written", name, sum(counter.values()))

    def _run(self) -> None:
        while True:
            time.sleep(self.interval() or DEFAULT_FLUSH_SECONDS)
            self.flush()


def _tallies(app: Flask) -> Tallies:
    tallies = app.extensions.get("tallies")
    if tallies is None:
        tallies = app.extensions["tallies"] = Tallies(app)
        if not app.testing:  # a worker that exits normally (restart, shutdown) keeps its last counts
            atexit.register(tallies.flush)
    return tallies


def register(app: Flask, name: str, writer: Callable[[Counter], None]) -> None:
    """``writer(counter)`` adds the counts to the database session (the tally commits)."""
    _tallies(app).writers[name] = writer


def add(app: Flask, name: str, key: Hashable, n: int = 1) -> None:
    _tallies(app).add(name, key, n)


def pending(app: Flask, name: str) -> Counter:
    return _tallies(app).pending(name)


def flush(app: Flask) -> None:
    _tallies(app).flush()
