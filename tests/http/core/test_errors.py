"""Friendly error pages in German and English (with the hotline), JSON under /api, and never a traceback."""
import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from core.extensions import db
from tests.factories import make_user

EN = {"Accept-Language": "en"}

PAGES = {  # status: (German title, English title)
    400: ("Ungültige Anfrage", "Bad request"),
    403: ("Kein Zugriff", "Access denied"),
    404: ("Seite nicht gefunden", "Page not found"),
    405: ("Methode nicht erlaubt", "Method not allowed"),
    500: ("Ein Fehler ist aufgetreten", "Something went wrong"),
    503: ("Vorübergehend nicht verfügbar", "Temporarily unavailable"),
}
HOME = {"de": "Zur Startseite", "en": "Go to the home page"}
CALL_US = {"de": "Brauchen Sie Hilfe? Rufen Sie uns an:", "en": "Need help? Call us:"}


def _database_down():
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


@pytest.fixture
def failing_routes(app):
    """Routes that fail on purpose; added before the first request, as Flask requires."""
    app.add_url_rule("/_test/abbruch/<int:code>", "test_abort", lambda code: abort(code))
    app.add_url_rule("/_test/absturz", "test_crash", lambda: 1 / 0)
    app.add_url_rule("/_test/datenbank-weg", "test_db_down", _database_down)
    app.add_url_rule("/api/_test/absturz", "test_api_crash", lambda: 1 / 0)
    app.add_url_rule("/api/_test/datenbank-weg", "test_api_db_down", _database_down)
    return app


def assert_friendly(response, status: int, lang: str, app):
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:300]
    assert response.mimetype == "text/html"
    assert html.lstrip().lower().startswith("<!doctype html>") and f'lang="{lang}"' in html
    title = PAGES[status][0 if lang == "de" else 1]
    assert f"<h1>{title}</h1>" in html
    assert HOME[lang] in html and CALL_US[lang] in html
    assert app.config["SUPPORT_PHONE"] in html and 'href="tel:+41' in html
    assert "Traceback" not in html and "ZeroDivisionError" not in html and "connection refused" not in html


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("status", [400, 403, 404, 405, 500, 503])
def test_every_error_status_has_a_friendly_page(failing_routes, client, status, lang):
    response = client.get(f"/_test/abbruch/{status}", headers=EN if lang == "en" else {})
    assert_friendly(response, status, lang, failing_routes)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_real_404_and_405(client, app, lang):
    headers = EN if lang == "en" else {}
    assert_friendly(client.get("/gibt-es-nicht", headers=headers), 404, lang, app)
    response = client.get("/abmelden", headers=headers)  # POST only
    assert_friendly(response, 405, lang, app)
    assert response.headers["Allow"] and "POST" in response.headers["Allow"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_customer_on_an_admin_page_gets_a_friendly_403(client, auth, app, lang):
    auth.login(make_user(role="customer"))
    response = client.get("/admin/benutzer", headers=EN if lang == "en" else {})
    assert_friendly(response, 403, lang, app)
    reason = "Nur für Administratoren." if lang == "de" else "For administrators only."
    assert reason in response.get_data(as_text=True)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_form_without_csrf_token_gets_a_friendly_400(client, app, lang):
    response = client.post("/anmelden", data={"login": "x", "password": "y"}, headers=EN if lang == "en" else {})
    assert_friendly(response, 400, lang, app)
    reason = "Das Formular ist abgelaufen" if lang == "de" else "The form has expired"
    assert reason in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_unhandled_exception_is_the_friendly_500(failing_routes, client, lang):
    response = client.get("/_test/absturz", headers=EN if lang == "en" else {})
    assert_friendly(response, 500, lang, failing_routes)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_database_outage_is_a_friendly_503_that_needs_no_database(failing_routes, client, lang, monkeypatch):
    # Every query fails, as when PostgreSQL is down: the page must render without current_user or banners.
    monkeypatch.setattr(db.session, "execute", lambda *a, **k: _database_down())
    response = client.get("/_test/datenbank-weg", headers=EN if lang == "en" else {})
    assert_friendly(response, 503, lang, failing_routes)
    assert response.headers["Retry-After"] == "5"


def test_a_broken_layout_still_gives_a_friendly_page(failing_routes, client):
    calls = []

    @failing_routes.context_processor
    def broken():
        calls.append(1)
        raise RuntimeError("layout query failed")
    response = client.get("/gibt-es-nicht")
    assert calls, "the context processor never ran"
    assert_friendly(response, 404, "de", failing_routes)


@pytest.mark.parametrize(("path", "method", "status", "code"), [
    ("/api/v1/gibt-es-nicht", "get", 404, "not_found"),
    ("/api/openapi.json", "delete", 405, "method_not_allowed"),
    ("/api/_test/absturz", "get", 500, "server_error"),
    ("/api/_test/datenbank-weg", "get", 503, "unavailable"),
])
def test_api_errors_are_json_without_traceback(failing_routes, client, path, method, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status and response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_api_error_messages_follow_the_language(client):
    german = client.post("/api/v1/questions", json={})
    english = client.post("/api/v1/questions", json={}, headers=EN)
    assert german.status_code == english.status_code == 401
    assert german.get_json()["message"] == "Anmeldung oder API-Token erforderlich."
    assert english.get_json()["message"] == "Log in or send an API token."
    bad_token = client.get("/api/v1/articles", headers={"Authorization": "Bearer falsch", **EN})
    assert bad_token.status_code == 401 and bad_token.get_json()["message"] == "Invalid or revoked API token."
