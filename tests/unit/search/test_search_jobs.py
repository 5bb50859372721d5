"""`flask search reindex --background`: inline without Redis, an RQ job run by a worker with it."""
import pytest

from core import jobs
from core.extensions import db
from search import service
from tests.factories import make_article
from tests.redis_queue import queued, work


def _unindexed_article(app):
    """An article the index does not have yet (indexing after commit switched off while it is saved)."""
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    article = make_article(title="Glasfaser aktivieren")
    db.session.commit()
    assert service.run("Glasfaser", log_it=False).results.total == 0
    return article


def test_background_reindex_without_redis_runs_inline(app, runner):
    _unindexed_article(app)
    generation = app.extensions["search"].backend.current_dir()
    result = runner.invoke(args=["search", "reindex", "--background", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "Kein REDIS_URL" in result.output
    assert app.extensions["search"].backend.current_dir() != generation
    assert service.run("Glasfaser", log_it=False).results.total == 1


@pytest.fixture
def redis_app(app):
    yield from queued(app)


def test_background_reindex_with_redis_is_queued_and_run_by_a_worker(redis_app, runner):
    _unindexed_article(redis_app)
    backend = redis_app.extensions["search"].backend
    generation = backend.current_dir()
    result = runner.invoke(args=["search", "reindex", "--background", "--procs", "1"])
    assert result.exit_code == 0, result.output
    q = jobs.queue(redis_app)
    assert q.job_ids and q.job_ids[0] in result.output
    assert backend.current_dir() == generation  # queued, not run
    work(redis_app)
    assert not q.failed_job_registry.get_job_ids()
    assert backend.current_dir() != generation
    assert service.run("Glasfaser", log_it=False).results.total == 1
