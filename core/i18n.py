"""Languages: German by default, English second; chosen by the switcher, then Accept-Language."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale, refresh

from core.extensions import babel

bp = Blueprint("i18n", __name__)

ROOT = Path(__file__).resolve().parent.parent
# One catalog per package, merged by Flask-Babel, so packages never edit each other's translations.
TRANSLATION_PACKAGES = ("core", "kb", "kb/videos", "content", "community", "search", "api")


def translation_directories() -> list[str]:
    return [str(ROOT / pkg / "translations") for pkg in TRANSLATION_PACKAGES if (ROOT / pkg / "translations").is_dir()]


def compile_catalogs() -> int:
    """Compile every .po into .mo when missing or older; returns how many were compiled."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = 0
    for directory in translation_directories():
        for po_path in Path(directory).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog)
            compiled += 1
    return compiled


def select_locale() -> str:
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    if not has_request_context():  # CLI, jobs and services called outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_without_session(app: Flask, accept_language: str | None) -> str:
    """select_locale() for a visitor without a session: from the Accept-Language header alone."""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    best = parse_accept_header(accept_language, LanguageAccept).best_match(app.config["BABEL_SUPPORTED_LOCALES"])
    return best or app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site relative paths, so the switcher and login can't be used as open redirects."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


@bp.route("/sprache/<code>")
def switch_language(code: str):
    if code in current_app.config["BABEL_SUPPORTED_LOCALES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("kb.home")))


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    # Flask-Babel caches the locale on the app context, which a request may share (e.g. in tests): choose afresh.
    app.before_request(refresh)

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale())}
