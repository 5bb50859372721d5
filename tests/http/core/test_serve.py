"""`make serve` for real: gunicorn from the Makefile's command answers /healthz and a hashed static file with a
one-year cache, logs JSON lines, and stops by its pid file."""
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.server import ROOT, fetch, free_port

pytestmark = pytest.mark.slow


def test_make_serve_answers_and_stops_by_pid_file(tmp_path):
    port = free_port()
    pidfile = tmp_path / "gunicorn.pid"
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "SEARCH_INDEX_DIR": str(tmp_path / "index"),
           "MEDIA_DIR": str(tmp_path / "media"), "BIND": f"127.0.0.1:{port}", "PIDFILE": str(pidfile),
           "WEB_CONCURRENCY": "2", "REDIS_URL": ""}
    env.pop("SECRET_KEY", None)  # generated into the instance folder, as on a real first start
    env.pop("LOG_FORMAT", None)  # make serve's default: JSON
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (pidfile.exists() and fetch(base + "/healthz")[0]):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            time.sleep(0.3)
        status, body, _ = fetch(base + "/healthz")
        assert status == 200, body
        assert json.loads(body)["checks"]["database"]["ok"] is True

        status, html, _ = fetch(base + "/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', html).group(1)
        status, css, headers = fetch(base + stylesheet)
        cache = {part.strip().split("=")[0]: part for part in headers["Cache-Control"].split(",")}
        assert status == 200 and css and "immutable" in cache and "no-cache" not in cache
        assert cache["max-age"].strip() == "max-age=31536000"

        master = int(pidfile.read_text())
        os.kill(master, signal.SIGTERM)
        server.wait(timeout=30)
        assert fetch(base + "/healthz", timeout=1)[0] == 0, "still answering after SIGTERM to the pid file's pid"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    output = (tmp_path / "serve.log").read_text()
    request_lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"method"')]
    assert {"method": "GET", "path": "/healthz", "status": 200} in [
        {k: entry[k] for k in ("method", "path", "status")} for entry in request_lines], output[-2000:]
    assert all(isinstance(entry["duration_ms"], float) for entry in request_lines)
    assert Path(env["INSTANCE_PATH"], "secret_key").exists()
