"""Security headers on every response: a strict CSP with no inline script or style, and friends."""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from core.errors import error_response

# NUL can't be stored in a PostgreSQL text column and has no business in any text we accept: refuse it up front
# (URL, query string, form fields, JSON) instead of failing deep inside a write.
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}

# Third-party frames only from YouTube's privacy-enhanced domain, and only after consent (a click).
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src https://www.youtube-nocookie.com",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def request_has_nul() -> bool:
    if "\x00" in request.path:
        return True
    raw_query = request.environ.get("QUERY_STRING", "")
    # Only a percent-encoded (or raw) NUL decodes to NUL: don't parse every query string to find out.
    if ("%00" in raw_query or "\x00" in raw_query) and any(
            "\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        return True
    if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        return _contains_nul(request.get_json(silent=True))
    if request.mimetype in _FORM_TYPES:
        return any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True))
    return False


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the signing serializer built once per secret instead of twice per
    request (it showed up in the profile of cached pages)."""

    _cached: tuple = ((), None)

    def get_signing_serializer(self, app: Flask):
        secrets = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached_secrets, serializer = self._cached
        if cached_secrets != secrets:
            serializer = super().get_signing_serializer(app)
            self._cached = (secrets, serializer)
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.before_request
    def refuse_nul_characters():
        if request_has_nul():
            from flask_babel import gettext as _
            return error_response(400, _("Die Eingabe enthält ein unzulässiges Steuerzeichen (NUL)."),
                                  "invalid_character")
        return None

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
