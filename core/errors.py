"""Domain exceptions and the one place that turns errors into friendly HTML pages or JSON."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


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


def error_response(status: int, message: str | None = None, code: str | None = None, details=None):
    code = code or _CODES.get(status, "error")
    if wants_json():
        body = {"error": code, "message": message or _explanations().get(status, "")}
        if details is not None:
            body["details"] = details
        return jsonify(body), status
    title = _titles().get(status, _("Fehler"))
    return render_template("errors/error.html", status=status, title=title,
                           message=message or _explanations().get(status, ""), details=details), status


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
        message = None
        if status == 429:
            message = _("Zu viele Anfragen. Bitte warten Sie einen Moment.")
        response = error_response(status, message)
        if status == 405 and getattr(error, "valid_methods", None):
            response[0].headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from core.extensions import db
        db.session.rollback()
        return error_response(500)
