"""/redaktion/rueckmeldungen: editors read the comments readers left after "Nein"; nobody else does."""
from __future__ import annotations

import pytest

from core.extensions import db
from kb import services
from tests.factories import make_article, make_user


def _vote_no(article, key, comment):
    services.record_feedback(article, key, False)
    services.add_feedback_comment(article, key, comment)


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_customers_and_superusers_get_403(app, client, auth, role):
    auth.login(make_user(role=role))
    db.session.commit()
    assert client.get("/redaktion/rueckmeldungen").status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get("/redaktion/rueckmeldungen").status_code == 302


def test_editor_sees_comments_escaped_and_least_helpful(app, client, auth):
    bad = make_article("Schlechter Artikel")
    good = make_article("Guter Artikel")
    _vote_no(bad, "visitor:1", "<b>Fehlt</b> die Anleitung")
    services.record_feedback(bad, "visitor:2", False)
    services.record_feedback(good, "visitor:3", True)
    auth.login(make_user(role="editor"))
    db.session.commit()
    html = client.get("/redaktion/rueckmeldungen").get_data(as_text=True)
    assert "&lt;b&gt;Fehlt&lt;/b&gt; die Anleitung" in html
    assert "Schlechter Artikel" in html and "Guter Artikel" not in html
    assert 'href="/redaktion/rueckmeldungen"' in html


def test_empty_overview(app, client, auth):
    auth.login(make_user(role="admin"))
    db.session.commit()
    html = client.get("/redaktion/rueckmeldungen").get_data(as_text=True)
    assert "Noch keine Kommentare." in html
