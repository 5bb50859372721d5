"""Search: one index over articles, videos and the forum; analyzers, indexer, query service, analytics."""
from flask import Flask


def init_app(app: Flask) -> None:
    from search import views

    app.register_blueprint(views.bp)
