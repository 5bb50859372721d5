"""A real RQ queue on the local Redis for the job tests (database 15, a queue name of its own per test).

Tests skip when no Redis answers, except with REQUIRE_REDIS=1 (.ci/run sets it when Redis answers), where a missing
Redis is a failure."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from core import jobs

REDIS = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        from redis import Redis
        return bool(Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


def require_redis() -> None:
    if redis_answers():
        return
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail("REQUIRE_REDIS=1 but no Redis answers on 127.0.0.1:6379")
    pytest.skip("no Redis on 127.0.0.1:6379 (REQUIRE_REDIS=1 makes this a failure)")


def queued(app, prefix: str = "test", **config) -> Iterator:
    """For a fixture: ``yield from queued(app, …)`` gives the app with jobs going to a fresh queue, emptied after."""
    require_redis()
    app.config.update(REDIS_URL=REDIS, JOBS_QUEUE=f"{prefix}-{uuid.uuid4().hex[:8]}", **config)
    yield app
    q = jobs.queue(app)
    q.empty()
    for registry in (q.failed_job_registry, q.finished_job_registry, q.scheduled_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


def work(app) -> None:
    """Run the queue's jobs in this process until it is empty (due retries included)."""
    from rq import SimpleWorker
    q = jobs.queue(app)
    SimpleWorker([q], connection=q.connection).work(burst=True)
