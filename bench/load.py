"""Load benchmark: gunicorn (core/gunicorn_conf.py, 2 sync workers) driven by wrk, on SQLite and on PostgreSQL.

Pages are measured against a bare Flask app with one route (bench/minimal_app.py) served by the same gunicorn
config in the same run, so the figures are ratios, not machine-dependent absolutes. Then concurrent clients answer
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
import time
from contextlib import ExitStack
from pathlib import Path

from bench.server import ROOT, Gunicorn, app_env, fetch, temporary_postgres_database

BENCH_USERS = 50
ARTICLE_RATIO = 0.5
READ_P95_MS = 50.0
READS = ("article page", "category page", "search API", "question page")


def log(message: str) -> None:
    print(message, flush=True)


def prepare(env: dict, tmp: Path) -> dict:
    """Migrate, load the demo content, index, create bench users with tokens and a question to answer."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from core import accounts, create_app
    from core.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        from content.demo import load_demo
        load_demo(lambda line: None)
        result = app.test_cli_runner().invoke(args=["search", "reindex"])
        if result.exit_code != 0:
            raise SystemExit(f"setup: search reindex failed: {result.output[-300:]}")
        users = [accounts.create_user(f"bench{i}", f"bench{i}@bench.invalid", "bench-password-123")
                 for i in range(BENCH_USERS + 6)]
        tokens = [accounts.issue_token(user) for user in users]
        db.session.commit()
        client = app.test_client()

        def post(path, token, payload):
            response = client.post(path, json=payload, headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 201:
                raise SystemExit(f"setup: POST {path} answered {response.status_code}: "
                                 f"{response.get_data(as_text=True)[:200]}")
            return response.get_json()

        authors, voters = tokens[BENCH_USERS:], tokens[:BENCH_USERS]
        question = post("/api/v1/questions", authors[0], {
            "title": "Internet bricht abends immer wieder ab", "category": "internet", "tags": ["internet"],
            "body": "Seit einer Woche bricht die Verbindung jeden Abend gegen 20 Uhr ab. Das Modem blinkt orange."})
        answer_ids = [post(f"/api/v1/questions/{question['id']}/answers", token,
                           {"body": f"Vorschlag {i}: Modem neu starten und das Koaxialkabel pruefen."})["id"]
                      for i, token in enumerate(authors[1:], 1)]
        article = client.get("/api/v1/articles").get_json()["items"][0]
        (tmp / "tokens.txt").write_text("\n".join(voters) + "\n")
        db.session.remove()
        db.engine.dispose()
    return {"question": question["id"], "answers": answer_ids, "article": article["slug"],
            "category": article["category"]}


def wrk(url: str, seconds: int, connections: int, script: str, env: dict | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s",
               str(ROOT / "bench" / script), url]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},
                            timeout=seconds + 60)
    line = [row for row in result.stdout.splitlines() if row.startswith("{")]
    if not line:
        raise SystemExit(f"wrk failed: {result.stdout[-400:]} {result.stderr[-400:]}")
    return json.loads(line[-1])


def verify_writes(env: dict, setup: dict, writes: dict) -> dict:
    os.environ.update(env)
    from sqlalchemy import func, select

    from core import create_app
    from core.extensions import db
    from core.models import User

    app = create_app()
    with app.app_context():
        from community.models import Answer, ReputationEvent, Vote
        rows = db.session.execute(select(func.count()).select_from(Answer)
                                  .where(Answer.question_id == setup["question"])).scalar()
        accepted = len(setup["answers"]) + writes["answers_created"]
        score_mismatches = 0
        for answer in db.session.execute(select(Answer).where(Answer.question_id == setup["question"])).scalars():
            votes = db.session.execute(select(func.coalesce(func.sum(Vote.value), 0))
                                       .where(Vote.post_type == "answer", Vote.post_id == answer.id)).scalar()
            score_mismatches += int(votes != answer.score)
        ledger = dict(db.session.execute(select(ReputationEvent.user_id, func.sum(ReputationEvent.points))
                                         .where(ReputationEvent.reversed_at.is_(None))
                                         .group_by(ReputationEvent.user_id)).all())
        reputation_mismatches = sum(1 for user in db.session.execute(select(User)).scalars()
                                    if (user.reputation or 0) != int(ledger.get(user.id) or 0))
        db.session.remove()
        db.engine.dispose()
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
        setup = prepare(env, tmp)
        minimal = stack.enter_context(Gunicorn("bench.minimal_app:app", env, tmp, name="minimal",
                                               probe="/_bench/minimal"))
        site = stack.enter_context(Gunicorn("wsgi:app", env, tmp, name="site"))
        reads = [("minimal route", minimal.url + "/_bench/minimal"),
                 ("article page", f"{site.url}/artikel/{setup['article']}"),
                 ("category page", f"{site.url}/themen/{setup['category']}"),
                 ("search API", f"{site.url}/api/v1/search?q=internet+geht+nicht"),
                 ("question page", f"{site.url}/community/fragen/{setup['question']}"),
                 ("minimal route (again)", minimal.url + "/_bench/minimal")]
        results = {"load_before": os.getloadavg()}
        for label, url in reads:
            status = fetch(url)[0]
            if status != 200:
                raise SystemExit(f"{label}: {url} answered {status} before the run")
            wrk(url, 2, 10, "wrk_report.lua")  # warm-up: templates compiled, caches filled, connections open
            results[label] = wrk(url, args.duration, args.connections, "wrk_report.lua")
            row = results[label]
            log(f"  {label:24} {row['rps']:8.0f} req/s  p95 {row['p95']:7.1f} ms  "
                f"errors {row['socket_errors'] + row['http_errors']}")
        writes = wrk(site.url + "/", args.duration, args.connections, "wrk_writes.lua",
                     {"BENCH_TOKENS": str(tmp / "tokens.txt"), "BENCH_QUESTION": str(setup["question"]),
                      "BENCH_ANSWERS": ",".join(map(str, setup["answers"]))})
        log(f"  {'answer + vote (API)':24} {writes['rps']:8.0f} req/s  p95 {writes['p95']:7.1f} ms  "
            f"errors {writes['socket_errors'] + writes['http_errors']}  conflicts {writes['conflicts']}")
        results["load_after"] = os.getloadavg()
        site.stop()
        minimal.stop()
        results["writes"] = {**writes, **verify_writes(env, setup, writes)}
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def evaluate(name: str, results: dict) -> tuple[list[str], list[str]]:
    """The table for one backend and the targets it missed."""
    floor = (results["minimal route"]["rps"] + results["minimal route (again)"]["rps"]) / 2
    failures = []
    lines = [f"\n{name}: minimal route {results['minimal route']['rps']:.0f} and "
             f"{results['minimal route (again)']['rps']:.0f} req/s (mean {floor:.0f}); load average "
             f"{results['load_before'][0]:.2f} before, {results['load_after'][0]:.2f} after",
             f"{'target':22} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}  verdict"]
    for label in READS:
        row = results[label]
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
    w = results["writes"]
    write_errors = w["socket_errors"] + w["http_errors"]
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
        failures.append(f"{name} writes: {write_errors} errors ({w['server_errors']} 5xx)")
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
