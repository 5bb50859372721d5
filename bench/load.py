"""Load benchmark: gunicorn (core/gunicorn_conf.py, 2 sync workers) driven by wrk, on SQLite and on PostgreSQL.

Pages are measured against a bare Flask app with one route (bench/minimal_app.py) served by the same gunicorn
config in the same run, so the figures are ratios, not machine-dependent absolutes. The site runs as in production
(page cache for anonymous visitors on, rate limits off so the load isn't refused). The question page is read once
more while answers are posted to it (each one empties the page cache). Then concurrent clients answer
and vote through the JSON API; afterwards no accepted answer may be missing, every answer's score must equal its
votes, and every user's cached reputation must equal the live ledger. Exits 1 when a target is missed:

  article page >= 50 % of the minimal route's req/s; read p95 < 50 ms; zero errors; zero lost writes;
  zero score or reputation mismatches.

    .venv/bin/python -m bench.load [--db sqlite|postgres|both] [--duration 10] [--connections 50]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from bench.server import (ROOT, Gunicorn, app_env, fetch, prepare_site, sqlalchemy_url,
                          temporary_postgres_database)

BENCH_USERS = 50
ARTICLE_RATIO = 0.5
READ_P95_MS = 50.0
READS = ("article page", "category page", "search API", "question page")


def log(message: str) -> None:
    print(message, flush=True)


def wrk(url: str, seconds: int, connections: int, script: str, env: dict | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s",
               str(ROOT / "bench" / script), url]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},
                            timeout=seconds + 60)
    line = [row for row in result.stdout.splitlines() if row.startswith("{")]
    if not line:
        raise SystemExit(f"wrk failed: {result.stdout[-400:]} {result.stderr[-400:]}")
    return json.loads(line[-1])


def reads_while_answering(site: str, url: str, question: int, tmp: Path, args, per_second: float = 2.0) -> dict:
    """The crowd on one thread during an outage while superusers answer in it: wrk reads the question page while
    a thread posts an answer every 1/per_second s. Each answer empties the page cache of every worker (public
    content changed), so this shows what that costs the readers."""
    tokens = (tmp / "tokens.txt").read_text().split()
    stop, outcome = threading.Event(), {"answers_posted": 0, "answers_failed": 0}

    def answer() -> None:
        n = 0
        while not stop.wait(1 / per_second):
            n += 1
            body = json.dumps({"body": f"Während der Störung: Modem neu starten und die Lampe prüfen ({n})."})
            status = fetch(f"{site}/api/v1/questions/{question}/answers", "POST", body.encode(),
                           {"Authorization": f"Bearer {tokens[n % len(tokens)]}",
                            "Content-Type": "application/json"})[0]
            outcome["answers_posted" if status == 201 else "answers_failed"] += 1

    writer = threading.Thread(target=answer, daemon=True)
    writer.start()
    try:
        row = wrk(url, args.duration, args.connections, "wrk_report.lua")
    finally:
        stop.set()
        writer.join()
    return {**row, **outcome}


def verify_writes(database_url: str, setup: dict, writes: dict, more_acknowledged: int = 0) -> dict:
    """Count what the database holds after the write run (plain SQL: the bench process stays out of the app)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM community_answers WHERE question_id = :q"),
                            {"q": setup["question"]}).scalar()
        score_mismatches = conn.execute(text(
            "SELECT count(*) FROM community_answers a WHERE a.question_id = :q AND a.score != COALESCE("
            "(SELECT sum(v.value) FROM community_votes v WHERE v.post_type = 'answer' AND v.post_id = a.id), 0)"),
            {"q": setup["question"]}).scalar()
        reputation_mismatches = conn.execute(text(
            "SELECT count(*) FROM users u WHERE COALESCE(u.reputation, 0) != COALESCE((SELECT sum(e.points) "
            "FROM community_reputation_events e WHERE e.user_id = u.id AND e.reversed_at IS NULL), 0)")).scalar()
    engine.dispose()
    accepted = len(setup["answers"]) + writes["answers_created"] + more_acknowledged
    # A request wrk gave up on at the end of the run may still have committed: more rows than 201s is fine.
    return {"answers_in_db": rows, "answers_acknowledged": accepted, "lost_answers": max(0, accepted - rows),
            "score_mismatches": score_mismatches, "reputation_mismatches": reputation_mismatches}


def measure(name: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    with ExitStack() as stack:
        if name == "sqlite":
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        else:
            database_url = stack.enter_context(temporary_postgres_database("hc_bench"))
        env = app_env(tmp, database_url)
        log(f"== {name}: preparing (migrate, demo content, index, {BENCH_USERS} users) ==")
        setup = prepare_site(env, tmp, BENCH_USERS)
        minimal = stack.enter_context(Gunicorn("bench.minimal_app:app", env, tmp, name="minimal",
                                               probe="/_bench/minimal"))
        site = stack.enter_context(Gunicorn("wsgi:app", env, tmp, name="site"))
        minimal_url = minimal.url + "/_bench/minimal"
        reads = [("article page", f"{site.url}/artikel/{setup['article']}"),
                 ("category page", f"{site.url}/themen/{setup['category']}"),
                 ("search API", f"{site.url}/api/v1/search?q=internet+geht+nicht"),
                 ("question page", f"{site.url}/community/fragen/{setup['question']}")]
        results = {"load_before": os.getloadavg(), "minimal": []}
        for _label, url in [("minimal", minimal_url), *reads]:
            status = fetch(url)[0]
            if status != 200:
                raise SystemExit(f"{url} answered {status} before the run")
            wrk(url, 2, 10, "wrk_report.lua")  # warm-up: templates compiled, caches filled, connections open
        # The minimal route before and after every page: each page is compared with the floor measured next to
        # it, so load from other processes drifting during the run moves both sides of the ratio.
        results["minimal"].append(wrk(minimal_url, args.duration, args.connections, "wrk_report.lua"))
        for label, url in reads:
            results[label] = wrk(url, args.duration, args.connections, "wrk_report.lua")
            results["minimal"].append(wrk(minimal_url, args.duration, args.connections, "wrk_report.lua"))
            row, floor = results[label], results["minimal"][-2:]
            log(f"  {label:24} {row['rps']:8.0f} req/s  p95 {row['p95']:7.1f} ms  errors "
                f"{row['socket_errors'] + row['http_errors']}  (minimal {floor[0]['rps']:.0f}/{floor[1]['rps']:.0f})")
        results["question page, 2 answers/s"] = mixed = reads_while_answering(
            site.url, f"{site.url}/community/fragen/{setup['question']}", setup["question"], tmp, args)
        log(f"  {'question page, 2 answers/s':24} {mixed['rps']:8.0f} req/s  p95 {mixed['p95']:7.1f} ms  errors "
            f"{mixed['socket_errors'] + mixed['http_errors']}  ({mixed['answers_posted']} answers posted meanwhile, "
            f"{mixed['answers_failed']} refused)")
        writes = wrk(site.url + "/", args.duration, args.connections, "wrk_writes.lua",
                     {"BENCH_TOKENS": str(tmp / "tokens.txt"), "BENCH_QUESTION": str(setup["question"]),
                      "BENCH_ANSWERS": ",".join(map(str, setup["answers"]))})
        log(f"  {'answer + vote (API)':24} {writes['rps']:8.0f} req/s  p95 {writes['p95']:7.1f} ms  "
            f"socket errors/timeouts {writes['socket_errors']}  HTTP errors {writes['http_errors']} "
            f"({writes['server_errors']} 5xx)  conflicts {writes['conflicts']}")
        results["load_after"] = os.getloadavg()
        site.stop()
        minimal.stop()
        results["writes"] = {**writes, **verify_writes(database_url, setup, writes, mixed["answers_posted"])}
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def evaluate(name: str, results: dict) -> tuple[list[str], list[str]]:
    """The table for one backend and the targets it missed."""
    minimal = results["minimal"]
    floors = {label: (minimal[i]["rps"] + minimal[i + 1]["rps"]) / 2 for i, label in enumerate(READS)}
    failures = []
    lines = [f"\n{name}: minimal route (bare Flask app, same gunicorn config) "
             + ", ".join(f"{row['rps']:.0f}" for row in minimal) + " req/s, p95 "
             + ", ".join(f"{row['p95']:.1f}" for row in minimal) + f" ms; load average "
             f"{results['load_before'][0]:.2f} before, {results['load_after'][0]:.2f} after",
             f"{'target':22} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}  verdict"]
    for label in READS:
        row, floor = results[label], floors[label]
        errors = row["socket_errors"] + row["http_errors"]
        missed = []
        if row["p95"] >= READ_P95_MS:
            missed.append(f"p95 {row['p95']:.1f} ms >= {READ_P95_MS:.0f}")
        if errors:
            missed.append(f"{errors} errors")
        if label == "article page" and row["rps"] < ARTICLE_RATIO * floor:
            missed.append(f"ratio {row['rps'] / floor:.0%} < {ARTICLE_RATIO:.0%}")
        failures += [f"{name} {label}: {m}" for m in missed]
        lines.append(f"{label:22} {row['rps']:7.0f} {row['rps'] / floor:6.0%} {row['p50']:7.1f} {row['p95']:7.1f} "
                     f"{row['p99']:7.1f} {errors:6d}  {'ok' if not missed else 'MISSED: ' + '; '.join(missed)}")
    mixed = results["question page, 2 answers/s"]
    errors = mixed["socket_errors"] + mixed["http_errors"]
    missed = ([f"p95 {mixed['p95']:.1f} ms >= {READ_P95_MS:.0f}"] if mixed["p95"] >= READ_P95_MS else []) + (
        [f"{errors} errors"] if errors else []) + (
        [f"{mixed['answers_failed']} answers refused"] if mixed["answers_failed"] else [])
    failures += [f"{name} question page, 2 answers/s: {m}" for m in missed]
    lines.append(f"{'question p., 2 ans./s':22} {mixed['rps']:7.0f} {'':>6} {mixed['p50']:7.1f} {mixed['p95']:7.1f} "
                 f"{mixed['p99']:7.1f} {errors:6d}  {'ok' if not missed else 'MISSED: ' + '; '.join(missed)} "
                 f"({mixed['answers_posted']} answers posted meanwhile)")
    w = results["writes"]
    write_errors = w["socket_errors"] + w["http_errors"]
    floor = sum(row["rps"] for row in minimal) / len(minimal)
    lines.append(f"{'answer + vote (API)':22} {w['rps']:7.0f} {w['rps'] / floor:6.0%} {w['p50']:7.1f} "
                 f"{w['p95']:7.1f} {w['p99']:7.1f} {write_errors:6d}")
    lines.append(f"  writes: {w['requests']} requests, {w['answers_created']} answers acknowledged "
                 f"({w['answers_in_db']} rows for {w['answers_acknowledged']} expected), {w['votes_ok']} votes, "
                 f"{w['conflicts']} duplicate-vote conflicts (409), lost answers {w['lost_answers']}, "
                 f"score mismatches {w['score_mismatches']}, reputation mismatches {w['reputation_mismatches']}")
    for key, label in (("lost_answers", "lost answers"), ("score_mismatches", "score mismatches"),
                       ("reputation_mismatches", "reputation mismatches")):
        if w[key]:
            failures.append(f"{name} writes: {w[key]} {label}")
    if write_errors:
        failures.append(f"{name} writes: {write_errors} errors ({w['socket_errors']} socket errors or timeouts "
                        f"after 5 s, {w['http_errors']} HTTP errors of which {w['server_errors']} 5xx)")
    return lines, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    log(f"command: {' '.join([Path(sys.executable).name, '-m', 'bench.load', *sys.argv[1:]])}; "
        f"load average {os.getloadavg()[0]:.2f}; {time.strftime('%Y-%m-%d %H:%M:%S')}")
    report, failures = [], []
    for backend in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        lines, missed = evaluate(backend, measure(backend, args))
        report += lines
        failures += missed
    print("\n".join(report))
    if failures:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(failures))
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
