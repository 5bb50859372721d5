"""Runs backend-neutral search tests on both backends: Whoosh always, PostgreSQL full text in the PostgreSQL pass.

A module or test opts in with ``@both`` (or ``pytestmark = both``); the autouse ``search_backend`` fixture then
sets SEARCH_BACKEND before the app is created. The PostgreSQL backend needs the app's database to be PostgreSQL,
so it runs when TEST_DATABASE_URL is set (`make test-postgres`, CI) and is skipped, saying so, in the SQLite pass
(`make test-sqlite` unsets TEST_DATABASE_URL): each backend-neutral test runs once per backend, never twice.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from core.extensions import db

BACKENDS = ("whoosh", "postgres")
both = pytest.mark.parametrize("search_backend", BACKENDS, indirect=True)
postgres_only = pytest.mark.parametrize("search_backend", ["postgres"], indirect=True)


@pytest.fixture(autouse=True)
def search_backend(request, postgres_url, monkeypatch):
    name = getattr(request, "param", None)
    if name is None:  # a test that did not opt in: the configured default
        return None
    if name == "postgres" and postgres_url is None:
        pytest.skip("PostgreSQL search backend: needs TEST_DATABASE_URL (runs in the PostgreSQL pass)")
    monkeypatch.setenv("SEARCH_BACKEND", name)
    return name


@contextmanager
def broken_index(app):
    """Makes the index unreadable for the duration: Whoosh files overwritten, or the PostgreSQL table renamed
    away (renamed back afterwards, since the test database outlives the test)."""
    backend = app.extensions["search"].backend
    if app.config["SEARCH_BACKEND"] == "postgres":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE search_documents RENAME TO search_documents_broken")
        try:
            yield
        finally:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ALTER TABLE search_documents_broken RENAME TO search_documents")
        return
    backend.ensure()
    for f in backend.current_dir().iterdir():
        f.write_bytes(b"kaputt")
    backend._ix = None
    backend._searcher = None
    yield
