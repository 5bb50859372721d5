"""Community: questions, answers, votes, reputation, badges, superusers and moderation."""
from flask import Flask


def init_app(app: Flask) -> None:
    from community import models  # noqa: F401  (register tables)
    from community import notifications  # notifications, mail, feeds, reminders, answer→article (issue 5)
    notifications.init_app(app)
