"""Knowledge base: categories, articles, videos and the customer-facing pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    from kb import models  # noqa: F401  (register tables)
    from kb import views
    from kb.videos import models as video_models  # noqa: F401

    views.init_app(app)
