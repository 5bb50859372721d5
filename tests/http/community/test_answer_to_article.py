"""Editors turn a solved question into a draft article that then goes through the normal review workflow."""
import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog
from kb.models import Article, ArticleRevision
from tests.factories import make_category, make_user
from tests.factories_notify import accept, make_answer, make_question


def _solved(**fields):
    category = make_category("wlan")
    question = make_question(title="WLAN bricht abends immer ab", body="Jeden Abend ab 20 Uhr kein WLAN.",
                             category=category, **fields)
    answer = make_answer(question, body="Wechseln Sie auf **Kanal 1, 6 oder 11**.")
    accept(question, answer)
    db.session.commit()
    return question, answer


def test_editor_creates_a_linked_draft(client, auth):
    question, answer = _solved()
    editor = make_user(role="editor")
    db.session.commit()
    auth.login(editor)
    page = client.get(f"/community/fragen/{question.id}").get_data(as_text=True)
    assert f"/redaktion/fragen/{question.id}/als-artikel" in page
    response = client.post(f"/redaktion/fragen/{question.id}/als-artikel")
    assert response.status_code == 302
    article = db.session.scalars(select(Article)).one()
    assert response.headers["Location"].endswith(f"/redaktion/artikel/{article.id}")
    assert article.status == "draft" and article.title == question.title
    assert article.source_question_id == question.id and article.author_id == editor.id
    assert article.category.slug == "wlan"
    assert "Jeden Abend ab 20 Uhr" in article.body_md and "Kanal 1, 6 oder 11" in article.body_md
    assert f"/community/fragen/{question.id}" in article.body_md
    assert "<strong>Kanal 1, 6 oder 11</strong>" in article.body_html
    [revision] = db.session.scalars(select(ArticleRevision).where(ArticleRevision.article_id == article.id)).all()
    assert revision.note == "Aus Community-Frage erzeugt"
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "community.question_to_article")).one()
    # a second click does not copy it again, and the page now links the draft
    client.post(f"/redaktion/fragen/{question.id}/als-artikel")
    assert len(db.session.scalars(select(Article)).all()) == 1
    page = client.get(f"/community/fragen/{question.id}").get_data(as_text=True)
    assert f"/redaktion/artikel/{article.id}" in page


def test_draft_goes_through_review(client, auth):
    from content import workflow

    question, _answer = _solved()
    editor = make_user(role="editor")
    db.session.commit()
    auth.login(editor)
    client.post(f"/redaktion/fragen/{question.id}/als-artikel")
    article = db.session.scalars(select(Article)).one()
    workflow.submit(editor, article)
    assert article.status == "review"
    with pytest.raises(Exception):
        workflow.publish(editor, article)  # four eyes: the author doesn't publish their own draft
    workflow.publish(make_user(role="editor"), article)
    db.session.commit()
    assert article.status == "published"


@pytest.mark.parametrize("role", ["customer", "superuser"])
def test_only_editors(client, auth, role):
    question, _answer = _solved()
    user = make_user(role=role)
    db.session.commit()
    auth.login(user)
    assert "als-artikel" not in client.get(f"/community/fragen/{question.id}").get_data(as_text=True)
    assert client.post(f"/redaktion/fragen/{question.id}/als-artikel").status_code == 403
    assert db.session.scalars(select(Article)).all() == []


def test_anonymous_is_sent_to_login(client):
    question, _answer = _solved()
    response = client.post(f"/redaktion/fragen/{question.id}/als-artikel")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_unsolved_or_unknown_question(client, auth):
    editor = make_user(role="editor")
    question = make_question()
    make_answer(question)
    db.session.commit()
    auth.login(editor)
    assert client.post(f"/redaktion/fragen/{question.id}/als-artikel").status_code == 409
    assert client.post("/redaktion/fragen/99999/als-artikel").status_code == 404


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_needs_csrf(client):
    import re

    question, _answer = _solved()
    editor = make_user(role="editor")
    db.session.commit()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/anmelden").get_data(as_text=True)).group(1)
    client.post("/anmelden", data={"login": editor.username, "password": "richtig-Pferd-Batterie", "csrf_token": token})
    assert client.post(f"/redaktion/fragen/{question.id}/als-artikel").status_code == 400
    assert db.session.scalars(select(Article)).all() == []
