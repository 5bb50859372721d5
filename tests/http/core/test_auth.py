import pytest

from core.extensions import db
from tests.factories import PASSWORD, make_user


def test_login_and_logout(client, auth):
    user = make_user("anna")
    db.session.commit()
    response = auth.login(user)
    assert response.status_code == 302
    assert "anna" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Abmelden" not in client.get("/").get_data(as_text=True)


def test_login_error_does_not_reveal_whether_the_account_exists(client):
    make_user("anna")
    db.session.commit()
    wrong_password = client.post("/anmelden", data={"login": "anna", "password": "falsch-falsch-falsch"})
    no_account = client.post("/anmelden", data={"login": "niemand", "password": "falsch-falsch-falsch"})
    assert wrong_password.status_code == no_account.status_code == 401
    message = "Benutzername/E-Mail oder Passwort ist falsch"
    assert message in wrong_password.get_data(as_text=True)
    assert message in no_account.get_data(as_text=True)


def test_login_redirects_only_to_local_paths(client):
    make_user("anna")
    db.session.commit()
    evil = client.post("/anmelden", data={"login": "anna", "password": PASSWORD, "next": "https://evil.example/"})
    assert evil.headers["Location"] == "/"
    local = client.post("/anmelden", data={"login": "anna", "password": PASSWORD, "next": "/themen/wlan"})
    assert local.headers["Location"] == "/themen/wlan"


def test_register_creates_a_customer_and_logs_in(client):
    response = client.post("/registrieren", data={"username": "neu", "email": "neu@example.org",
                                                   "password": "langes-Passwort-1", "confirm": "langes-Passwort-1"})
    assert response.status_code == 302
    from core.models import User
    user = db.session.execute(db.select(User).where(User.username == "neu")).scalar_one()
    assert user.role == "customer"


def test_register_with_bad_input_is_422_and_keeps_the_form(client):
    response = client.post("/registrieren", data={"username": "x", "email": "", "password": "a", "confirm": "b"})
    assert response.status_code == 422
    assert 'value="x"' in response.get_data(as_text=True)


def test_change_password(client, auth):
    user = make_user()
    db.session.commit()
    auth.login(user)
    response = client.post("/konto/passwort", data={"current": PASSWORD, "new": "ganz-neues-Passwort",
                                                     "confirm": "ganz-neues-Passwort"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("ganz-neues-Passwort")


def test_change_password_requires_login(client):
    response = client.get("/konto/passwort")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_forms_without_csrf_token_are_refused(client):
    make_user("anna")
    db.session.commit()
    response = client.post("/anmelden", data={"login": "anna", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formular" in response.get_data(as_text=True)
    assert client.post("/abmelden").status_code == 400


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
def test_login_is_rate_limited(client):
    statuses = [client.post("/anmelden", data={"login": "x", "password": "yyyyyyyyyy"}).status_code
                for _ in range(5)]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429, 429]


def test_admin_changes_roles_others_get_403(client, auth):
    admin, editor, customer = make_user(role="admin"), make_user(role="editor"), make_user()
    db.session.commit()
    auth.login(editor)
    assert client.get("/admin/benutzer").status_code == 403
    assert client.post(f"/admin/benutzer/{customer.id}/rolle", data={"role": "admin"}).status_code == 403
    auth.logout()
    auth.login(admin)
    assert client.get("/admin/benutzer").status_code == 200
    assert client.post(f"/admin/benutzer/{customer.id}/rolle", data={"role": "superuser"}).status_code == 302
    db.session.refresh(customer)
    assert customer.role == "superuser"
    assert client.post(f"/admin/benutzer/{customer.id}/rolle", data={"role": "king"}).status_code == 422
    assert client.post("/admin/benutzer/99999/rolle", data={"role": "admin"}).status_code == 404
