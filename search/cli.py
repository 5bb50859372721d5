"""`flask search reindex` and `flask search check`."""
from __future__ import annotations

import os
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from core import jobs
from core.extensions import db
from search import documents, indexer
from search.backend import SearchUnavailable

search_cli = AppGroup("search", help="Suchindex verwalten.")


def _fail(message: str) -> None:
    click.echo(f"Fehler: {message}", err=True)
    sys.exit(1)


@search_cli.command("reindex")
@click.option("--procs", type=int, default=min(2, os.cpu_count() or 1), show_default=True,
              help="Writer processes (uses several cores).")
@click.option("--background", is_flag=True, help="As a background job (RQ worker with REDIS_URL, else right now).")
def reindex(procs: int, background: bool) -> None:
    """Build a fresh index in a new directory and swap it in atomically."""
    if procs < 1:
        _fail("--procs muss mindestens 1 sein.")
    app = current_app._get_current_object()
    if background:
        try:
            job_id = jobs.enqueue("search.jobs:reindex", procs=procs)
        except Exception as exc:  # Redis down, for one: one line, never a traceback
            _fail(f"Hintergrund-Job nicht eingereiht: {exc}")
        if job_id is None:
            click.echo("Kein REDIS_URL: Neuaufbau direkt ausgeführt; neuer Index ist aktiv.")
        else:
            click.echo(f"Neuaufbau als Hintergrund-Job eingereiht: {job_id}")
        return
    started = time.perf_counter()
    try:
        with Session(db.engine) as session:
            total = documents.count_all(session)
        click.echo(f"Indexiere {total} Dokumente …")
        count = indexer.reindex(app, procs=procs, progress=lambda n: click.echo(f"  {n}/{total}"))
    except Exception as exc:  # one line, never a traceback
        _fail(f"Neuaufbau fehlgeschlagen: {exc}")
    elapsed = time.perf_counter() - started
    click.echo(f"Fertig: {count} Dokumente in {elapsed:.1f} s; neuer Index ist aktiv.")


@search_cli.command("check")
@click.option("--fix", is_flag=True, help="Fehlende und veraltete Dokumente gleich neu indexieren.")
def check(fix: bool) -> None:
    """Report documents missing from or stale in the index (and pending retries)."""
    backend = current_app.extensions["search"].backend
    try:
        indexed = backend.versions()
    except SearchUnavailable as exc:
        _fail(f"Suchindex nicht lesbar: {exc}")
    with Session(db.engine) as session:
        expected = {doc.key: doc.version for doc in documents.iter_all(session)}
    missing = sorted(set(expected) - set(indexed))
    extra = sorted(set(indexed) - set(expected))
    stale = sorted(k for k in expected.keys() & indexed.keys() if expected[k] != indexed[k])
    pending = backend.pending()
    write_problem = getattr(backend, "write_problem", lambda: None)()
    click.echo(f"Im Index: {len(indexed)}, erwartet: {len(expected)}")
    if write_problem:
        click.echo(f"  Index nicht schreibbar: {write_problem}")
    for label, keys in (("fehlt", missing), ("veraltet", stale), ("überzählig", extra), ("wartet", pending)):
        for key in keys[:50]:
            click.echo(f"  {label}: {key}")
    click.echo(f"Fehlend: {len(missing)}, veraltet: {len(stale)}, überzählig: {len(extra)}, "
               f"in Warteschlange: {len(pending)}")
    problems = missing + stale + extra
    if fix and (problems or pending):
        ok = indexer.index_keys(current_app._get_current_object(), problems)
        click.echo("Korrigiert." if ok else "Index belegt; Änderungen stehen in der Warteschlange.")
        return
    if problems or write_problem:
        sys.exit(1)
