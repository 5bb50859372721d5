import pytest

from core import config, create_app


def test_environment_overrides_defaults():
    values = config.from_environment({"SUPPORT_PHONE": "0800 11 22 33", "RATELIMIT_ENABLED": "false",
                                      "SUPERUSER_MIN_REPUTATION": "250", "UNRELATED": "x"})
    assert values == {"SUPPORT_PHONE": "0800 11 22 33", "RATELIMIT_ENABLED": False, "SUPERUSER_MIN_REPUTATION": 250}


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("secret", ["dev", "changeme", "secret"])
def test_known_insecure_secret_is_refused_outside_tests(tmp_path, monkeypatch, secret):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="insecure"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_postgres_urls_use_psycopg3(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@localhost/db")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@localhost/db"


def test_no_test_can_reach_another_host():
    """tests/conftest.py refuses connections beyond loopback, so a test that would fetch from the internet fails."""
    import socket

    import pytest as _pytest
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, _pytest.raises(ConnectionRefusedError,
                                                                                    match="never leave"):
        sock.connect(("93.184.215.14", 80))
