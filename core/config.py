"""Configuration: safe defaults, every setting overridable by an environment variable of the same name."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

# Values that must never protect a real deployment.
KNOWN_INSECURE_SECRETS = {"", "dev", "development", "secret", "changeme", "change-me", "test", "secret-key"}

# Settings read from the environment, with their types. Anything not listed here keeps its default.
_ENV_SETTINGS: dict[str, type] = {
    "DATABASE_URL": str,
    "SEARCH_INDEX_DIR": str,
    "SEARCH_BACKEND": str,
    "MEDIA_DIR": str,
    "REDIS_URL": str,
    "JOBS_QUEUE": str,
    "SECRET_KEY": str,
    "SUPPORT_PHONE": str,
    "SUPPORT_HOURS": str,
    "BABEL_DEFAULT_LOCALE": str,
    "RATELIMIT_ENABLED": bool,
    "RATELIMIT_STORAGE_URI": str,
    "SESSION_COOKIE_SECURE": bool,
    "MAIL_SENDER": str,
    "MAIL_FROM": str,
    "SITE_NAME": str,
    "SITE_URL": str,
    "CUSTOMER_NUMBER_PATTERN": str,
    "SUPERUSER_MIN_REPUTATION": int,
    "SUPERUSER_MIN_ACCEPTED": int,
    "SUPERUSER_MIN_ACCOUNT_DAYS": int,
    "COMMUNITY_LINK_MIN_REPUTATION": int,
    "COMMUNITY_NOTIFY_SUPERUSERS_AFTER": str,
    "COMMUNITY_NOTIFY_STAFF_AFTER": str,
    "COMMUNITY_REMIND_ASKER_AFTER_DAYS": str,
    "MAIL_SMTP_HOST": str,
    "MAIL_SMTP_PORT": int,
    "VIDEO_MAX_FILESIZE": int,
    "VIDEO_IMPORT_ALLOWED_HOSTS": str,
    "LOG_FORMAT": str,
    "PAGE_CACHE_SECONDS": int,
    "TALLY_FLUSH_SECONDS": float,
}


def _parse(kind: type, raw: str):
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def default_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    return {
        "SITE_NAME": "Hilfe-Center",
        "SITE_URL": "",
        "DATABASE_URL": f"sqlite:///{instance / 'helpcenter.sqlite3'}",
        "SEARCH_INDEX_DIR": str(instance / "search-index"),
        "SEARCH_BACKEND": "whoosh",
        "MEDIA_DIR": str(instance / "media"),
        "REDIS_URL": "",
        "JOBS_QUEUE": "helpcenter",
        "SUPPORT_PHONE": "0800 66 88 66",
        "SUPPORT_HOURS": "Mo–Sa 8–20 Uhr",
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_SUPPORTED_LOCALES": ("de", "en"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Zurich",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "MAIL_SENDER": "outbox",
        "MAIL_FROM": "hilfe-center@localhost",
        "CUSTOMER_NUMBER_PATTERN": "",
        "SUPERUSER_MIN_REPUTATION": 500,
        "SUPERUSER_MIN_ACCEPTED": 10,
        "LOG_FORMAT": "",  # text; off in tests (core/logging_setup.py)
        # Public pages served to anonymous visitors from a per-worker cache (core/page_cache.py). Unset: 10 s,
        # off in tests. Packages can also mark views with core.page_cache.cacheable.
        "PAGE_CACHE_SECONDS": None,
        "PAGE_CACHE_MAX_ENTRIES": 500,
        "PAGE_CACHE_ENDPOINTS": ("kb.home", "kb.category", "kb.article"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Feature packages, each exposing init_app(app). The core imports none of them by name.
        "FEATURES": ("kb", "content", "search", "community", "api"),
    }


def from_environment(environ=os.environ) -> dict:
    values = {}
    for name, kind in _ENV_SETTINGS.items():
        if name in environ:
            values[name] = _parse(kind, environ[name])
    return values


def load_or_create_secret(instance_path: str) -> str:
    """Read the instance secret, creating it on first run; it never lives in the repository."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
