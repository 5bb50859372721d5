"""Template globals shared by every package: site settings and the role predicates."""
from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime

from core import permissions


def _tel_href(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "+41" + digits[1:]
    return "tel:" + digits


def add_nav_link(app: Flask, endpoint: str, label, *, editors_only: bool = False) -> None:
    """Feature packages add their entries to the main navigation (label: a lazy_gettext string)."""
    key = "editor_links" if editors_only else "nav_links"
    app.extensions.setdefault("helpcenter_nav", {"nav_links": [], "editor_links": []})[key].append((endpoint, label))


def set_profile_url(app: Flask, builder) -> None:
    """The community replaces the default profile link (password page) with its profile pages."""
    app.extensions["helpcenter_profile_url"] = builder


def _default_profile_url(user) -> str:
    return url_for("accounts.change_password")


def init_app(app: Flask) -> None:
    app.extensions.setdefault("helpcenter_nav", {"nav_links": [], "editor_links": []})
    app.jinja_env.globals.update(
        is_editor=permissions.is_editor,
        is_admin=permissions.is_admin,
        is_moderator=permissions.is_moderator,
        format_date=format_date,
        format_datetime=format_datetime,
    )
    app.jinja_env.filters["tel_href"] = _tel_href
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_settings():
        return {
            "site_name": app.config["SITE_NAME"],
            "support_phone": app.config["SUPPORT_PHONE"],
            "support_hours": app.config["SUPPORT_HOURS"],
            "current_path": request.full_path.rstrip("?") if request else "/",
            "nav_links": app.extensions["helpcenter_nav"]["nav_links"],
            "editor_links": app.extensions["helpcenter_nav"]["editor_links"],
            "user_profile_url": app.extensions.get("helpcenter_profile_url", _default_profile_url),
        }
