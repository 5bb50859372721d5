"""Community: questions, answers, votes, reputation, badges, superusers and moderation."""
from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

DEFAULTS = {
    "COMMUNITY_PER_PAGE": 20,
    # Flask-Limiter strings, counted per signed-in user (else per IP), pages and API together (community.limits).
    "COMMUNITY_RATE_LIMIT_ASK": "3 per minute;20 per day",
    "COMMUNITY_RATE_LIMIT_ANSWER": "6 per minute;60 per day",
    "COMMUNITY_RATE_LIMIT_COMMENT": "10 per minute;100 per day",
    "COMMUNITY_RATE_LIMIT_VOTE": "30 per minute;300 per day",
    "COMMUNITY_RATE_LIMIT_FLAG": "10 per minute;50 per day",
    # All community writes from one IP address together (several accounts behind one address).
    "COMMUNITY_RATE_LIMIT_IP": "60 per minute;1000 per day",
    # Posting links needs this much reputation, whatever the account's age (moderators and staff always may).
    "COMMUNITY_LINK_MIN_REPUTATION": 10,
    # Posts with this many open flags are hidden until a moderator decides.
    "COMMUNITY_FLAG_HIDE_THRESHOLD": 3,
    "SUPERUSER_MIN_ACCOUNT_DAYS": 0,
    # Private contact shown when the personal data guard refuses a post.
    "COMMUNITY_CONTACT_URL": "mailto:kundendienst@example.ch",
}


def init_app(app: Flask) -> None:
    from community import cli, models  # noqa: F401  (register tables)
    from community import permissions, views
    from core.templating import add_nav_link, set_profile_url

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    cli.init_app(app)
    app.register_blueprint(views.bp)
    from community.services import VIEWS_TALLY, write_view_tally
    from core import tally
    tally.register(app, VIEWS_TALLY, write_view_tally)
    app.jinja_env.globals.update(permissions.PREDICATES)
    from community.services import KIND_NAMES
    from flask_babel import format_timedelta
    from core.models import utcnow
    app.jinja_env.globals.update(guard_kind_names=KIND_NAMES, format_timedelta=format_timedelta, now_utc=utcnow)
    app.jinja_env.filters["cm_iso"] = lambda value: value.replace(microsecond=0).isoformat() + "Z"
    add_nav_link(app, "community.index", _l("Community"))
    set_profile_url(app, lambda user: url_for("community.profile", username=user.username))
    from community.demo import load_demo_threads
    from content.demo import register_demo_step
    register_demo_step("Community", 40, load_demo_threads)
    # Notifications, mail, feeds, reminders, answer→article (issue 5, notifications engineer): keep this line.
    from community import notifications
    notifications.init_app(app)
