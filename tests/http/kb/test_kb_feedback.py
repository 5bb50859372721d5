"""'War dieser Artikel hilfreich?': one vote per visitor, comment on 'Nein', JSON for the script, CSRF, rate limit."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from kb.models import ArticleFeedback
from tests.factories import make_article, make_user


def _feedback_rows():
    return db.session.execute(db.select(ArticleFeedback)).scalars().all()


def test_yes_vote_without_js_redirects_and_thanks(app, client):
    article = make_article()
    db.session.commit()
    response = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/artikel/{article.slug}?feedback=danke#feedback")
    cookie = response.headers["Set-Cookie"]
    assert "hc_visitor=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert "Danke für Ihre Rückmeldung!" in page
    assert 'value="yes"' not in page  # the vote buttons are gone for this visitor
    assert "1 von 1 Person fand diesen Artikel hilfreich." in page
    db.session.refresh(article)
    assert (article.helpful_yes, article.helpful_no) == (1, 0)


def test_second_vote_changes_nothing_and_says_so(app, client):
    article = make_article()
    db.session.commit()
    client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"})
    response = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "no"}, follow_redirects=True)
    assert "bereits bewertet" in response.get_data(as_text=True)
    db.session.refresh(article)
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert len(_feedback_rows()) == 1


def test_forged_visitor_cookie_is_ignored(app, client):
    article = make_article()
    db.session.commit()
    client.set_cookie("hc_visitor", "forged-value")
    response = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"})
    assert response.status_code == 303 and "hc_visitor=" in response.headers["Set-Cookie"]
    assert "forged-value" not in response.headers["Set-Cookie"]


def test_no_vote_shows_the_comment_form_and_stores_the_comment(app, client):
    article = make_article()
    db.session.commit()
    page = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "no"},
                       follow_redirects=True).get_data(as_text=True)
    form = re.search(r"<form[^>]*data-feedback-comment[^>]*>", page).group(0)
    assert "hidden" not in form
    response = client.post(f"/artikel/{article.slug}/feedback/kommentar", data={"comment": "Der Modem-Typ fehlt."})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Danke für Ihren Hinweis!" in page
    assert _feedback_rows()[0].comment == "Der Modem-Typ fehlt."
    assert not _feedback_rows()[0].helpful


def test_comment_form_is_hidden_before_voting(app, client):
    article = make_article()
    db.session.commit()
    page = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert re.search(r"<form[^>]*data-feedback-comment[^>]*hidden", page)


def test_empty_comment_is_422_with_the_form(app, client):
    article = make_article()
    db.session.commit()
    client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "no"})
    response = client.post(f"/artikel/{article.slug}/feedback/kommentar", data={"comment": ""})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_comment_without_no_vote_is_refused(app, client):
    article = make_article()
    db.session.commit()
    response = client.post(f"/artikel/{article.slug}/feedback/kommentar", data={"comment": "Hallo"})
    assert response.status_code == 409
    assert _feedback_rows() == []


def test_json_vote_for_the_script(app, client):
    article = make_article()
    db.session.commit()
    headers = {"Accept": "application/json"}
    body = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "no"}, headers=headers).get_json()
    assert body["status"] == "recorded" and body["show_comment"] is True and body["helpful_no"] == 1
    again = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"}, headers=headers).get_json()
    assert again["status"] == "duplicate" and again["helpful_yes"] == 0
    done = client.post(f"/artikel/{article.slug}/feedback/kommentar", data={"comment": "Fehlt: Bilder"},
                       headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "commented"
    bad = client.post(f"/artikel/{article.slug}/feedback/kommentar", data={"comment": ""}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"] == "bad_comment"


@pytest.mark.parametrize("data", [{}, {"helpful": "vielleicht"}])
def test_bad_vote_is_422(app, client, data):
    article = make_article()
    db.session.commit()
    assert client.post(f"/artikel/{article.slug}/feedback", data=data).status_code == 422
    assert _feedback_rows() == []


def test_vote_on_unknown_or_draft_article_is_404(app, client):
    draft = make_article(status="draft")
    db.session.commit()
    assert client.post(f"/artikel/{draft.slug}/feedback", data={"helpful": "yes"}).status_code == 404
    assert client.post("/artikel/nix/feedback", data={"helpful": "yes"}).status_code == 404
    assert client.post("/artikel/nix/feedback/kommentar", data={"comment": "x"}).status_code == 404


def test_logged_in_user_votes_once_across_cookies(app, client, auth):
    article = make_article()
    user = make_user()
    db.session.commit()
    auth.login(user)
    client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"})
    client.delete_cookie("hc_visitor")
    client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"})
    db.session.refresh(article)
    assert article.helpful_yes == 1


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_vote_without_csrf_token_is_refused(app, client):
    article = make_article()
    db.session.commit()
    response = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"})
    assert response.status_code == 400
    assert client.post(f"/artikel/{article.slug}/feedback/kommentar", data={"comment": "x"}).status_code == 400
    db.session.refresh(article)
    assert article.helpful_yes == 0 and _feedback_rows() == []


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_vote_with_csrf_token_from_the_page_works(app, client):
    article = make_article()
    db.session.commit()
    page = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes", "csrf_token": token})
    assert response.status_code == 303


@pytest.mark.app_config(RATELIMIT_ENABLED=True, KB_FEEDBACK_RATE_LIMIT="3 per minute")
def test_feedback_is_rate_limited(app, client):
    article = make_article()
    db.session.commit()
    statuses = [client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "yes"}).status_code
                for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
