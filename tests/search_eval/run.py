"""Relevance evaluation: success@3 and MRR per query kind over the demo content.

    .venv/bin/python -m tests.search_eval.run              # the figures with every feature on (Whoosh)
    .venv/bin/python -m tests.search_eval.run --ablation   # and with each language feature switched off
    .venv/bin/python -m tests.search_eval.run --backend postgres --database-url postgresql://postgres@127.0.0.1/postgres

With PostgreSQL the URL names the server: the evaluation creates a scratch database there and drops it after.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.extensions import db

QUERIES = Path(__file__).with_name("queries.yaml")
HOLDOUT = Path(__file__).with_name("holdout.yaml")  # never tuned against: the honest figure


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def build_index(app) -> int:
    from sqlalchemy.orm import Session

    from search import documents
    backend = app.extensions["search"].backend
    with Session(db.engine) as session:
        vocab = [f"{d.title} {' '.join(d.tags)} {d.summary} {d.body}" for d in documents.iter_all(session)]
        return backend.rebuild(documents.iter_all(session), vocab)


def result_key(hit) -> str:
    # forum questions by title: their ids depend on load order; a solved thread is a valid answer too
    return f"{hit.type}:{hit.slug if hit.type in ('article', 'video') else hit.title}"


def evaluate(app, queries: list[dict] | None = None) -> dict:
    from search import service
    queries = queries or load_queries()
    per_kind: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    misses = []
    for item in queries:
        outcome = service.run(item["q"], log_it=False)
        keys = [result_key(h) for h in outcome.results.hits]
        expected = set(item["expect"])
        rank = next((i + 1 for i, k in enumerate(keys) if k in expected), None)
        per_kind[item["kind"]].append((rank is not None and rank <= 3, 1.0 / rank if rank else 0.0))
        if not (rank and rank <= 3):
            misses.append((item["q"], item["kind"], keys[:3]))
    table = {kind: (sum(s for s, _ in v) / len(v), sum(r for _, r in v) / len(v), len(v))
             for kind, v in sorted(per_kind.items())}
    allv = [x for v in per_kind.values() for x in v]
    table["all"] = (sum(s for s, _ in allv) / len(allv), sum(r for _, r in allv) / len(allv), len(allv))
    return {"table": table, "misses": misses}


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A fresh database on the PostgreSQL server of ``server_url`` (its URL), dropped afterwards."""
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1)
                   if server_url.startswith("postgresql://") else server_url)
    name = f"search_eval_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(tmp: Path, backend: str = "whoosh", database_url: str | None = None):
    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))
    from core import create_app
    return create_app({"TESTING": True, "SECRET_KEY": "eval-secret-key-not-for-production",
                       "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp / 'eval.sqlite3'}",
                       "SEARCH_BACKEND": backend, "SEARCH_INDEX_DIR": str(tmp / "index"),
                       "SEARCH_INDEX_ON_COMMIT": False, "RATELIMIT_ENABLED": False,
                       "TALLY_FLUSH_SECONDS": 5})  # searches logged in batches, as in production


def print_table(title: str, result: dict) -> None:
    print(f"\n{title}")
    print(f"  {'kind':12} {'n':>3} {'success@3':>10} {'MRR':>6}")
    for kind, (s3, mrr, n) in result["table"].items():
        print(f"  {kind:12} {n:3d} {s3:10.2f} {mrr:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="PostgreSQL server for --backend postgres (default: TEST_DATABASE_URL)")
    parser.add_argument("--ablation", action="store_true", help="Whoosh: each language feature switched off")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--holdout", action="store_true",
                        help="also the held-out queries (holdout.yaml), which the search was never tuned on")
    args = parser.parse_args()
    if args.backend == "postgres" and not args.database_url:
        parser.error("--backend postgres needs --database-url (or TEST_DATABASE_URL)")
    if args.backend == "postgres" and args.ablation:
        parser.error("--ablation switches Whoosh features; it has no PostgreSQL counterpart")
    tmp = Path(tempfile.mkdtemp(prefix="search-eval-"))
    if args.backend == "postgres":
        with scratch_postgres(args.database_url) as url:
            report(make_app(tmp, "postgres", url), args)
    else:
        report(make_app(tmp), args)


def report(app, args) -> None:
    from search import whoosh_backend
    from tests.search_eval import loader

    with app.app_context():
        db.create_all()
        loader.load()
        build_index(app)
        result = evaluate(app)
        print_table(f"all features ({args.backend})", result)
        if args.misses:
            for q, kind, top in result["misses"]:
                print(f"  miss [{kind}] {q!r}: {top}")
        if args.holdout:
            held = evaluate(app, load_queries(HOLDOUT))
            print_table(f"held-out queries ({args.backend}; never tuned on)", held)
            for q, kind, top in held["misses"]:
                print(f"  miss [{kind}] {q!r}: {top}")
        if args.ablation:
            summary = [("all features", result["table"]["all"])]
            for feature in ("stemming", "decompounding", "synonyms", "ngrams", "correction"):
                whoosh_backend.FEATURES[feature] = False
                build_index(app)
                off = evaluate(app)
                whoosh_backend.FEATURES[feature] = True
                print_table(f"without {feature}", off)
                summary.append((f"without {feature}", off["table"]["all"]))
            build_index(app)
            print("\n| configuration | success@3 | MRR |\n|---|---|---|")
            for name, (s3, mrr, _n) in summary:
                print(f"| {name} | {s3:.2f} | {mrr:.2f} |")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
