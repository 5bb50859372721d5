"""Knowledge base: categories, articles, videos and the customer-facing pages, feeds and status banner."""
from flask import Flask


def init_app(app: Flask) -> None:
    from kb import models  # noqa: F401  (register tables)
    from kb import feeds, views
    import kb.videos
    from kb.videos import models as video_models  # noqa: F401

    views.init_app(app)
    app.register_blueprint(feeds.bp)
    # The video tutorials live in kb/videos (another engineer's package); it hooks in when it has an init_app.
    if hasattr(kb.videos, "init_app"):
        kb.videos.init_app(app)
