"""/redaktion/status: editors switch the banner on and off; everyone else is refused."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from kb import services
from tests.factories import make_user
from tests.factories_kb import make_banner

BANNER = {"level": "outage", "title": "Internetstörung Zürich", "message": "Wir arbeiten daran.",
          "region": "Zürich", "keywords": "internet, WLAN"}


def test_anonymous_is_sent_to_login(client):
    response = client.get("/redaktion/status")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    assert client.post("/redaktion/status", data=BANNER).status_code == 302
    assert services.active_banner() is None


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_customers_and_superusers_get_403(app, client, auth, role):
    auth.login(make_user(role=role))
    db.session.commit()
    assert client.get("/redaktion/status").status_code == 403
    assert client.post("/redaktion/status", data=BANNER).status_code == 403
    make_banner()
    db.session.commit()
    assert client.post("/redaktion/status/aus").status_code == 403
    assert services.active_banner() is not None


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editor_switches_banner_on_and_off(app, client, auth, role):
    auth.login(make_user(role=role))
    db.session.commit()
    page = client.get("/redaktion/status").get_data(as_text=True)
    assert "Neuen Hinweis einschalten" in page and '<label class="field__label" for="title">' in page
    response = client.post("/redaktion/status", data=BANNER)
    assert response.status_code == 303
    banner = services.active_banner()
    assert banner.title == "Internetstörung Zürich" and banner.keywords == ["internet", "wlan"]
    home = client.get("/").get_data(as_text=True)
    assert "Internetstörung Zürich" in home
    assert 'href="/redaktion/status"' in home  # the editor nav link
    assert client.post("/redaktion/status/aus").status_code == 303
    assert services.active_banner() is None
    assert "Internetstörung Zürich" not in client.get("/status").get_data(as_text=True)


def test_nav_link_is_for_editors_only(app, client, auth):
    auth.login(make_user(role="customer"))
    db.session.commit()
    assert 'href="/redaktion/status"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("data", [{**BANNER, "title": ""}, {**BANNER, "level": "weltuntergang"},
                                  {**BANNER, "title": "x" * 250}])
def test_bad_input_is_422_with_the_form(app, client, auth, data):
    auth.login(make_user(role="editor"))
    db.session.commit()
    response = client.post("/redaktion/status", data=data)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert services.active_banner() is None


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_banner_form_needs_csrf(app, client):
    editor = make_user(role="editor")
    db.session.commit()
    page = client.get("/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/anmelden", data={"login": editor.username, "password": "richtig-Pferd-Batterie",
                                   "csrf_token": token})
    assert client.post("/redaktion/status", data=BANNER).status_code == 400
    assert services.active_banner() is None
    page = client.get("/redaktion/status").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/redaktion/status", data={**BANNER, "csrf_token": token}).status_code == 303
    assert client.post("/redaktion/status/aus").status_code == 400
    assert services.active_banner() is not None
