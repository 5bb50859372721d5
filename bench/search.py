"""Search benchmark: synthetic corpus at 10k and 100k documents (or --sizes), measured on this machine.

Reports search p50/p95 through the JSON API (limit 10, highlights on) and at the backend, suggest p95, full
reindex documents per second (two writer processes), index size, peak memory, and SQLite FTS5 over the same
corpus as a reference ratio.  Run: .venv/bin/python -m bench.search [--sizes 10000,100000]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from search.backend import Query  # noqa: E402
from search.synonyms import DEFAULT_SYNONYMS  # noqa: E402
from search.whoosh_backend import WhooshBackend  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def bench_whoosh(n: int, work: Path, queries: list[str], procs: int) -> dict:
    backend = WhooshBackend(work / "index")
    vocab = (f"{d.title} {' '.join(d.tags)}" for d in corpus.documents(min(n, 5000)))
    started = time.perf_counter()
    count = backend.rebuild(corpus.documents(n), vocab, procs=procs)
    reindex = time.perf_counter() - started
    size = dir_size(work / "index")
    started = time.perf_counter()
    backend.searcher()
    open_ms = (time.perf_counter() - started) * 1000
    for q in queries[:20]:  # warm-up
        backend.search(Query(text=q, synonyms=DEFAULT_SYNONYMS))
    times = []
    for q in queries:
        t = time.perf_counter()
        backend.search(Query(text=q, per_page=10, synonyms=DEFAULT_SYNONYMS, highlight=True))
        times.append(time.perf_counter() - t)
    sugg = []
    for q in queries:
        prefix = q[: max(2, len(q) - 3)]
        t = time.perf_counter()
        backend.suggest(prefix)
        sugg.append(time.perf_counter() - t)
    api = bench_api(work, queries)
    return {"docs": count, "reindex_s": reindex, "docs_per_s": count / reindex, "size_mb": size / 1e6,
            "open_ms": open_ms, "p50": pct(times, 50), "p95": pct(times, 95), "suggest_p50": pct(sugg, 50),
            "suggest_p95": pct(sugg, 95), **api}


def bench_api(work: Path, queries: list[str]) -> dict:
    """The same queries through GET /api/v1/search (Flask test client; analytics logging on)."""
    os.environ.setdefault("INSTANCE_PATH", str(work / "instance"))
    from core import create_app
    from core.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-not-for-production",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(work / "index"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    for q in queries[:20]:
        client.get("/api/v1/search", query_string={"q": q})
    times, sugg = [], []
    for q in queries:
        t = time.perf_counter()
        r = client.get("/api/v1/search", query_string={"q": q})
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, r.data[:200]
    for q in queries:
        t = time.perf_counter()
        client.get("/api/v1/search/suggest", query_string={"q": q[: max(2, len(q) - 3)]})
        sugg.append(time.perf_counter() - t)
    return {"api_p50": pct(times, 50), "api_p95": pct(times, 95), "api_suggest_p95": pct(sugg, 95)}


def bench_fts5(n: int, work: Path, queries: list[str]) -> dict:
    path = work / "fts.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, tags, body, tokenize='unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    conn.executemany("INSERT INTO docs(title, tags, body) VALUES (?, ?, ?)",
                     ((d.title, " ".join(d.tags), f"{d.summary} {d.body}") for d in corpus.documents(n)))
    conn.commit()
    build = time.perf_counter() - started
    times = []
    for q in queries:
        words = [w for w in "".join(c if c.isalnum() else " " for c in q).split()]
        match = " AND ".join(f'"{w}"' for w in words)
        t = time.perf_counter()
        conn.execute("SELECT rowid, title, snippet(docs, 2, '<mark>', '</mark>', '…', 20) FROM docs "
                     "WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 2.0, 1.0) LIMIT 10", (match,)).fetchall()
        times.append(time.perf_counter() - t)
    conn.close()
    return {"fts_build_docs_per_s": n / build, "fts_p50": pct(times, 50), "fts_p95": pct(times, 95),
            "fts_size_mb": path.stat().st_size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    queries = corpus.queries(args.queries)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        work = Path(tempfile.mkdtemp(prefix=f"bench-search-{n}-"))
        try:
            w = bench_whoosh(n, work, queries, args.procs)
            f = bench_fts5(n, work, queries)
            w.update(f)
            w["peak_mb"] = peak_mb()
            rows.append(w)
            print(f"\n== {n} documents ==", flush=True)
            for key, value in w.items():
                print(f"  {key:22} {value:10.1f}" if isinstance(value, float) else f"  {key:22} {value}", flush=True)
            print(f"  ratio whoosh/fts5 p50 {w['p50'] / max(f['fts_p50'], 1e-6):.1f}×, "
                  f"p95 {w['p95'] / max(f['fts_p95'], 1e-6):.1f}×", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("\n| docs | API p50/p95 ms | backend p50/p95 ms | suggest p95 ms | reindex docs/s | index MB | "
          "peak MB | FTS5 p50/p95 ms | ratio p95 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['docs']} | {r['api_p50']:.1f}/{r['api_p95']:.1f} | {r['p50']:.1f}/{r['p95']:.1f} | "
              f"{r['api_suggest_p95']:.1f} | {r['docs_per_s']:.0f} | {r['size_mb']:.0f} | {r['peak_mb']:.0f} | "
              f"{r['fts_p50']:.2f}/{r['fts_p95']:.2f} | {r['p95'] / max(r['fts_p95'], 1e-6):.1f}× |")


if __name__ == "__main__":
    main()
