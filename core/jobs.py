"""Background jobs: an RQ queue on Redis when REDIS_URL is set, otherwise inline (the embedded default).

Tasks are named "module:function" and run inside an app context; the worker commits once after the task.
Failed jobs are retried (3 times, backing off: JOBS_RETRY_INTERVALS seconds) and stay visible in the failed-job
list for a week. Retries with an interval are scheduled jobs: only a worker running RQ's scheduler
(`flask jobs worker`) ever runs them.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from flask import Flask, current_app, has_app_context

from core.extensions import db

RETRY_INTERVALS = [10, 60, 300]
FAILURE_TTL = 7 * 24 * 3600


def _resolve(task: str):
    module, _, name = task.partition(":")
    if not module or not name:
        raise ValueError(f"task must be 'module:function', got {task!r}")
    return getattr(importlib.import_module(module), name)


def redis_connection(app: Flask | None = None):
    from redis import Redis

    app = app or current_app
    return Redis.from_url(app.config["REDIS_URL"])


def queue(app: Flask | None = None):
    from rq import Queue

    app = app or current_app
    return Queue(app.config.get("JOBS_QUEUE", "helpcenter"), connection=redis_connection(app))


def uses_queue(app: Flask | None = None) -> bool:
    app = app or current_app
    return bool(app.config.get("REDIS_URL")) and not app.config.get("JOBS_INLINE")


def enqueue(task: str, *args, **kwargs) -> str | None:
    """Run `task` in the background (returns the job id) or, without Redis, right now (returns None)."""
    _resolve(task)  # fail fast on a typo, in the caller's process
    if not uses_queue():
        _resolve(task)(*args, **kwargs)
        return None
    from rq import Retry

    intervals = list(current_app.config.get("JOBS_RETRY_INTERVALS", RETRY_INTERVALS))
    job = queue().enqueue_call("core.jobs.execute", args=(task, list(args), kwargs), description=task,
                               retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
                               failure_ttl=FAILURE_TTL)
    return job.id


@lru_cache(maxsize=1)
def _worker_app() -> Flask:
    from core import create_app
    return create_app()


def execute(task: str, args: list, kwargs: dict):
    """Entry point inside the RQ worker."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        try:
            result = _resolve(task)(*args, **kwargs)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise


def run_worker(burst: bool = False, app: Flask | None = None) -> bool:
    """Work the queue with RQ's scheduler, which moves retries (and other scheduled jobs) back when they are due."""
    from rq import Worker

    q = queue(app)
    return Worker([q], connection=q.connection).work(burst=burst, with_scheduler=True)


def failed_jobs(app: Flask | None = None) -> list[dict]:
    from rq.job import Job

    q = queue(app)
    registry = q.failed_job_registry
    jobs = []
    for job_id in registry.get_job_ids():
        job = Job.fetch(job_id, connection=q.connection)
        jobs.append({"id": job.id, "task": job.description, "ended_at": job.ended_at,
                     "error": (job.latest_result().exc_string if job.latest_result() else "")})
    return jobs


def requeue_failed(job_id: str | None = None, app: Flask | None = None) -> int:
    registry = queue(app).failed_job_registry
    ids = [job_id] if job_id else registry.get_job_ids()
    for each in ids:
        registry.requeue(each)
    return len(ids)
