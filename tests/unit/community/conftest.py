"""Community job tests against the local Redis (DB 15, a queue of their own). They skip when no Redis answers,
except with REQUIRE_REDIS=1 (CI), where a missing Redis is a failure."""
from __future__ import annotations

import pytest

from tests.redis_queue import queued, work as run_jobs


@pytest.fixture
def redis_app(app):
    # retries at once, so a burst worker runs them
    yield from queued(app, "test-community", JOBS_RETRY_INTERVALS=[0, 0, 0])


@pytest.fixture
def work(redis_app):
    """Run the test queue's jobs in this process, in the test's app context, until it is empty."""
    return lambda: run_jobs(redis_app)
