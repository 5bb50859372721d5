"""The search page, click-through, editor pages (analytics, synonyms): happy paths, permissions, bad input; the
pages that show results run on both backends (tests/search_backends.py)."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from search.models import SearchClick, SearchLog, SynonymGroup
from tests.factories import make_article, make_user
from tests.search_backends import both, broken_index

ODD = ['AND', 'OR NOT', '(', ')', '"', '"WLAN', '*', '**', '~', '^2', ':', 'title:', 'a AND (b OR "c', '\\',
       '%', '<script>alert(1)</script>', '\x00', '  ', 'ä' * 300, 'WLAN ' * 200, '🙂', '[[video:x]]', '{}', '?q=1']


@both
def test_results_page_shows_highlighted_hits_and_facets(client, app):
    make_article(title="WLAN-Passwort ändern", body="Das neue Passwort gilt sofort.")
    db.session.commit()
    r = client.get("/suche?q=Passwort")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "WLAN-Passwort ändern" in html and "<mark>Passwort</mark>" in html
    assert "1 Treffer" in html and "/suche/klick?" in html


@both
def test_odd_input_never_500(client, app):
    make_article(title="WLAN-Passwort ändern")
    db.session.commit()
    for q in ODD:  # one app for all inputs: the backend is what's under test, not the setup
        expected = 400 if "\x00" in q else 200  # NUL is refused for every request (core/security.py)
        assert client.get("/suche", query_string={"q": q}).status_code == expected, q
        assert client.get("/suche", query_string={"q": q, "page": "x", "type": q, "category": q}).status_code \
            == expected, q


def test_empty_query_shows_the_form_only(client):
    r = client.get("/suche")
    assert r.status_code == 200 and 'data-suggest' in r.get_data(as_text=True)
    assert db.session.execute(db.select(SearchLog)).first() is None


@both
def test_nothing_found_offers_still_stuck_options(client):
    html = client.get("/suche?q=Quantencomputer").get_data(as_text=True)
    assert "Nichts gefunden" in html and "tel:" in html


@both
def test_unavailable_index_gives_a_friendly_503(client, app):
    with broken_index(app):
        r = client.get("/suche?q=Router")
        assert r.status_code == 503 and "nicht verfügbar" in r.get_data(as_text=True)
        assert client.get("/").status_code == 200


def test_click_through_logs_and_redirects_locally_only(client):
    r = client.get("/suche/klick", query_string={"q": "WLAN", "type": "article", "id": "7", "to": "/artikel/x"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/artikel/x")
    click = db.session.execute(db.select(SearchClick)).scalar_one()
    assert (click.query, click.result_id) == ("wlan", "7")
    for bad in ("https://evil.example/", "//evil.example", "/\\evil", "javascript:alert(1)", ""):
        assert client.get("/suche/klick", query_string={"q": "x", "to": bad}).status_code == 400


def test_analytics_page_permissions_and_content(client, auth):
    assert client.get("/redaktion/suche").status_code == 302
    auth.login(make_user(role="customer"))
    assert client.get("/redaktion/suche").status_code == 403
    auth.logout()
    client.get("/suche?q=Glasfaserdose")
    auth.login(make_user(role="editor"))
    r = client.get("/redaktion/suche?days=7")
    assert r.status_code == 200 and "glasfaserdose" in r.get_data(as_text=True)
    # a query nobody found anything for: one click to write the missing article, its title prefilled
    assert 'href="/redaktion/artikel/neu?title=glasfaserdose"' in r.get_data(as_text=True)
    assert client.get("/redaktion/suche?days=abc").status_code == 200


def test_analytics_shows_how_many_left_after_a_suggestion_without_asking(client, auth):
    from community.notification_models import DeflectionEvent
    db.session.add_all([DeflectionEvent(kind="visitor", result_type="article") for _ in range(4)]
                       + [DeflectionEvent(kind="click", result_type="article") for _ in range(5)]
                       + [DeflectionEvent(kind="asked_after_click")])
    auth.login(make_user(role="editor"))
    page = client.get("/redaktion/suche?days=7").get_data(as_text=True)
    section = page[page.index("data-deflection"):page.index("</section>", page.index("data-deflection"))]
    numbers = re.findall(r"<dd>([^<]*)</dd>", section)
    assert numbers == ["4", "5", "3 (75 %)", "1"]


def test_synonym_editor_add_update_delete(client, auth):
    assert client.get("/redaktion/synonyme").status_code == 302
    auth.login(make_user(role="editor"))
    assert "Natel" in client.get("/redaktion/synonyme").get_data(as_text=True)  # defaults become rows
    r = client.post("/redaktion/synonyme", data={"action": "add", "terms": "Flugmodus, Flugzeugmodus"})
    assert r.status_code == 303
    group = db.session.execute(db.select(SynonymGroup).order_by(SynonymGroup.id.desc())).scalars().first()
    assert group.terms == ["Flugmodus", "Flugzeugmodus"]
    assert client.post("/redaktion/synonyme", data={"action": "add", "terms": "nur-eins"}).status_code == 422
    client.post("/redaktion/synonyme", data={"action": "update", "id": group.id, "terms": "Flugmodus, Offline"})
    db.session.refresh(group)
    assert group.terms == ["Flugmodus", "Offline"]
    group_id = group.id
    client.post("/redaktion/synonyme", data={"action": "delete", "id": group_id})
    assert db.session.get(SynonymGroup, group_id) is None
    assert client.post("/redaktion/synonyme", data={"action": "delete", "id": "999999"}).status_code == 404
    assert client.post("/redaktion/synonyme", data={"action": "hack"}).status_code == 400


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_synonym_editor_requires_csrf(client, auth):
    auth_user = make_user(role="editor")
    db.session.commit()
    with client.session_transaction():
        pass
    from tests.conftest import PASSWORD
    page = client.get("/anmelden").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/anmelden", data={"login": auth_user.username, "password": PASSWORD, "csrf_token": token})
    assert client.post("/redaktion/synonyme", data={"action": "add", "terms": "a, b"}).status_code == 400
