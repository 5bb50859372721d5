"""Search: one index over articles, videos and the forum; analyzers, indexer, query service, analytics."""
from flask import Flask


def init_app(app: Flask) -> None:
    from search import cli, indexer, models, views  # noqa: F401  (models: tables for create_all/migrations)
    from search.service import SearchService

    backend_name = app.config.get("SEARCH_BACKEND", "whoosh")
    if backend_name != "whoosh":
        raise RuntimeError(f"Unknown SEARCH_BACKEND {backend_name!r} (available: whoosh)")
    from search.whoosh_backend import WhooshBackend

    app.extensions["search"] = SearchService(WhooshBackend(app.config["SEARCH_INDEX_DIR"]))
    indexer.install()
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.search_cli)
    from core.templating import add_nav_link
    from flask_babel import lazy_gettext as _l

    add_nav_link(app, "search.analytics", _l("Suchanalyse"), editors_only=True)
