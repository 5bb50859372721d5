"""Rate limits on community writes (issue 5 point 11), shared by the pages and the JSON API.

Each action (ask, answer, comment, vote, flag) has one budget per signed-in user (per IP address for anonymous
requests), and all community writes from one IP address share one more budget (several accounts behind one
address). Flask-Limiter's shared limits name the budget by scope, not by endpoint, so a question asked through
the page and one asked through the API draw on the same budget.
"""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from core.extensions import limiter

ACTIONS = ("ask", "answer", "comment", "vote", "flag")


def user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return ip_key()


def ip_key() -> str:
    return f"ip:{request.remote_addr or '-'}"


def community_limit(action: str, methods: tuple[str, ...] = ("POST",)):
    """Decorator: the action's per-user budget (config COMMUNITY_RATE_LIMIT_<ACTION>) and the per-IP budget for
    all community writes (COMMUNITY_RATE_LIMIT_IP). Only the given methods count (GET shows the form)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown community action {action!r}")
    setting = f"COMMUNITY_RATE_LIMIT_{action.upper()}"
    per_user = limiter.shared_limit(lambda: current_app.config[setting], scope=f"community-{action}",
                                    key_func=user_key, methods=list(methods))
    per_ip = limiter.shared_limit(lambda: current_app.config["COMMUNITY_RATE_LIMIT_IP"], scope="community-ip",
                                  key_func=ip_key, methods=list(methods))

    def decorator(view):
        return per_ip(per_user(view))
    return decorator
