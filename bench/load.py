"""Load benchmark: gunicorn (2 workers) driven by wrk, on SQLite and on PostgreSQL.

Reads (article, category, search API, question page) are compared with a minimal Flask route served by the same
gunicorn in the same run, so the figures are ratios, not machine-dependent absolutes. Then 50 clients answer and
vote through the JSON API; afterwards no accepted write may be missing, every answer's score must equal its votes,
and every user's cached reputation must equal the ledger.

    .venv/bin/python bench/load.py [--db sqlite|postgres|both] [--duration 10] [--connections 50]
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BENCH_USERS = 50
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    print(message, flush=True)


def prepare(env: dict, tmp: Path) -> dict:
    """Migrate, load demo content, index, create bench users with tokens and a thread to answer in."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from core import accounts, create_app
    from core.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        from content.demo import load_demo
        load_demo(lambda line: None)
        runner = app.test_cli_runner()
        if "search" in app.cli.commands:
            runner.invoke(args=["search", "reindex"])
        tokens = []
        for index in range(BENCH_USERS):
            user = accounts.create_user(f"bench{index}", f"bench{index}@bench.invalid", "bench-password-123")
            tokens.append(accounts.issue_token(user))
        authors = [accounts.create_user(f"benchauthor{i}", f"benchauthor{i}@bench.invalid", "bench-password-123")
                   for i in range(6)]
        author_tokens = [accounts.issue_token(user) for user in authors]
        db.session.commit()
        client = app.test_client()

        def post(path, token, payload):
            response = client.post(path, json=payload, headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 201:
                raise SystemExit(f"setup: POST {path} answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
            return response.get_json()

        question = post("/api/v1/questions", author_tokens[0], {
            "title": "Internet bricht abends immer wieder ab", "category": "internet", "tags": ["internet", "stoerung"],
            "body": "Seit einer Woche bricht die Verbindung jeden Abend gegen 20 Uhr ab. Das Modem blinkt dann orange."})
        answer_ids = [post(f"/api/v1/questions/{question['id']}/answers", token,
                           {"body": f"Vorschlag {i}: Modem neu starten und das Koaxialkabel pruefen."})["id"]
                      for i, token in enumerate(author_tokens[1:], 1)]
        article = client.get("/api/v1/articles").get_json()["items"][0]
        (tmp / "tokens.txt").write_text("\n".join(tokens) + "\n")
        db.session.remove()
        db.engine.dispose()
    return {"question": question["id"], "answers": answer_ids, "article": article["slug"], "category": article["category"]}


def start_gunicorn(env: dict, tmp: Path, port: int) -> subprocess.Popen:
    pidfile = tmp / "gunicorn.pid"
    process = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--pid", str(pidfile),
         "--log-level", "warning", "bench.wsgi_bench:app"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=open(tmp / "gunicorn.log", "w"))
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_bench/minimal", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start: {(tmp / 'gunicorn.log').read_text()[-500:]}")


def wrk(url: str, seconds: int, connections: int, script: str, env: dict | None = None) -> dict:
    result = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(ROOT / "bench" / script), url],
                            capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=seconds + 60)
    line = [row for row in result.stdout.splitlines() if row.startswith("{")]
    if not line:
        raise SystemExit(f"wrk failed: {result.stdout[-400:]} {result.stderr[-400:]}")
    return json.loads(line[-1])


def verify_writes(env: dict, setup: dict, report: dict) -> dict:
    from core import create_app
    from core.extensions import db
    from core.models import User

    os.environ.update(env)
    app = create_app()
    with app.app_context():
        from sqlalchemy import func, select

        from community.models import Answer, ReputationEvent, Vote
        answers = db.session.execute(select(func.count()).select_from(Answer)
                                     .where(Answer.question_id == setup["question"])).scalar()
        expected_answers = len(setup["answers"]) + report["answers_created"]
        score_mismatches = 0
        for answer in db.session.execute(select(Answer).where(Answer.question_id == setup["question"])).scalars():
            votes = db.session.execute(select(func.coalesce(func.sum(Vote.value), 0))
                                       .where(Vote.post_type == "answer", Vote.post_id == answer.id)).scalar()
            score_mismatches += int(votes != answer.score)
        ledger = dict(db.session.execute(select(ReputationEvent.user_id, func.sum(ReputationEvent.points))
                                         .group_by(ReputationEvent.user_id)).all())
        reputation_mismatches = sum(1 for user in db.session.execute(select(User)).scalars()
                                    if user.reputation != (ledger.get(user.id) or 0))
        db.session.remove()
        db.engine.dispose()
    return {"answers_in_db": answers, "answers_accepted_by_api": expected_answers,
            "lost_answers": expected_answers - answers, "score_mismatches": score_mismatches,
            "reputation_mismatches": reputation_mismatches}


def run_backend(name: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    env = {"INSTANCE_PATH": str(tmp / "instance"), "SEARCH_INDEX_DIR": str(tmp / "index"), "MEDIA_DIR": str(tmp / "media"),
           "RATELIMIT_ENABLED": "false", "SECRET_KEY": secrets.token_hex(32), "LOG_FORMAT": "off"}
    dbname = None
    if name == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        from sqlalchemy import create_engine, text
        dbname = f"hc_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{dbname}"'))
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{dbname}"
    log(f"== {name}: preparing (migrate, demo content, index, {BENCH_USERS} users) ==")
    setup = prepare(env, tmp)
    port = 18000 + (os.getpid() % 1000)
    server = start_gunicorn(env, tmp, port)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        targets = [("minimal route", "/_bench/minimal"), ("article page", f"/artikel/{setup['article']}"),
                   ("category page", f"/themen/{setup['category']}"), ("search API", "/api/v1/search?q=internet+geht+nicht"),
                   ("question page", f"/community/fragen/{setup['question']}"), ("minimal route (again)", "/_bench/minimal")]
        for label, path in targets:
            results[label] = wrk(base + path, args.duration, args.connections, "wrk_report.lua")
            log(f"  {label:24} {results[label]['rps']:8.0f} req/s  p95 {results[label]['p95']:7.1f} ms  "
                f"errors {results[label]['socket_errors'] + results[label]['http_errors']}")
        writes = wrk(base + "/", args.duration, args.connections, "wrk_writes.lua",
                     {"BENCH_TOKENS": str(tmp / "tokens.txt"), "BENCH_QUESTION": str(setup["question"]),
                      "BENCH_ANSWERS": ",".join(map(str, setup["answers"]))})
        log(f"  {'answer + vote (API)':24} {writes['rps']:8.0f} req/s  p95 {writes['p95']:7.1f} ms  "
            f"errors {writes['socket_errors'] + writes['http_errors']}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    checks = verify_writes(env, setup, writes)
    results["writes"] = {**writes, **checks}
    if dbname:
        from sqlalchemy import create_engine, text
        admin = create_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def summarise(name: str, results: dict) -> list[str]:
    floor = min(results["minimal route"]["rps"], results["minimal route (again)"]["rps"])
    lines = [f"\n{name}: ratio to the minimal route ({floor:.0f} req/s, the lower of two runs)",
             f"{'target':24} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}"]
    for label, row in results.items():
        if label.startswith("minimal") or label == "writes":
            continue
        lines.append(f"{label:24} {row['rps']:8.0f} {row['rps'] / floor:7.0%} {row['p50']:8.1f} {row['p95']:8.1f} "
                     f"{row['socket_errors'] + row['http_errors']:7d}")
    w = results["writes"]
    lines.append(f"writes: {w['requests']} requests, {w['answers_created']} answers created, {w['votes_ok']} votes, "
                 f"errors {w['socket_errors'] + w['http_errors']}, lost answers {w['lost_answers']}, "
                 f"score mismatches {w['score_mismatches']}, reputation mismatches {w['reputation_mismatches']}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    report = []
    for backend in backends:
        report += summarise(backend, run_backend(backend, args))
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
