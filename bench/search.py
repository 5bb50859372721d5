"""Search benchmark: synthetic corpus at 10k and 100k documents (or --sizes), measured on this machine.

Reports search p50/p95 through the JSON API (limit 10, highlights on, analytics logging on) and at the backend,
suggest p95 (API and backend), a full reindex as `flask search reindex` does it (documents read twice from a
file standing in for the database: the word list from every document's text, then the new generation with two
writer processes) in documents per second, index size, peak memory, and
SQLite FTS5 over the same corpus and queries as a reference ratio. Each size runs in a fresh process, so its peak
memory is its own. The machine is shared: read ratios, and the load average printed with the figures.

    .venv/bin/python -m bench.search [--sizes 10000,100000] [--queries 300] [--procs 2]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import sqlite3
import subprocess
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
    """The p-th percentile of durations in seconds, in milliseconds."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (the writer processes), in MB."""
    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the writer processes): unlike the wall clock, it
    hardly depends on what else runs on the shared machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - started)
    return times


def prefix(q: str) -> str:
    """What someone has typed so far: the query without its last three letters."""
    return q[: max(2, len(q) - 3)]


def write_corpus(n: int, path: Path) -> None:
    """The synthetic documents, generated once into a file: reading them back stands in for the database read
    of a real reindex, and keeps the (slow, random) generation out of the timing."""
    with open(path, "wb") as fh:
        for doc in corpus.documents(n):
            pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)


def read_corpus(path: Path):
    with open(path, "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)  # our own file, written just before
            except EOFError:
                return


def vocabulary(docs):
    """The word-list texts, as `flask search reindex` reads them: every document's whole text."""
    for d in docs:
        yield f"{d.title} {' '.join(d.tags)} {d.summary} {d.body}"


def bench_whoosh(n: int, work: Path, queries: list[str], procs: int) -> dict:
    backend = WhooshBackend(work / "index")
    write_corpus(n, work / "corpus.pickle")
    started, cpu_started = time.perf_counter(), cpu_seconds()
    count = backend.rebuild(read_corpus(work / "corpus.pickle"), vocabulary(read_corpus(work / "corpus.pickle")),
                            procs=procs)
    reindex, reindex_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    started = time.perf_counter()
    backend.searcher()
    open_ms = (time.perf_counter() - started) * 1000
    for q in queries[:20]:  # warm-up
        backend.search(Query(text=q, synonyms=DEFAULT_SYNONYMS))
    times = timed(lambda q: backend.search(Query(text=q, per_page=10, synonyms=DEFAULT_SYNONYMS, highlight=True)),
                  queries)
    sugg = timed(lambda q: backend.suggest(prefix(q)), queries)
    return {"docs": count, "reindex_s": reindex, "docs_per_s": count / reindex,
            "docs_per_cpu_s": count / reindex_cpu,
            "size_mb": dir_size(work / "index") / 1e6, "open_ms": open_ms, "p50": pct(times, 50),
            "p95": pct(times, 95), "suggest_p50": pct(sugg, 50), "suggest_p95": pct(sugg, 95),
            **bench_api(work, queries)}


def bench_api(work: Path, queries: list[str]) -> dict:
    """The same queries through GET /api/v1/search and /suggest (Flask test client; analytics logging on)."""
    os.environ["INSTANCE_PATH"] = str(work / "instance")
    from core import create_app
    from core.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-not-for-production",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(work / "index"), "RATELIMIT_ENABLED": False,
                      "TALLY_FLUSH_SECONDS": 5})  # searches logged in batches, as in production
    with app.app_context():
        db.create_all()
    client = app.test_client()
    for q in queries[:20]:
        client.get("/api/v1/search", query_string={"q": q})

    def search(q):
        r = client.get("/api/v1/search", query_string={"q": q})
        assert r.status_code == 200, r.data[:200]

    times = timed(search, queries)
    sugg = timed(lambda q: client.get("/api/v1/search/suggest", query_string={"q": prefix(q)}), queries)
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

    def search(q):
        words = "".join(c if c.isalnum() else " " for c in q).split()
        match = " AND ".join(f'"{w}"' for w in words)
        conn.execute("SELECT rowid, title, snippet(docs, 2, '<mark>', '</mark>', '…', 20) FROM docs "
                     "WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 2.0, 1.0) LIMIT 10", (match,)).fetchall()

    times = timed(search, queries)
    conn.close()
    return {"fts_build_docs_per_s": n / build, "fts_p50": pct(times, 50), "fts_p95": pct(times, 95),
            "fts_size_mb": path.stat().st_size / 1e6}


def one_size(n: int, queries: int, procs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-search-{n}-"))
    try:
        qs = corpus.queries(queries)
        result = bench_whoosh(n, work, qs, procs)
        result.update(bench_fts5(n, work, qs))
        result.update(peak_mb())
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size, JSON on stdout
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.queries, args.procs)))
        return
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        load_before = os.getloadavg()[0]
        out = subprocess.run([sys.executable, "-m", "bench.search", "--one", str(n), "--queries", str(args.queries),
                              "--procs", str(args.procs)], cwd=ROOT, capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["load"] = f"{load_before:.1f}→{os.getloadavg()[0]:.1f}"
        rows.append(r)
        print(f"\n== {n} documents (load average {r['load']}) ==", flush=True)
        for key, value in r.items():
            print(f"  {key:22} {value:10.1f}" if isinstance(value, float) else f"  {key:22} {value}", flush=True)
    print("\n| docs | API p50/p95 ms | backend p50/p95 ms | suggest p95 ms (API/backend) | reindex docs/s "
          "(per CPU-s) | index MB | peak MB (main/writer) | FTS5 p50/p95 ms | p95 Whoosh/FTS5 | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['docs']} | {r['api_p50']:.1f}/{r['api_p95']:.1f} | {r['p50']:.1f}/{r['p95']:.1f} | "
              f"{r['api_suggest_p95']:.1f}/{r['suggest_p95']:.1f} | "
              f"{r['docs_per_s']:.0f} ({r['docs_per_cpu_s']:.0f}) | {r['size_mb']:.0f} | "
              f"{r['peak_mb']:.0f}/{r['peak_child_mb']:.0f} | {r['fts_p50']:.2f}/{r['fts_p95']:.2f} | "
              f"{r['p95'] / max(r['fts_p95'], 1e-6):.1f}× | {r['load']} |")


if __name__ == "__main__":
    main()
