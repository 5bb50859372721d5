"""Headers, errors and languages that every page shares."""


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
