"""Video tutorials: yt-dlp import, privacy-first playback, chapters and searchable transcripts."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from core.templating import add_nav_link
    from kb.videos import cli, models, shortcode, views  # noqa: F401

    app.register_blueprint(views.bp)
    cli.init_app(app)
    shortcode.init_app(app)
    add_nav_link(app, "videos.index", _l("Videos"))
