"""`flask users …`: create, token, revoke-tokens; every failure is a non-zero exit with a one-line reason."""
import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import User
from tests.factories import make_user


def _user(name: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()


def assert_one_line_failure(result, *fragments: str):
    lines = result.output.strip().splitlines()
    assert result.exit_code != 0, result.output
    assert len(lines) == 1, f"expected one line, got:\n{result.output}"
    assert lines[0].startswith("Error: ") and "Traceback" not in result.output and "Usage" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_create_with_password(runner):
    result = runner.invoke(args=["users", "create", "redakteurin", "--email", "Red@Example.org", "--role", "editor",
                                 "--password", "ein-langes-Passwort"])
    assert result.exit_code == 0, result.output
    assert "ein-langes-Passwort" not in result.output  # a given password is never echoed
    user = _user("redakteurin")
    assert user.role == "editor" and user.email == "red@example.org" and user.check_password("ein-langes-Passwort")


def test_create_without_password_prints_a_generated_one(runner):
    result = runner.invoke(args=["users", "create", "kundin", "--email", "kundin@example.org"])
    assert result.exit_code == 0, result.output
    password = [line for line in result.output.splitlines() if line.startswith("Passwort: ")][0][len("Passwort: "):]
    user = _user("kundin")
    assert user.role == "customer" and len(password) >= 10 and user.check_password(password)


@pytest.mark.parametrize(("args", "reason"), [
    (["--email", "anna@example.org", "--password", "ein-langes-Passwort"], "bereits vergeben"),  # duplicate name
    (["--email", "x@example.org", "--role", "boss", "--password", "ein-langes-Passwort"], "Unbekannte Rolle: boss"),
    (["--email", "kein-at-zeichen", "--password", "ein-langes-Passwort"], "E-Mail-Adresse"),
    (["--email", "y@example.org", "--password", "kurz"], "mindestens 10 Zeichen"),
])
def test_create_failures_are_one_line(runner, args, reason):
    make_user("anna")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "anna" if "bereits" in reason else "neu", *args])
    assert_one_line_failure(result, reason)
    assert _user("neu") is None


def test_bad_role_lists_the_possible_ones(runner):
    result = runner.invoke(args=["users", "create", "neu", "--email", "n@example.org", "--role", "root"])
    assert_one_line_failure(result, "customer, superuser, editor, admin")


def test_token_is_alone_on_the_last_line_and_works_as_bearer(app, runner, client):
    make_user("api-nutzer")
    db.session.commit()
    result = runner.invoke(args=["users", "token", "api-nutzer"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("hc_") and " " not in token and len(token) > 30
    assert result.stdout.strip() == token  # the explanation goes to stderr, so `$(flask users token x)` works
    assert client.get("/api/v1/articles", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/v1/articles", headers={"Authorization": f"Bearer {token}x"}).status_code == 401


def test_revoke_tokens_stops_every_token_of_the_user(app, runner, client):
    make_user("api-nutzer")
    db.session.commit()
    tokens = [runner.invoke(args=["users", "token", "api-nutzer"]).stdout.strip() for _ in range(2)]
    result = runner.invoke(args=["users", "revoke-tokens", "api-nutzer"])
    assert result.exit_code == 0 and "2 Token(s) widerrufen." in result.output
    for token in tokens:
        assert client.get("/api/v1/articles", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "0 Token(s)" in runner.invoke(args=["users", "revoke-tokens", "api-nutzer"]).output


@pytest.mark.parametrize("command", ["token", "revoke-tokens"])
def test_unknown_user_is_one_line(runner, command):
    assert_one_line_failure(runner.invoke(args=["users", command, "niemand"]), "Kein Benutzer namens niemand.")
