"""Community: questions, answers, votes, reputation, badges, superusers and moderation."""
from flask import Flask


def init_app(app: Flask) -> None:
    from community import models  # noqa: F401  (register tables)
