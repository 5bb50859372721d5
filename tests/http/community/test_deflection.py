"""Deflection: the ask form loads the suggestion script; a suggestion opened from it is counted (search analytics
with source "ask"), and the askers who left without posting are the clicks minus those who asked anyway."""
import pytest
from flask import g
from sqlalchemy import select

from core.accounts import issue_token
from core.extensions import db
from tests.factories import make_user

CLICK = {"to": "/artikel/wlan-passwort-aendern", "type": "article", "id": "wlan-passwort-aendern",
         "q": "WLAN Passwort"}


@pytest.fixture(autouse=True)
def _fresh_user_per_request(app):
    @app.before_request
    def forget_cached_user():
        g.pop("_login_user", None)


def test_ask_form_has_the_deflection_panel_and_script(client, auth):
    auth.login(make_user())
    page = client.get("/community/frage-stellen").get_data(as_text=True)
    assert 'id="title"' in page and 'id="ask-suggestions"' in page
    assert "js/ask-deflection" in page and "<script>" not in page


def test_click_is_logged_with_source_ask(client):
    from search.models import SearchClick

    response = client.get("/vorschlag/klick", query_string=CLICK)
    assert response.status_code == 303 and response.headers["Location"].endswith("/artikel/wlan-passwort-aendern")
    click = db.session.scalars(select(SearchClick)).one()
    assert click.source == "ask" and click.query == "wlan passwort" and click.result_type == "article"
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats == {"days": 30, "suggestion_clicks": 1, "asked_after_click": 0, "left_without_asking": 1}


def test_asking_after_a_click_is_not_a_deflection(client):
    headers = {"Authorization": f"Bearer {issue_token(make_user())}"}
    db.session.commit()
    client.get("/vorschlag/klick", query_string=CLICK)
    client.get("/vorschlag/klick", query_string={**CLICK, "to": "/videos/abc", "type": "video"})
    response = client.post("/api/v1/questions", headers=headers,
                           json={"title": "WLAN-Passwort geht trotzdem nicht", "body": "Anleitung hat nicht geholfen."})
    assert response.status_code == 201
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats["suggestion_clicks"] == 2 and stats["asked_after_click"] == 1 and stats["left_without_asking"] == 1
    # the session remembered one click only: a second question counts nothing more
    client.post("/api/v1/questions", headers=headers, json={"title": "Noch eine andere Frage zum WLAN",
                                                            "body": "Text"})
    assert client.get("/api/v1/community/stats").json["deflection"]["asked_after_click"] == 1


@pytest.mark.parametrize("target", ["", "https://evil.example/", "//evil.example/x", "artikel/x"])
def test_click_only_redirects_locally(client, target):
    assert client.get("/vorschlag/klick", query_string={**CLICK, "to": target}).status_code == 400
