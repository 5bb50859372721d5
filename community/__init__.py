"""Community: questions, answers, votes, reputation, badges, superusers and moderation."""
from flask import Flask


def init_app(app: Flask) -> None:
    pass
