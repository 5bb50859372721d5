"""Content: editor workflow, revisions, rendering (the one sanitizer), importers and demo content."""
from flask import Flask


def init_app(app: Flask) -> None:
    from content import cli, render, views

    cli.init_app(app)
    views.init_app(app)
    # {{ stored_html|expand_shortcodes }}: HTML stored by render_markdown(..., defer_shortcodes=True), served.
    app.add_template_filter(render.stored_html, "expand_shortcodes")
