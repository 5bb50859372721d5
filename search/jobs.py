"""Background jobs of the search package, run through core.jobs (RQ with REDIS_URL, otherwise inline)."""
from __future__ import annotations

import logging

from flask import current_app

from search import indexer

log = logging.getLogger(__name__)


def reindex(procs: int = 1) -> int:
    """`flask search reindex --background`: the full rebuild, in a worker instead of the caller's terminal."""
    count = indexer.reindex(current_app._get_current_object(), procs=procs)
    log.info("search: reindexed %d documents", count)
    return count
