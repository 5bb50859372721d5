"""Fixture chain app → client → auth. SQLite per test by default; PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import os
import socket
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import create_app
from core.extensions import db
from core.i18n import compile_catalogs

PASSWORD = "richtig-Pferd-Batterie"


def pytest_configure(config):
    config.addinivalue_line("markers", "app_config(**settings): extra app configuration for this test")
    compile_catalogs()


LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _local_only(address) -> None:
    if isinstance(address, tuple) and address[0] not in LOCAL_HOSTS:
        raise ConnectionRefusedError(f"tests never leave this machine: connection to {address[0]} refused")


def _guarded_connect(self, address):
    _local_only(address)
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    _local_only(address)
    return _connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def no_network_beyond_this_machine():
    """No test touches another host (yt-dlp imports run against a local HTTP server): any connection from this
    process to an address other than loopback fails at once. Unix sockets are not affected."""
    socket.socket.connect, socket.socket.connect_ex = _guarded_connect, _guarded_connect_ex
    yield
    socket.socket.connect, socket.socket.connect_ex = _connect, _connect_ex


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test session, dropped afterwards; None on SQLite."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)
                   if base.startswith("postgresql://") else base)
    name = f"hc_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_test_app(tmp_path, database_url: str | None, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    config.update(overrides)
    return create_app(config)


def reset_database(app) -> None:
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, postgres_url, request, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    marker = request.node.get_closest_marker("app_config")
    app = make_test_app(tmp_path, postgres_url, **(marker.kwargs if marker else {}))
    with app.app_context():
        db.create_all()
        yield app
    reset_database(app)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own database session and ``g``, as in production.

    The test's own session is committed first (so the request sees the test's setup) and expired afterwards (so
    the test reads what the request committed, and never what it merely flushed)."""

    def open(self, *args, **kwargs):
        outer = db.session()
        outer.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            outer.expire_all()


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = PASSWORD):
        return self._client.post("/anmelden", data={"login": user.username, "password": password})

    def logout(self):
        return self._client.post("/abmelden")


@pytest.fixture
def auth(client):
    return AuthActions(client)
