"""Headers, errors and languages that every page shares."""
import pytest

from core.accounts import issue_token
from core.extensions import db
from core.models import User
from tests.factories import make_user


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_samesite(client):
    client.get("/sprache/en")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_no_inline_scripts_or_styles(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "onclick=" not in html


def test_friendly_404_in_german_and_english(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)
    english = client.get("/gibt-es-nicht", headers={"Accept-Language": "en"})
    assert "Page not found" in english.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_language_switcher_and_accept_language(client):
    assert 'lang="de"' in client.get("/").get_data(as_text=True)
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    response = client.get("/sprache/en?next=/status")
    assert response.headers["Location"] == "/status"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert client.get("/sprache/en?next=//evil.example").headers["Location"] == "/"


def test_phone_number_is_on_every_page(client, app):
    html = client.get("/").get_data(as_text=True)
    assert app.config["SUPPORT_PHONE"] in html and 'href="tel:+41' in html


def test_nul_characters_are_refused_before_any_write(client, app):
    token = issue_token(make_user("nulltester", role="customer"))
    db.session.commit()
    api = client.post("/api/v1/questions", json={"title": "Router\u0000 blinkt", "body": "Hilfe"},
                      headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 400 and api.get_json()["error"] == "invalid_character"
    form = client.post("/registrieren", data={"username": "nul\x00l", "email": "a@b.ch", "password": "x" * 12})
    assert form.status_code == 400 and "NUL" in form.get_data(as_text=True)
    assert client.get("/suche?q=wlan%00").status_code == 400
    assert db.session.execute(db.select(User).where(User.username.like("nul%l"))).first() is None
    # a literal backslash-u text is ordinary input, not a NUL
    assert client.get("/api/v1/search?q=%5Cu0000").status_code == 200


def _set_cookies(response) -> dict[str, set[str]]:
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        cookies[name] = {part.strip().lower() for part in header.split(";")[1:]}
    return cookies


@pytest.mark.app_config(SESSION_COOKIE_SECURE=True)
def test_behind_https_both_login_cookies_are_secure(client):
    from tests.factories import PASSWORD
    user = make_user("sicher")
    db.session.commit()
    response = client.post("/anmelden", data={"login": user.username, "password": PASSWORD, "remember": "y"},
                           base_url="https://localhost")
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert {"session", "remember_token"} <= cookies.keys(), cookies
    for name in ("session", "remember_token"):
        assert {"secure", "httponly", "samesite=lax"} <= cookies[name], (name, cookies[name])
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_without_https_the_remember_cookie_is_not_marked_secure(client):
    from tests.factories import PASSWORD
    user = make_user("lokal")
    db.session.commit()
    response = client.post("/anmelden", data={"login": user.username, "password": PASSWORD, "remember": "y"})
    cookies = _set_cookies(response)
    assert "secure" not in cookies["remember_token"] and "httponly" in cookies["remember_token"]
