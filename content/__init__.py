"""Content: editor workflow, revisions, rendering (the one sanitizer), importers and demo content."""
from flask import Flask


def init_app(app: Flask) -> None:
    from content import cli, views

    cli.init_app(app)
    views.init_app(app)
