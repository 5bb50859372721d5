"""Community job tests against the local Redis (DB 15, a queue of their own). They skip when no Redis answers,
except with REQUIRE_REDIS=1 (CI), where a missing Redis is a failure."""
from __future__ import annotations

import os
import uuid

import pytest

from core import jobs

REDIS = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        from redis import Redis
        return bool(Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture
def redis_app(app):
    if not _redis_answers():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but no Redis answers on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379 (REQUIRE_REDIS=1 makes this a failure)")
    app.config.update(REDIS_URL=REDIS, JOBS_QUEUE=f"test-community-{uuid.uuid4().hex[:8]}",
                      JOBS_RETRY_INTERVALS=[0, 0, 0])  # retries at once, so a burst worker runs them
    yield app
    q = jobs.queue(app)
    q.empty()
    for registry in (q.failed_job_registry, q.finished_job_registry, q.scheduled_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


@pytest.fixture
def work(redis_app):
    """Run the test queue's jobs in this process, in the test's app context, until it is empty."""
    from rq import SimpleWorker

    def run() -> None:
        q = jobs.queue(redis_app)
        SimpleWorker([q], connection=q.connection).work(burst=True)
    return run
