"""Fault checks under gunicorn (2 workers) with light load: the site degrades clearly, recovers on its own and
loses no committed post.

  worker    SIGKILL a worker during load: gunicorn replaces it, the site answers, no acknowledged answer is lost
  postgres  stop PostgreSQL for a few seconds during load (own database only): friendly 503 pages and JSON,
            /healthz 503, recovery without a restart (pool_pre_ping), no acknowledged answer lost
  readonly  make the index folder read-only: answers are still accepted, search still answers, /healthz says
            whether the index is degraded
  corrupt   overwrite the index files: search says it is unavailable (503), other pages work; `flask search
            reindex` restores it

    .venv/bin/python -m bench.faults [--db sqlite|postgres] [--only worker,postgres,readonly,corrupt]

Prints one line per check and exits 1 when one fails. `postgres` needs --db postgres and root (pg_ctlcluster);
PostgreSQL is always started again in a `finally`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import (Gunicorn, app_env, fetch, flask, prepare_site, sqlalchemy_url,
                          temporary_postgres_database)

FAULTS = ("worker", "postgres", "readonly", "corrupt")
LOAD_USERS = 5


@dataclass
class Check:
    fault: str
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Site:
    server: Gunicorn
    env: dict
    database_url: str
    setup: dict
    tokens: list[str]
    checks: list[Check] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.server.url + path

    def check(self, fault: str, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(fault, name, bool(ok), detail))
        print(f"  [{'ok' if ok else 'FAILED'}] {fault}: {name}{' – ' + detail if detail else ''}", flush=True)
        return bool(ok)


class Load:
    """A few requests per second: answers posted through the API (ids of acknowledged ones kept) and page views."""

    def __init__(self, site: Site, pause: float = 0.05):
        self.site, self.pause = site, pause
        self.acknowledged: list[int] = []
        self.statuses: Counter = Counter()
        self.server_errors: list[tuple[str, int, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._n = 0

    def _run(self) -> None:
        setup = self.site.setup
        while not self._stop.is_set():
            self._n += 1
            if self._n % 2:
                body = json.dumps({"body": f"Lastprobe {self._n}: Router 30 Sekunden vom Strom trennen."}).encode()
                token = random.choice(self.site.tokens)
                path = f"/api/v1/questions/{setup['question']}/answers"
                status, text, _ = fetch(self.site.url(path), "POST", body, timeout=10, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                if status == 201:
                    self.acknowledged.append(json.loads(text)["id"])
            else:
                path = f"/community/fragen/{setup['question']}"
                status, text, _ = fetch(self.site.url(path), timeout=10)
            self.statuses[status] += 1
            if status >= 500 and status != 503 or (status >= 500 and "Traceback" in text):
                self.server_errors.append((path, status, text[:200]))
            time.sleep(self.pause)

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def missing_answers(site: Site, ids: list[int]) -> list[int]:
    from sqlalchemy import create_engine, text

    if not ids:
        return []
    engine = create_engine(sqlalchemy_url(site.database_url))
    with engine.connect() as conn:
        found = set(conn.execute(text("SELECT id FROM community_answers WHERE id IN ({})".format(
            ", ".join(str(int(i)) for i in ids)))).scalars())
    engine.dispose()
    return sorted(set(ids) - found)


def wait_for(predicate, seconds: float, step: float = 0.2) -> float | None:
    """Seconds until predicate() held, or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None


def _friendly_html(status: int, text: str, expected: int) -> bool:
    return status == expected and "<!doctype html>" in text.lower() and "Traceback" not in text and \
        ("0800" in text or "tel:" in text)


# --- the faults ----------------------------------------------------------------------------------------------

def fault_worker(site: Site) -> None:
    with Load(site) as load:
        time.sleep(1.5)
        before = site.server.worker_pids()
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        replaced = wait_for(lambda: len(site.server.worker_pids()) == 2 and victim not in site.server.worker_pids(),
                            30)
        site.check("worker", "gunicorn replaces the killed worker", replaced is not None,
                   f"pid {victim} killed, new worker after {replaced:.1f} s" if replaced is not None else "")
        time.sleep(1.5)
    after = [fetch(site.url(p))[0] for p in ("/healthz", f"/artikel/{site.setup['article']}",
                                             f"/community/fragen/{site.setup['question']}")]
    site.check("worker", "the site answers afterwards", after == [200, 200, 200], f"statuses {after}")
    failed = sum(n for status, n in load.statuses.items() if status == 0 or status >= 500)
    site.check("worker", "at most the killed worker's request failed", failed <= 2,
               f"{dict(load.statuses)} ({failed} failed)")
    lost = missing_answers(site, load.acknowledged)
    site.check("worker", "no acknowledged answer lost", not lost,
               f"{len(load.acknowledged)} acknowledged, missing {lost}")


def _pg_cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True,
                   capture_output=True, timeout=60)


def fault_postgres(site: Site, down_seconds: float = 3) -> None:
    if not site.database_url.startswith("postgresql"):
        site.check("postgres", "needs --db postgres", False)
        return
    question_page, api = f"/community/fragen/{site.setup['question']}", "/api/v1/articles"
    with Load(site) as load:
        time.sleep(1)
        _pg_cluster("stop")
        try:
            time.sleep(0.5)
            health = fetch(site.url("/healthz"))
            page = fetch(site.url(question_page))
            api_status, api_body, api_headers = fetch(site.url(api))
            time.sleep(max(0.0, down_seconds - 0.5))
        finally:
            _pg_cluster("start")
    site.check("postgres", "/healthz is 503 while the database is down", health[0] == 503, f"{health[0]}")
    site.check("postgres", "pages answer a friendly 503 (no 500, no traceback)", _friendly_html(page[0], page[1], 503),
               f"{page[0]}")
    api_json = json.loads(api_body) if api_body.startswith("{") else {}
    site.check("postgres", "the API answers 503 JSON with Retry-After",
               api_status == 503 and api_json.get("error") == "unavailable" and "Retry-After" in api_headers,
               f"{api_status} {api_json}")
    site.check("postgres", "no 500 and no traceback during the outage", not load.server_errors,
               f"{dict(load.statuses)} {load.server_errors[:2]}")
    recovered = wait_for(lambda: fetch(site.url("/healthz"))[0] == 200 and fetch(site.url(question_page))[0] == 200,
                         30)
    site.check("postgres", "recovers on its own after the restart", recovered is not None,
               f"after {recovered:.1f} s" if recovered is not None else "")
    lost = missing_answers(site, load.acknowledged)
    site.check("postgres", "no acknowledged answer lost", not lost,
               f"{len(load.acknowledged)} acknowledged, missing {lost}")


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


def _post_answer(site: Site, text: str) -> tuple[int, dict]:
    body = json.dumps({"body": text}).encode()
    status, answer, _ = fetch(site.url(f"/api/v1/questions/{site.setup['question']}/answers"), "POST", body,
                              headers={"Authorization": f"Bearer {site.tokens[0]}",
                                       "Content-Type": "application/json"}, timeout=15)
    return status, (json.loads(answer) if answer.startswith("{") else {})


def _search(site: Site, query: str) -> tuple[int, dict]:
    status, text, _ = fetch(site.url(f"/api/v1/search?q={query}"), timeout=10)
    return status, (json.loads(text) if text.startswith("{") else {})


def fault_readonly(site: Site) -> None:
    index = Path(site.env["SEARCH_INDEX_DIR"])
    _set_writable(index, False)
    try:
        status, answer = _post_answer(site, "Schreibgeschützter Index: Splitter tauschen und Leitung prüfen.")
        site.check("readonly", "an answer is still accepted", status == 201, f"{status}")
        search_status, results = _search(site, "internet")
        site.check("readonly", "search still answers", search_status == 200 and results.get("total", 0) > 0,
                   f"{search_status}, {results.get('total')} results")
        health_status, health, _ = fetch(site.url("/healthz"))
        body = json.loads(health) if health.startswith("{") else {}
        site.check("readonly", "/healthz stays 200 and reports the index degraded",
                   health_status == 200 and body.get("status") == "degraded",
                   f"{health_status} {body.get('status')} {body.get('checks', {}).get('search')}")
    finally:
        _set_writable(index, True)
    if status == 201:
        result = flask(site.env, "search", "check", "--fix", check=False)
        site.check("readonly", "the change is indexed once the folder is writable (flask search check --fix)",
                   result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1:][0]
                   if (result.stdout + result.stderr).strip() else "")


def fault_corrupt(site: Site) -> None:
    index = Path(site.env["SEARCH_INDEX_DIR"])
    live = (index / "current").resolve() if (index / "current").exists() else index
    files = [p for p in live.rglob("*") if p.is_file() and not p.name.endswith(".lock")]
    site.check("corrupt", "found index files to corrupt", bool(files), f"{len(files)} files in {live.name}")
    for _ in range(6):  # both workers hold an open searcher, as in production
        _search(site, "router")
    garbage = random.Random(4711)
    for path in files:  # in place, same size: a worker reading through an open file sees the garbage
        with path.open("r+b") as handle:
            handle.write(garbage.randbytes(path.stat().st_size))
    search_status, body = _search(site, "internet")
    site.check("corrupt", "search says it is unavailable (503 JSON)",
               search_status == 503 and body.get("error") == "search_unavailable", f"{search_status} {body}")
    page_status, page, _ = fetch(site.url("/suche?q=internet"))
    site.check("corrupt", "the search page explains it (no 500)", page_status in (200, 503) and "Traceback" not in page,
               f"{page_status}")
    others = {p: fetch(site.url(p))[0] for p in ("/", f"/themen/{site.setup['category']}",
                                                f"/community/fragen/{site.setup['question']}")}
    site.check("corrupt", "pages without search keep working", set(others.values()) == {200}, f"{others}")
    status, _answer = _post_answer(site, "Korrupter Index: Antwort wird trotzdem gespeichert.")
    site.check("corrupt", "answers are still accepted", status == 201, f"{status}")
    health_status, health, _ = fetch(site.url("/healthz"))
    body = json.loads(health) if health.startswith("{") else {}
    site.check("corrupt", "/healthz 200 degraded, strict 503",
               health_status == 200 and body.get("status") == "degraded"
               and fetch(site.url("/healthz?strict=1"))[0] == 503,
               f"{health_status} {body.get('status')} {body.get('checks', {}).get('search')}")
    result = flask(site.env, "search", "reindex", check=False)
    site.check("corrupt", "flask search reindex succeeds", result.returncode == 0,
               (result.stdout + result.stderr).strip()[-200:])
    restored = wait_for(lambda: _search(site, "internet")[0] == 200, 10)
    search_status, body = _search(site, "internet")
    site.check("corrupt", "search works again after the reindex",
               search_status == 200 and body.get("total", 0) > 0, f"{search_status}, {body.get('total')} results"
               + (f" after {restored:.1f} s" if restored is not None else ""))
    def healthy() -> bool:  # every worker: /healthz is answered by either
        return all(fetch(site.url("/healthz"))[1].find('"status":"ok"') >= 0 for _ in range(4))
    recovered = wait_for(healthy, 15)
    health_status, health, _ = fetch(site.url("/healthz"))
    site.check("corrupt", "/healthz ok again", recovered is not None,
               f"after {recovered:.1f} s" if recovered is not None else f"{health_status} {health[-160:]}")


RUNNERS = {"worker": fault_worker, "postgres": fault_postgres, "readonly": fault_readonly, "corrupt": fault_corrupt}


def run(faults: list[str], db: str = "sqlite", tmp: Path | None = None) -> list[Check]:
    tmp = tmp or Path(tempfile.mkdtemp(prefix="faults-"))
    with ExitStack() as stack:
        if db == "postgres":
            database_url = stack.enter_context(temporary_postgres_database("hc_faults"))
        else:
            database_url = f"sqlite:///{tmp / 'faults.sqlite3'}"
        # The page cache would hide an outage from anonymous page views; the checks want to see the app itself.
        env = app_env(tmp, database_url, PAGE_CACHE_SECONDS="0", GUNICORN_TIMEOUT="20")
        print(f"== faults on {db}: preparing ==", flush=True)
        setup = prepare_site(env, tmp, LOAD_USERS)
        server = stack.enter_context(Gunicorn("wsgi:app", env, tmp, name="site", respect_permissions=True))
        site = Site(server, env, database_url, setup, (tmp / "tokens.txt").read_text().split())
        for name in faults:
            print(f"== {name} ==", flush=True)
            try:
                RUNNERS[name](site)
            except Exception as error:  # a fault check that crashes is a failed check, not a lost report
                site.check(name, "ran to the end", False, f"{type(error).__name__}: {error}")
        if any(not c.ok for c in site.checks):
            print(f"-- gunicorn log (last lines) --\n{server.log_tail(1500)}")
    shutil.rmtree(tmp, ignore_errors=True)
    return site.checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--only", default=",".join(FAULTS), help="comma-separated: " + ",".join(FAULTS))
    args = parser.parse_args()
    faults = [name for name in args.only.split(",") if name]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    if args.db == "sqlite" and "postgres" in faults:
        faults.remove("postgres")
        print("(postgres fault skipped: it needs --db postgres)")
    print(f"command: python -m bench.faults {' '.join(sys.argv[1:])}; load average {os.getloadavg()[0]:.2f}")
    checks = run(faults, args.db)
    failed = [c for c in checks if not c.ok]
    print(f"\n{len(checks) - len(failed)}/{len(checks)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
