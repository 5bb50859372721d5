"""JSON API v1: one blueprint under /api, bearer-token or session+CSRF auth for writes, and the OpenAPI document.

Feature packages add their routes in their own ``api.py`` (listed in API_MODULES) using ``bp`` and ``openapi``.
"""
from __future__ import annotations

import importlib
import importlib.util

from flask import Blueprint, Flask, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from api import openapi
from core.errors import DomainError
from core.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
API_MODULES = ("kb.api", "kb.videos.api", "search.api", "community.api")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


@bp.before_request
def check_write_auth():
    """Writes need a valid bearer token, or a logged-in session that sends its CSRF token in X-CSRFToken."""
    token = _bearer_token()
    if token is not None and not current_user.is_authenticated:
        raise DomainError(_("Ungültiges oder widerrufenes API-Token."), code="invalid_token", status=401)
    if request.method not in WRITE_METHODS:
        return None
    if not current_user.is_authenticated:
        raise DomainError(_("Anmeldung oder API-Token erforderlich."), code="unauthorized", status=401)
    if token is None:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (ValidationError, CSRFError):
            raise DomainError(_("CSRF-Token fehlt oder ist ungültig."), code="csrf_failed", status=400) from None
    return None


@bp.route("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


def json_body() -> dict:
    """The request's JSON object, or a 400 with a clear message."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_("Erwartet wird ein JSON-Objekt im Request-Body."), code="bad_request", status=400)
    return data


def init_app(app: Flask) -> None:
    from core import accounts
    from core.extensions import login_manager

    @login_manager.request_loader
    def load_user_from_bearer(req):
        header = req.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return accounts.user_for_token(header[7:].strip())
        return None

    csrf.exempt(bp)
    for name in API_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    app.register_blueprint(bp)
