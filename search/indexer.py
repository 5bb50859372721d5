"""Keeps the index in step with the database: after_flush collects the (type, id) keys of new, changed and
deleted records of registered models (and of related records, e.g. an Answer re-indexes its Question);
after_commit applies them; after_rollback drops them. The database is the truth; the index is derived."""
from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import chain

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.orm import Session

from core import page_cache
from search import documents

log = logging.getLogger(__name__)
_KEY = "search_changes"
_installed = False


def _after_flush(session, _flush_context):
    changes = session.info.setdefault(_KEY, set())
    new = session.new
    for obj in chain(new, session.dirty, session.deleted):
        try:
            changes.update(documents.keys_for(obj, new=obj in new))
        except Exception:  # never let indexing bookkeeping break a write
            log.exception("search: could not collect keys for %r", obj)


def _after_commit(session):
    keys = session.info.pop(_KEY, None)
    if not keys or not has_app_context():
        return
    app = current_app._get_current_object()
    if not app.config.get("SEARCH_INDEX_ON_COMMIT", True) or "search" not in app.extensions:
        return
    index_keys(app, sorted(keys))


def _after_rollback(session):
    session.info.pop(_KEY, None)


def index_keys(app, keys: list[str]) -> bool:
    """Apply ``keys`` to the index now (reading the database inside the index lock). Never raises."""
    from core.extensions import db

    backend = app.extensions["search"].backend

    def load(retry: list[str]):
        with Session(db.engine) as session:
            return documents.load_keys(session, list(keys) + list(retry))

    try:
        return backend.apply(load, keys)
    except Exception:
        log.exception("search: indexing failed")
        return False
    finally:
        # The commit already emptied the page cache, but a search answered between that commit and this index
        # write may have been cached with the old results: empty it again now that the index has the change.
        page_cache.invalidate(app)


def reindex(app, procs: int = 1, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database into a new generation, swap it in, then apply the changes that
    were saved while it ran (writers queue them instead of waiting for the rebuild)."""
    from core.extensions import db

    backend = app.extensions["search"].backend
    with Session(db.engine) as session:
        count = backend.rebuild(documents.iter_all(session), documents.vocabulary(session), progress=progress,
                                procs=procs)
    index_keys(app, [])
    return count


def install() -> None:
    global _installed
    if _installed:
        return
    event.listen(FlaskSession, "after_flush", _after_flush)
    event.listen(FlaskSession, "after_commit", _after_commit)
    event.listen(FlaskSession, "after_rollback", _after_rollback)
    _installed = True
