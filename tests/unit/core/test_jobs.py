"""Jobs run inline without Redis, and through a real RQ queue on the local Redis when REDIS_URL is set.

Redis tests skip when no Redis answers on 127.0.0.1:6379, except with REQUIRE_REDIS=1 (CI), where that fails.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from core import jobs
from core.extensions import db
from core.models import AuditLog
from tests.redis_queue import REDIS, queued, require_redis, work


def _actions():
    return db.session.execute(select(AuditLog.action)).scalars().all()


def test_without_redis_jobs_run_inline(app):
    assert jobs.enqueue("tests.jobs_tasks:record", "inline") is None
    assert _actions() == ["inline"]


def test_unknown_task_fails_fast(app):
    with pytest.raises((ValueError, ImportError, AttributeError)):
        jobs.enqueue("tests.jobs_tasks:nope")


@pytest.fixture
def redis_app(app):
    yield from queued(app)


def test_with_redis_jobs_are_queued_and_run_by_a_worker(redis_app):
    job_id = jobs.enqueue("tests.jobs_tasks:record", "queued")
    assert job_id is not None
    assert _actions() == []  # not run yet
    work(redis_app)
    db.session.expire_all()
    assert _actions() == ["queued"]


def test_failed_jobs_are_retried_then_listed_and_can_be_requeued(redis_app, runner):
    from rq import Retry
    q = jobs.queue(redis_app)
    q.enqueue_call("core.jobs.execute", args=("tests.jobs_tasks:explode", ["kaputt"], {}),
                   description="tests.jobs_tasks:explode", retry=Retry(max=1), failure_ttl=60)
    work(redis_app)  # first attempt fails, retry re-queues it, second attempt fails for good
    failed = jobs.failed_jobs(redis_app)
    assert len(failed) == 1 and "kaputt" in failed[0]["error"]
    result = runner.invoke(args=["jobs", "failed"])
    assert result.exit_code == 0 and "tests.jobs_tasks:explode" in result.output
    assert jobs.requeue_failed(app=redis_app) == 1
    assert len(q) == 1


def test_rate_limits_use_redis_when_configured(tmp_path, monkeypatch):
    from core import create_app
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "REDIS_URL": REDIS,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS


def test_jobs_commands_explain_when_redis_is_missing(runner):
    result = runner.invoke(args=["jobs", "failed"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_two_workers_share_rate_limits_through_redis(tmp_path, monkeypatch):
    require_redis()
    from tests.conftest import make_test_app
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute", "REDIS_URL": REDIS,
                "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex[:8]}"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_test_app(tmp_path / "a", None, **settings)
    second = make_test_app(tmp_path / "b", None, **settings)
    for each in (first, second):
        with each.app_context():
            db.create_all()
    form = {"login": "x", "password": "yyyyyyyyyy"}
    assert first.test_client().post("/anmelden", data=form).status_code == 401
    assert second.test_client().post("/anmelden", data=form).status_code == 401
    assert first.test_client().post("/anmelden", data=form).status_code == 429
    assert second.test_client().post("/anmelden", data=form).status_code == 429


def test_failed_job_page_is_for_admins_only(app, client, auth):
    from tests.factories import make_user
    admin, editor = make_user(role="admin"), make_user(role="editor")
    db.session.commit()
    auth.login(editor)
    assert client.get("/admin/jobs").status_code == 403
    auth.logout()
    auth.login(admin)
    response = client.get("/admin/jobs")
    assert response.status_code == 200 and "REDIS_URL" in response.get_data(as_text=True)
    assert client.post("/admin/jobs/erneut").status_code == 400


def test_failed_job_page_lists_failures(redis_app, client, auth):
    from tests.factories import make_user
    admin = make_user(role="admin")
    db.session.commit()
    jobs.queue(redis_app).enqueue_call("core.jobs.execute", args=("tests.jobs_tasks:explode", ["boom-42"], {}),
                                       description="tests.jobs_tasks:explode")
    work(redis_app)
    auth.login(admin)
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "tests.jobs_tasks:explode" in html and "boom-42" in html
    assert client.post("/admin/jobs/erneut").status_code == 302
    assert len(jobs.queue(redis_app)) == 1


def test_worker_command_runs_the_scheduler_so_a_retry_after_an_interval_runs(redis_app, tmp_path):
    """A failed job with a retry interval is parked as a scheduled job; only RQ's scheduler brings it back."""
    redis_app.config["JOBS_RETRY_INTERVALS"] = [1]
    marker = tmp_path / "attempted"
    job_id = jobs.enqueue("tests.unit.core.retry_tasks:fail_first_attempt", str(marker), "retried")
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "REDIS_URL": REDIS, "JOBS_QUEUE": redis_app.config["JOBS_QUEUE"],
           "DATABASE_URL": redis_app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "w" * 32,
           "SEARCH_INDEX_DIR": str(tmp_path / "worker-index"), "MEDIA_DIR": str(tmp_path / "media"),
           "LOG_FORMAT": "off"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and worker.poll() is None:
            db.session.expire_all()
            if _actions() == ["retried"]:
                break
            time.sleep(0.3)
    finally:
        worker.send_signal(signal.SIGTERM)  # warm shutdown also stops the scheduler process
        try:
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output = worker.communicate()[0].decode(errors="replace")
    assert marker.exists(), f"the worker never ran the job:\n{output[-2000:]}"
    assert _actions() == ["retried"], f"the retry after 1 s never ran:\n{output[-2000:]}"
    from rq.job import Job
    assert Job.fetch(job_id, connection=jobs.queue(redis_app).connection).get_status() == "finished"


def test_failed_job_page_is_reachable_from_the_admin_navigation(app, client, auth):
    import re

    from tests.factories import make_user
    admin = make_user(role="admin")
    db.session.commit()
    auth.login(admin)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/benutzer"' in home
    users_page = client.get("/admin/benutzer").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', users_page)
    assert "/admin/jobs" in links
    assert 'href="/admin/benutzer" aria-current="page"' in users_page
