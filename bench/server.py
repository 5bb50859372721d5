"""Shared by the load benchmark, the fault checks and the `make serve` smoke test: a throwaway database, the app
prepared on it, gunicorn under the production config (core/gunicorn_conf.py) started and stopped by pid file,
and HTTP probes that never raise on an error status."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "core" / "gunicorn_conf.py"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


@contextmanager
def temporary_postgres_database(prefix: str = "hc_bench", admin_url: str = PG_ADMIN):
    """A new, empty database with a unique name (yields its URL), dropped afterwards; never touches others."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(sqlalchemy_url(admin_url))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    # pre-ping: the fault checks restart PostgreSQL, which kills the pooled connection this engine keeps
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


def app_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Environment for the app under test: its own instance folder, index, media and secret; no rate limits."""
    return {"INSTANCE_PATH": str(tmp / "instance"), "SEARCH_INDEX_DIR": str(tmp / "index"),
            "MEDIA_DIR": str(tmp / "media"), "DATABASE_URL": database_url, "RATELIMIT_ENABLED": "false",
            "SECRET_KEY": secrets.token_hex(32), "LOG_FORMAT": "off", "REDIS_URL": "", **extra}


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`flask --app wsgi …` in a subprocess with the app's environment."""
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, check=check, timeout=600)


def prepare_site(env: dict, tmp: Path, users: int) -> dict:
    """bench/prepare.py in a subprocess with the app's environment; returns its setup.json."""
    import json
    tmp.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([sys.executable, "-m", "bench.prepare", str(tmp), str(users)], cwd=ROOT,
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"prepare failed: {result.stderr[-1500:]}")
    return json.loads((tmp / "setup.json").read_text())


def fetch(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
          timeout: float = 5) -> tuple[int, str, dict]:
    """(status, body, headers); status 0 when nothing answered."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)
    except (OSError, urllib.error.URLError):
        return 0, "", {}


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn -c core/gunicorn_conf.py APP, on its own port, stopped by the master pid from its pid file."""

    def __init__(self, app_spec: str, env: dict, tmp: Path, *, port: int | None = None, workers: int = 2,
                 name: str = "gunicorn", probe: str = "/healthz", respect_permissions: bool = False):
        self.app_spec, self.env, self.tmp, self.name, self.probe = app_spec, env, tmp, name, probe
        # As root, file permissions don't bind; drop the override so a read-only folder is read-only to the app.
        self.prefix = (["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                        "--bounding-set=-dac_override,-dac_read_search", "--"]
                       if respect_permissions and os.geteuid() == 0 else [])
        self.port = port or free_port()
        self.workers = workers
        self.pidfile = tmp / f"{name}.pid"
        self.logfile = tmp / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 60) -> Gunicorn:
        self.tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "WEB_CONCURRENCY": str(self.workers)}
        self.process = subprocess.Popen(
            [*self.prefix, str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{self.port}",
             "--pid", str(self.pidfile), self.app_spec],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.logfile.open("w"))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            if fetch(self.url + self.probe, timeout=2)[0] and len(self.worker_pids()) == self.workers:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {wait:.0f} s: {self.log_tail()}")

    def master_pid(self) -> int:
        return int(self.pidfile.read_text().strip())

    def worker_pids(self) -> list[int]:
        try:
            master = self.master_pid()
        except (OSError, ValueError):
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def log_tail(self, chars: int = 2000) -> str:
        return self.logfile.read_text(errors="replace")[-chars:] if self.logfile.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.kill(self.master_pid(), signal.SIGTERM)
        except (OSError, ValueError):
            self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
