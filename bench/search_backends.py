"""Both search backends on the same evaluation set: the demo content is loaded once into a scratch PostgreSQL
database; Whoosh (index directory) and PostgreSQL full text (tables in that database) each index it and answer
the queries of tests/search_eval/queries.yaml.

Reports per backend: success@3 and MRR, search latency p50/p95 through GET /api/v1/search (page of 10,
highlights on, analytics logging on) and at the backend, and suggest p95 through GET /api/v1/search/suggest.
With --synthetic N, also backend latency over N synthetic documents (bench/corpus.py), for the scale picture.

    .venv/bin/python -m bench.search_backends --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import pct  # noqa: E402
from core.extensions import db  # noqa: E402
from search.backend import Query  # noqa: E402
from search.synonyms import DEFAULT_SYNONYMS  # noqa: E402
from tests.search_eval import loader  # noqa: E402
from tests.search_eval.run import (HOLDOUT, build_index, evaluate, load_queries, make_app,  # noqa: E402
                                   scratch_postgres)

BACKENDS = ("whoosh", "postgres")


def prefixes(queries: list[str]) -> list[str]:
    """What someone has typed so far: every query cut after 3, 6 and 10 characters."""
    return sorted({q[:n] for q in queries for n in (3, 6, 10) if len(q) > n})


def timed(fn, items, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for item in items:
            started = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - started)
    return times


def measure(app, queries: list[str], rounds: int) -> dict:
    result = evaluate(app)["table"]["all"]
    held = evaluate(app, load_queries(HOLDOUT))["table"]["all"]
    client = app.test_client()
    backend = app.extensions["search"].backend

    def api(q):
        assert client.get("/api/v1/search", query_string={"q": q}).status_code == 200

    def suggest(q):
        assert client.get("/api/v1/search/suggest", query_string={"q": q}).status_code == 200

    def direct(q):
        backend.search(Query(text=q, synonyms=DEFAULT_SYNONYMS, highlight=True))

    timed(api, queries, 1)  # warm-up: searchers opened, caches and connection pool filled
    timed(suggest, prefixes(queries), 1)
    api_times = timed(api, queries, rounds)
    backend_times = timed(direct, queries, rounds)
    suggest_times = timed(suggest, prefixes(queries), rounds)
    return {"success": result[0], "mrr": result[1], "n": result[2], "held_success": held[0], "held_mrr": held[1],
            "held_n": held[2],
            "api_p50": pct(api_times, 50), "api_p95": pct(api_times, 95),
            "backend_p50": pct(backend_times, 50), "backend_p95": pct(backend_times, 95),
            "suggest_p95": pct(suggest_times, 95)}


def synthetic(app, n: int, rounds: int) -> dict:
    """Backend latency over n synthetic documents (replaces that backend's index of the demo content)."""
    from bench import corpus
    backend = app.extensions["search"].backend
    vocab = (f"{d.title} {' '.join(d.tags)}" for d in corpus.documents(min(n, 5000)))
    started = time.perf_counter()
    count = backend.rebuild(corpus.documents(n), vocab)
    seconds = time.perf_counter() - started
    queries = corpus.queries(200)
    for q in queries[:20]:
        backend.search(Query(text=q, synonyms=DEFAULT_SYNONYMS))
    times = timed(lambda q: backend.search(Query(text=q, synonyms=DEFAULT_SYNONYMS, highlight=True)), queries, rounds)
    sugg = timed(lambda q: backend.suggest(q[:max(2, len(q) - 3)]), queries, rounds)
    return {"docs": count, "docs_per_s": count / seconds, "p50": pct(times, 50), "p95": pct(times, 95),
            "suggest_p95": pct(sugg, 95)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="PostgreSQL server (a scratch database is created there and dropped afterwards)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is timed")
    parser.add_argument("--synthetic", type=int, default=0, help="also time N synthetic documents per backend")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("needs --database-url postgresql://… (or TEST_DATABASE_URL)")
    queries = [item["q"] for item in load_queries()]
    work = Path(tempfile.mkdtemp(prefix="bench-backends-"))
    rows, scale = {}, {}
    try:
        with scratch_postgres(args.database_url) as url:
            apps = {name: make_app(work / name, name, url) for name in BACKENDS}  # one database, two apps
            with apps["whoosh"].app_context():
                db.create_all()
                loader.load()  # once: both backends index the very same rows
            for name in BACKENDS:
                app = apps[name]
                with app.app_context():
                    started = time.perf_counter()
                    build_index(app)
                    index_s = time.perf_counter() - started
                    rows[name] = {**measure(app, queries, args.rounds), "index_s": index_s}
                    if args.synthetic:
                        scale[name] = synthetic(app, args.synthetic, max(1, args.rounds // 2))
                    db.session.remove()
                    db.engine.dispose()
                print(f"{name}: {rows[name]}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = rows["whoosh"]["n"]
    print(f"\nDemo content, {n} evaluation queries (tuned on) and {rows['whoosh']['held_n']} held-out queries (never "
          f"tuned on), {args.rounds} timed rounds; milliseconds.\n")
    print("| backend | success@3 | MRR | held-out success@3 | held-out MRR | search API p50/p95 | backend p50/p95 | "
          "suggest API p95 | index build s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['success']:.2f} | {r['mrr']:.2f} | {r['held_success']:.2f} | {r['held_mrr']:.2f} | "
              f"{r['api_p50']:.1f}/{r['api_p95']:.1f} | "
              f"{r['backend_p50']:.1f}/{r['backend_p95']:.1f} | {r['suggest_p95']:.1f} | {r['index_s']:.1f} |")
    if scale:
        print(f"\nSynthetic corpus ({args.synthetic} documents), backend only; milliseconds.\n")
        print("| backend | search p50/p95 | suggest p95 | reindex docs/s |\n|---|---|---|---|")
        for name, r in scale.items():
            print(f"| {name} | {r['p50']:.1f}/{r['p95']:.1f} | {r['suggest_p95']:.1f} | {r['docs_per_s']:.0f} |")


if __name__ == "__main__":
    main()
