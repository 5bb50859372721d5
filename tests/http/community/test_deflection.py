"""Deflection: the ask form loads the suggestion script; a suggestion opened from it is counted (search analytics
with source "ask"), once per visitor, and the people who left without posting are the visitors minus those who
asked anyway. Suggestions put solved questions before unsolved ones."""
import pytest
from sqlalchemy import select

from core.accounts import issue_token
from core.extensions import db
from tests.factories import make_user

CLICK = {"to": "/artikel/wlan-passwort-aendern", "type": "article", "id": "wlan-passwort-aendern",
         "q": "WLAN Passwort"}


def test_ask_form_has_the_deflection_panel_and_script(client, auth):
    auth.login(make_user())
    page = client.get("/community/frage-stellen").get_data(as_text=True)
    assert 'id="title"' in page and 'id="ask-suggestions"' in page
    assert 'data-suggest-url="/vorschlag/suche"' in page and 'data-click-url="/vorschlag/klick"' in page
    assert "js/ask-deflection" in page and "<script>" not in page


def test_click_is_logged_with_source_ask(client):
    from search.models import SearchClick

    response = client.get("/vorschlag/klick", query_string=CLICK)
    assert response.status_code == 303 and response.headers["Location"].endswith("/artikel/wlan-passwort-aendern")
    click = db.session.scalars(select(SearchClick)).one()
    assert click.source == "ask" and click.query == "wlan passwort" and click.result_type == "article"
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats == {"days": 30, "visitors": 1, "suggestion_clicks": 1, "asked_after_click": 0,
                     "left_without_asking": 1}


def test_a_visitor_who_clicks_twice_and_leaves_is_one_deflection(app, client):
    client.get("/vorschlag/klick", query_string=CLICK)
    client.get("/vorschlag/klick", query_string={**CLICK, "to": "/videos/abc", "type": "video"})
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats["visitors"] == 1 and stats["suggestion_clicks"] == 2 and stats["left_without_asking"] == 1
    app.test_client().get("/vorschlag/klick", query_string=CLICK)  # another visitor (own session)
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats["visitors"] == 2 and stats["suggestion_clicks"] == 3 and stats["left_without_asking"] == 2


def test_asking_after_a_click_is_not_a_deflection(client):
    headers = {"Authorization": f"Bearer {issue_token(make_user())}"}
    db.session.commit()
    client.get("/vorschlag/klick", query_string=CLICK)
    client.get("/vorschlag/klick", query_string={**CLICK, "to": "/videos/abc", "type": "video"})
    response = client.post("/api/v1/questions", headers=headers,
                           json={"title": "WLAN-Passwort geht trotzdem nicht", "body": "Anleitung hat nicht geholfen."})
    assert response.status_code == 201
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats == {"days": 30, "visitors": 1, "suggestion_clicks": 2, "asked_after_click": 1,
                     "left_without_asking": 0}
    # one person: more clicks and a second question in the same session count nothing more
    client.get("/vorschlag/klick", query_string=CLICK)
    client.post("/api/v1/questions", headers=headers, json={"title": "Noch eine andere Frage zum WLAN",
                                                            "body": "Text"})
    stats = client.get("/api/v1/community/stats").json["deflection"]
    assert stats["visitors"] == 1 and stats["asked_after_click"] == 1 and stats["left_without_asking"] == 0


def test_suggestions_put_solved_questions_first(client):
    from tests.factories_notify import accept, make_answer, make_question

    unsolved = make_question(title="Fernseher zeigt kein Bild nach Update")
    solved = make_question(title="Fernseher zeigt kein Bild nach Umzug")
    make_answer(unsolved)
    accept(solved, make_answer(solved))
    db.session.commit()
    response = client.get("/vorschlag/suche", query_string={"q": "Fernseher zeigt kein Bild"})
    assert response.status_code == 200
    questions = [item for item in response.json["suggestions"] if item["type"] == "question"]
    assert [(q["url"], q["solved"]) for q in questions] == [(f"/community/fragen/{solved.id}", True),
                                                            (f"/community/fragen/{unsolved.id}", False)]


def test_solved_first_keeps_other_results_in_order(app):
    from community.deflection import solved_first
    from tests.factories_notify import accept, make_answer, make_question

    solved, unsolved = make_question(), make_question()
    accept(solved, make_answer(solved))
    items = [{"type": "question", "title": "offen", "url": f"/community/fragen/{unsolved.id}"},
             {"type": "article", "title": "Artikel", "url": "/artikel/a"},
             {"type": "question", "title": "gelöst", "url": f"/community/fragen/{solved.id}#antwort-1"},
             {"type": "video", "title": "Video", "url": "/videos/1"}]
    assert [i["title"] for i in solved_first(items)] == ["Artikel", "gelöst", "Video", "offen"]


@pytest.mark.parametrize("target", ["", "https://evil.example/", "//evil.example/x", "artikel/x"])
def test_click_only_redirects_locally(client, target):
    assert client.get("/vorschlag/klick", query_string={**CLICK, "to": target}).status_code == 400


def test_other_pages_can_show_the_figure_through_a_template_global(app, client):
    from flask import render_template_string

    client.get("/vorschlag/klick", query_string=CLICK)
    with app.test_request_context("/"):
        assert render_template_string("{% set d = deflection_stats(7) %}{{ d.days }}/{{ d.visitors }}/"
                                      "{{ d.left_without_asking }}") == "7/1/1"
