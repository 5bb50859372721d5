"""Domain exceptions and the one place that turns errors into friendly HTML pages or JSON."""
from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger("helpcenter.errors")
# Seconds a client (or a proxy) should wait before trying again while the database is unreachable.
RETRY_AFTER = 5


class DomainError(Exception):
    """A rule was broken by the input; shown to the user, status 422 by default."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, details=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
          500: "server_error", 503: "unavailable"}


def _titles() -> dict[int, str]:
    return {
        400: _("Ungültige Anfrage"),
        401: _("Bitte melden Sie sich an"),
        403: _("Kein Zugriff"),
        404: _("Seite nicht gefunden"),
        405: _("Methode nicht erlaubt"),
        413: _("Anfrage zu gross"),
        422: _("Eingabe prüfen"),
        429: _("Zu viele Anfragen"),
        500: _("Ein Fehler ist aufgetreten"),
        503: _("Vorübergehend nicht verfügbar"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("Die Anfrage konnte nicht verarbeitet werden."),
        401: _("Für diese Seite müssen Sie angemeldet sein."),
        403: _("Sie haben keine Berechtigung für diese Aktion."),
        404: _("Diese Seite gibt es nicht (mehr). Vielleicht hilft Ihnen die Suche weiter."),
        405: _("Diese Aktion ist hier nicht möglich."),
        413: _("Die gesendeten Daten sind zu gross."),
        422: _("Bitte prüfen Sie Ihre Eingabe."),
        429: _("Bitte warten Sie einen Moment und versuchen Sie es dann erneut."),
        500: _("Wir kümmern uns darum. Bitte versuchen Sie es später erneut."),
        503: _("Dieser Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."),
    }


def error_response(status: int, message: str | None = None, code: str | None = None, details=None,
                   standalone: bool = False) -> Response:
    """JSON for the API, else the friendly page; `standalone` renders without the base layout's queries."""
    code = code or _CODES.get(status, "error")
    message = message or _explanations().get(status, "")
    if wants_json():
        body = {"error": code, "message": message}
        if details is not None:
            body["details"] = details
        return make_response(jsonify(body), status)
    title = _titles().get(status, _("Fehler"))
    if not standalone:
        try:
            return make_response(render_template("errors/error.html", status=status, title=title, message=message,
                                                 details=details), status)
        except Exception:  # the layout itself failed (e.g. a context processor's query): never a bare 500
            log.exception("error page for %s failed to render; using the standalone page", status)
            _rollback_quietly()
    return make_response(standalone_page(status, title, message), status)


def standalone_page(status: int, title: str, message: str) -> str:
    """The error page without context processors and current_user: it renders with the database down."""
    from flask_babel import get_locale
    config = current_app.config
    template = current_app.jinja_env.get_template("errors/standalone.html")
    return template.render(status=status, title=title, message=message, site_name=config["SITE_NAME"],
                           support_phone=config["SUPPORT_PHONE"], support_hours=config["SUPPORT_HOURS"],
                           current_locale=str(get_locale()))


def _rollback_quietly() -> None:
    from core.extensions import db
    try:
        db.session.rollback()
    except Exception:  # a dead connection can't roll back; the pool discards it
        log.debug("rollback failed", exc_info=True)


def is_database_unavailable(error: BaseException) -> bool:
    """Connection lost or refused, pool exhausted, database locked: the database, not the request, is at fault."""
    if isinstance(error, PoolTimeout):
        return True
    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)


def database_unavailable_response():
    _rollback_quietly()
    response = error_response(503, _("Der Dienst ist gerade überlastet oder wird gewartet. Bitte versuchen Sie es "
                                     "in wenigen Sekunden erneut."), "unavailable", standalone=True)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        return error_response(error.status, error.message, error.code, error.details)

    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):
        return error_response(400, _("Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu."),
                              "csrf_failed")

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        status = error.code or 500
        original = getattr(error, "original_exception", None)
        if status == 500 and original is not None and is_database_unavailable(original):
            return database_unavailable_response()
        message = None
        if status == 429:
            message = _("Zu viele Anfragen. Bitte warten Sie einen Moment.")
        response = error_response(status, message)
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if is_database_unavailable(error):
            log.warning("database unavailable on %s %s: %s", request.method, request.path,
                        (str(error).splitlines() or [""])[0][:200])
            return database_unavailable_response()
        from core.logging_setup import log_unhandled
        log_unhandled(error)
        _rollback_quietly()
        return error_response(500)
