"""Application factory: configuration, extensions, accounts, errors, i18n, security; then the feature packages."""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask

from core import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.update(config_module.default_config(app.instance_path))
    app.config.update(config_module.from_environment())
    if test_config:
        app.config.update(test_config)
    _configure_secret(app)
    # The "remember me" cookie is as sensitive as the session: Secure whenever the session cookie is.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    # With Redis configured, rate limits are shared by all workers unless a storage was chosen explicitly.
    if app.config.get("REDIS_URL") and "RATELIMIT_STORAGE_URI" not in os.environ and not (
            test_config and "RATELIMIT_STORAGE_URI" in test_config):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", _normalise_db_url(app.config["DATABASE_URL"]))

    _configure_extensions(app)
    _configure_core(app)
    for name in app.config["FEATURES"]:
        importlib.import_module(name).init_app(app)
    return app


def _normalise_db_url(url: str) -> str:
    # psycopg 3 is our PostgreSQL driver; accept the common postgres:// and postgresql:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _configure_secret(app: Flask) -> None:
    secret = app.config.get("SECRET_KEY")
    if not secret:
        secret = config_module.load_or_create_secret(app.instance_path)
    if secret in config_module.KNOWN_INSECURE_SECRETS and not app.config.get("TESTING"):
        raise RuntimeError("SECRET_KEY is a known insecure value; unset it to generate one into instance/.")
    app.config["SECRET_KEY"] = secret


def _configure_extensions(app: Flask) -> None:
    from core.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from core.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, request, url_for
        from flask_babel import gettext as _

        from core.errors import error_response, wants_json
        if wants_json():
            return error_response(401, _("Anmeldung oder API-Token erforderlich."))
        flash(_("Bitte melden Sie sich an."), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _configure_core(app: Flask) -> None:
    from core import assets, cli, errors, health, i18n, logging_setup, page_cache, security, templating, views

    logging_setup.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    page_cache.init_app(app)  # after the NUL check and the language choice, which its lookup relies on
    templating.init_app(app)
    cli.init_app(app)
    assets.init_app(app)
    health.init_app(app)
    app.register_blueprint(views.bp)
