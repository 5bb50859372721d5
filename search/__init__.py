"""Search: one index over articles, videos and the forum; analyzers, indexer, query service, analytics."""
from flask import Flask
from sqlalchemy.engine import make_url

BACKENDS = ("whoosh", "postgres")


def make_backend(app: Flask):
    """The configured backend. PostgreSQL full text needs the application's database to be PostgreSQL."""
    name = app.config.get("SEARCH_BACKEND", "whoosh")
    if name == "whoosh":
        from search.whoosh_backend import WhooshBackend
        return WhooshBackend(app.config["SEARCH_INDEX_DIR"])
    if name == "postgres":
        if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL database (DATABASE_URL=postgresql://…); "
                               "use SEARCH_BACKEND=whoosh with SQLite.")
        from core.extensions import db
        from search.pg_backend import PostgresBackend
        return PostgresBackend(lambda: db.engine)
    raise RuntimeError(f"Unknown SEARCH_BACKEND {name!r} (available: {', '.join(BACKENDS)})")


def index_health(app: Flask):
    """/healthz check: the index answers a real query; pending retries are reported (stale, not broken)."""
    from search.backend import SearchUnavailable

    def check() -> tuple[bool, str]:
        backend = app.extensions["search"].backend
        try:
            detail = backend.health()
            pending = backend.pending()
        except SearchUnavailable:
            return False, "index unavailable"
        if pending:
            shown = ", ".join(pending[:10]) + (" …" if len(pending) > 10 else "")
            detail += f"; {len(pending)} pending retry: {shown}"
        return True, detail

    return check


def init_app(app: Flask) -> None:
    from search import cli, indexer, models, views  # noqa: F401  (models: tables for create_all/migrations)
    from search.service import SearchService

    app.extensions["search"] = SearchService(make_backend(app))
    from core import tally
    from search import analytics
    tally.register(app, analytics.SEARCHES_TALLY, analytics.write_search_tally)
    indexer.install()
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.search_cli)
    from core.health import register_health_check
    from core.templating import add_nav_link
    from flask_babel import lazy_gettext as _l

    # Search down means degraded, not down: pages without search keep working (core/health.py).
    register_health_check(app, "search", index_health(app), critical=False)
    add_nav_link(app, "search.analytics", _l("Suchanalyse"), editors_only=True)
