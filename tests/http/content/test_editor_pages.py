"""Editor pages through the test client: happy paths, permissions on every route, bad input, CSRF."""
from __future__ import annotations

import datetime as dt

import pytest

from core.extensions import db
from kb.models import Article, ArticleRevision, SlugRedirect
from tests.factories import make_category, make_user
from tests.factories_content import make_draft, make_editor, make_published


def form_data(category_, **overrides):
    data = {"title": "Router neu starten", "slug": "", "summary": "Kurz erklärt", "category": str(category_.id),
            "tags": "router, neustart", "lang": "de", "review_by": "", "body": "## Schritte\n\nStecker ziehen.",
            "action": "save"}
    data.update(overrides)
    return data


@pytest.fixture
def editor(app, auth):
    user = make_editor("redakteurin")
    db.session.commit()
    auth.login(user)
    return user


def routes(article_id: int):
    """Every editor route (method, path, body)."""
    return [
        ("GET", "/redaktion", None),
        ("GET", "/redaktion/artikel", None),
        ("GET", "/redaktion/artikel/neu", None),
        ("POST", "/redaktion/artikel/neu", {"title": "x"}),
        ("GET", f"/redaktion/artikel/{article_id}", None),
        ("POST", f"/redaktion/artikel/{article_id}", {"title": "x"}),
        *[("POST", f"/redaktion/artikel/{article_id}/schritt/{name}", {})
          for name in ("submit", "publish", "reject", "unpublish", "archive", "reopen")],
        ("GET", f"/redaktion/artikel/{article_id}/versionen", None),
        ("GET", f"/redaktion/artikel/{article_id}/versionen/vergleich?von=1&bis=1", None),
        ("POST", f"/redaktion/artikel/{article_id}/versionen/1/wiederherstellen", {}),
        *[("POST", f"/redaktion/artikel/{article_id}/aenderung/{name}", {}) for name in ("publish", "discard")],
        ("POST", "/redaktion/vorschau", {"json": {"body": "x"}}),
    ]


ROUTE_COUNT = 18


def test_route_list_covers_every_editor_rule(app):
    rules = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("content.")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    import re
    covered = {(method, re.sub(r"\?.*$", "", path)) for method, path, _ in routes(1)}
    normalised = {(m, re.sub(r"<(?:int:)?(\w+)>", lambda g: {"article_id": "1", "number": "1"}.get(g[1], "X"),
                             re.sub(r"<any\([^)]*\):name>", "NAME", r))) for m, r in rules}
    covered = {(m, re.sub(r"/(schritt|aenderung)/\w+$", r"/\1/NAME", p)) for m, p in covered}
    assert normalised == covered


@pytest.mark.parametrize("role", ["customer", "superuser"])
@pytest.mark.parametrize("index", range(ROUTE_COUNT))
def test_customers_and_superusers_get_403_on_every_editor_route(app, client, auth, role, index):
    article = make_draft()
    user = make_user(role=role)
    db.session.commit()
    auth.login(user)
    assert len(routes(article.id)) == ROUTE_COUNT
    method, path, body = routes(article.id)[index]
    if method == "GET":
        response = client.get(path)
    elif body and "json" in body:
        response = client.post(path, json=body["json"])
    else:
        response = client.post(path, data=body)
    assert response.status_code == 403
    assert db.session.get(Article, article.id).status == "draft"
    assert db.session.scalar(db.select(db.func.count()).select_from(ArticleRevision)) == 1


@pytest.mark.parametrize("index", range(ROUTE_COUNT))
def test_anonymous_is_sent_to_login(app, client, index):
    article = make_draft()
    db.session.commit()
    method, path, body = routes(article.id)[index]
    response = client.get(path) if method == "GET" else client.post(path, data=body if "json" not in (body or {}) else None)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_nav_link_only_for_editors(app, client, auth):
    assert "/redaktion" not in client.get("/").get_data(as_text=True)
    user = make_editor()
    db.session.commit()
    auth.login(user)
    assert 'href="/redaktion"' in client.get("/").get_data(as_text=True)


def test_create_edit_and_slug_change_with_301(app, client, editor):
    category = make_category("wlan")
    db.session.commit()
    response = client.post("/redaktion/artikel/neu", data=form_data(category, title="WLAN-Passwort ändern"))
    assert response.status_code == 302
    article = db.session.execute(db.select(Article)).scalar_one()
    assert (article.slug, article.status, article.tags, article.author_id) == (
        "wlan-passwort-aendern", "draft", ["router", "neustart"], editor.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Der Entwurf ist gespeichert." in page and "Zur Prüfung einreichen" in page
    assert "Veröffentlichen" not in page  # editors can't publish their own draft
    response = client.post(f"/redaktion/artikel/{article.id}", data=form_data(
        category, title="WLAN-Passwort ändern", slug="wlan-passwort", review_by="2030-01-31"))
    assert response.status_code == 302
    db.session.refresh(article)
    assert article.slug == "wlan-passwort" and article.review_by == dt.date(2030, 1, 31)
    assert db.session.execute(db.select(SlugRedirect.old_slug)).scalars().all() == ["wlan-passwort-aendern"]
    article.status = "published"
    db.session.commit()
    old = client.get("/artikel/wlan-passwort-aendern")
    assert old.status_code == 301 and old.headers["Location"].endswith("/artikel/wlan-passwort")
    assert client.get("/artikel/wlan-passwort").status_code == 200


def test_bad_input_is_422_with_field_errors(app, client, editor):
    category = make_category()
    make_draft(slug="vergeben")
    db.session.commit()
    response = client.post("/redaktion/artikel/neu", data=form_data(category, slug="Nicht Gültig"))
    assert response.status_code == 422
    assert "Kleinbuchstaben" in response.get_data(as_text=True)
    response = client.post("/redaktion/artikel/neu", data=form_data(category, slug="vergeben"))
    assert response.status_code == 422 and "bereits" in response.get_data(as_text=True)
    response = client.post("/redaktion/artikel/neu", data=form_data(category, title=""))
    assert response.status_code == 422
    response = client.post("/redaktion/artikel/neu", data=form_data(category, category="999999"))
    assert response.status_code == 422
    response = client.post("/redaktion/artikel/neu", data=form_data(category, review_by="morgen"))
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 1
    assert client.get("/redaktion/artikel/999999").status_code == 404
    assert client.post("/redaktion/artikel/1/schritt/explode").status_code == 404
    assert client.get("/redaktion/artikel/1/versionen/vergleich?von=1").status_code == 400
    assert client.get("/redaktion/artikel/1/versionen/vergleich?von=1&bis=9").status_code == 404


def test_server_side_preview_button_does_not_save(app, client, editor):
    category = make_category()
    db.session.commit()
    response = client.post("/redaktion/artikel/neu", data=form_data(
        category, body="## Vorschau-Titel\n\n<script>alert(1)</script>", action="preview"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="h-vorschau-titel">Vorschau-Titel</h2>' in page and "<script>alert(1)" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_live_preview_endpoint(app, client, editor):
    response = client.post("/redaktion/vorschau", json={"body": "# Hallo\n\n<img src=x onerror=alert(1)>"
                                                                "[x](javascript:alert(1))"})
    assert response.status_code == 200
    data = response.get_json()
    assert "<h2" in data["html"] and "onerror" not in data["html"] and "javascript:" not in data["html"]
    assert client.post("/redaktion/vorschau", data="kein json").status_code == 400
    assert client.post("/redaktion/vorschau", json=["liste"]).status_code == 400
    assert client.post("/redaktion/vorschau", json={"body": 5}).status_code == 400
    assert client.post("/redaktion/vorschau", json={"body": "x" * 200_001}).status_code == 413


def test_workflow_buttons_and_transitions(app, client, auth):
    author, reviewer = make_editor("autorin"), make_editor("pruefer")
    article = make_draft(author)
    db.session.commit()
    auth.login(author)
    assert client.post(f"/redaktion/artikel/{article.id}/schritt/submit").status_code == 302
    page = client.get(f"/redaktion/artikel/{article.id}").get_data(as_text=True)
    assert f"/schritt/publish" not in page
    assert client.post(f"/redaktion/artikel/{article.id}/schritt/publish").status_code == 403
    assert client.get("/redaktion").get_data(as_text=True).count(article.title) == 0
    auth.logout()
    auth.login(reviewer)
    board = client.get("/redaktion").get_data(as_text=True)
    assert "Wartet auf Ihre Prüfung" in board and article.title in board
    assert f"/schritt/publish" in client.get(f"/redaktion/artikel/{article.id}").get_data(as_text=True)
    assert client.post(f"/redaktion/artikel/{article.id}/schritt/publish").status_code == 302
    db.session.refresh(article)
    assert article.status == "published"
    # invalid transition now: 409 page, no 500
    assert client.post(f"/redaktion/artikel/{article.id}/schritt/publish").status_code == 409
    assert client.get(f"/artikel/{article.slug}").status_code == 200


def test_revisions_diff_escapes_and_restore(app, client, editor):
    article = make_draft(editor, title="Erste Fassung", body_md="Zeile 1\nZeile 2\nZeile 3")
    db.session.commit()
    client.post(f"/redaktion/artikel/{article.id}", data=form_data(
        article.category, title="Zweite <b>Fassung</b>", slug=article.slug,
        body="Zeile 1\n<script>alert('x')</script>\nZeile 3"))
    page = client.get(f"/redaktion/artikel/{article.id}/versionen").get_data(as_text=True)
    assert "Bearbeitet" in page and "Erstellt" in page
    diff = client.get(f"/redaktion/artikel/{article.id}/versionen/vergleich?von=1&bis=2").get_data(as_text=True)
    assert "<script>alert" not in diff and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in diff
    assert "<del><span class=\"visually-hidden\">entfernt: </span>Zeile 2</del>" in diff
    assert "<ins>Zweite &lt;b&gt;Fassung&lt;/b&gt;</ins>" in diff
    response = client.post(f"/redaktion/artikel/{article.id}/versionen/1/wiederherstellen")
    assert response.status_code == 302
    db.session.refresh(article)
    assert article.title == "Erste Fassung" and len(article.revisions) == 3
    assert client.post(f"/redaktion/artikel/{article.id}/versionen/77/wiederherstellen").status_code == 404


def test_dashboard_sections_and_filters(app, client, editor):
    other = make_editor()
    wlan, tv = make_category("wlan"), make_category("tv")
    mine = make_draft(editor, title="Mein Entwurf", category=wlan)
    due = make_published(title="Bald prüfen", category=tv, review_by=dt.date.today() + dt.timedelta(days=3))
    later = make_published(title="Später prüfen", category=tv, review_by=dt.date.today() + dt.timedelta(days=60))
    overdue = make_published(title="Überfällig", category=wlan, review_by=dt.date.today() - dt.timedelta(days=1))
    foreign = make_draft(other, title="Fremder Entwurf", category=wlan)
    db.session.commit()
    page = client.get("/redaktion").get_data(as_text=True)
    assert all(t in page for t in (mine.title, due.title, overdue.title, "überfällig"))
    assert later.title in page  # recently published
    assert foreign.title not in page
    page = client.get(f"/redaktion?status=draft&category={wlan.id}").get_data(as_text=True)
    assert mine.title in page and due.title not in page and overdue.title not in page
    listing = client.get(f"/redaktion/artikel?category={tv.id}").get_data(as_text=True)
    assert due.title in listing and later.title in listing and mine.title not in listing
    listing = client.get("/redaktion/artikel?q=Fremd&status=unsinn").get_data(as_text=True)
    assert foreign.title in listing and mine.title not in listing


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_editor_posts_without_csrf_are_refused(app, client):
    user = make_editor()
    article = make_draft(user)
    db.session.commit()
    # log in with a token taken from the login form
    import re
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/anmelden").get_data(as_text=True))
    client.post("/anmelden", data={"login": user.username, "password": "richtig-Pferd-Batterie",
                                   "csrf_token": token.group(1)})
    assert client.get("/redaktion").status_code == 200
    for path, kwargs in [("/redaktion/artikel/neu", {"data": form_data(article.category)}),
                         (f"/redaktion/artikel/{article.id}", {"data": form_data(article.category)}),
                         (f"/redaktion/artikel/{article.id}/schritt/submit", {"data": {}}),
                         (f"/redaktion/artikel/{article.id}/versionen/1/wiederherstellen", {"data": {}}),
                         ("/redaktion/vorschau", {"json": {"body": "x"}})]:
        assert client.post(path, **kwargs).status_code == 400, path
    page = client.get(f"/redaktion/artikel/{article.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/redaktion/vorschau", json={"body": "x"}, headers={"X-CSRFToken": token}).status_code == 200
    response = client.post(f"/redaktion/artikel/{article.id}/schritt/submit", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(Article, article.id).status == "review"


def test_editor_pages_in_english(app, client, editor):
    article = make_draft(editor)
    db.session.commit()
    client.get("/sprache/en")
    page = client.get("/redaktion").get_data(as_text=True)
    assert "My drafts" in page and "Waiting for your review" in page and "Meine Entwürfe" not in page
    page = client.get(f"/redaktion/artikel/{article.id}").get_data(as_text=True)
    assert "Submit for review" in page and "Preview" in page
    page = client.get(f"/redaktion/artikel/{article.id}/versionen").get_data(as_text=True)
    assert "Created" in page


def test_english_catalog_is_complete():
    from pathlib import Path

    from babel.messages.pofile import read_po
    po = Path(__file__).resolve().parents[3] / "content/translations/en/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert missing == [] and len(catalog) > 100


def test_simultaneous_save_is_409_not_500(app, client, editor, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from content import services
    article = make_draft(editor)
    db.session.commit()

    def clash(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
    monkeypatch.setattr(services, "write_revision", lambda *a, **k: clash())
    response = client.post(f"/redaktion/artikel/{article.id}", data=form_data(article.category, title="Neu"))
    assert response.status_code == 409
    assert db.session.get(Article, article.id).title == "Router neu starten"


def test_an_edit_of_a_published_article_waits_for_review_and_the_live_page_stays(app, client, auth):
    author, reviewer = make_editor("autorin"), make_editor("pruefer")
    article = make_published(author, title="Router neu starten", body_md="Alter Text")
    db.session.commit()
    auth.login(author)
    response = client.post(f"/redaktion/artikel/{article.id}", data=form_data(
        article.category, slug=article.slug, body="Neuer Text"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "wartet auf die Prüfung durch ein anderes Redaktionsmitglied" in page
    assert "Änderung wartet auf Prüfung" in page and "Neuer Text" in page  # the form continues the change
    assert "/aenderung/publish" not in page and "/aenderung/discard" in page
    assert client.post(f"/redaktion/artikel/{article.id}/aenderung/publish").status_code == 403
    assert "Alter Text" in client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert "Neuer Text" not in client.get(f"/api/v1/articles/{article.slug}").get_data(as_text=True)
    auth.logout()
    auth.login(reviewer)
    board = client.get("/redaktion").get_data(as_text=True)
    assert "Änderungen an veröffentlichten Artikeln" in board and article.title in board.split('id="sec-changes"')[1]
    page = client.get(f"/redaktion/artikel/{article.id}").get_data(as_text=True)
    assert "/aenderung/publish" in page and "von=3&amp;bis=4" in page
    diff = client.get(f"/redaktion/artikel/{article.id}/versionen/vergleich?von=3&bis=4").get_data(as_text=True)
    assert "Alter Text" in diff and "Neuer Text" in diff
    assert "wartet auf Prüfung" in client.get(f"/redaktion/artikel/{article.id}/versionen").get_data(as_text=True)
    assert client.post(f"/redaktion/artikel/{article.id}/aenderung/publish").status_code == 302
    assert "Neuer Text" in client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert client.post(f"/redaktion/artikel/{article.id}/aenderung/publish").status_code == 409


def test_restore_on_a_published_article_by_an_editor_is_a_proposal(app, client, editor):
    article = make_published(body_md="Erste Fassung")
    admin = make_user(role="admin")
    from content import services
    from tests.factories_content import article_data
    services.update_article(admin, article, article_data(article.category, slug=article.slug, body_md="Zweite"))
    db.session.commit()
    response = client.post(f"/redaktion/artikel/{article.id}/versionen/1/wiederherstellen", follow_redirects=True)
    assert "wartet auf die Prüfung" in response.get_data(as_text=True)
    assert "Zweite" in client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    assert client.post(f"/redaktion/artikel/{article.id}/aenderung/discard").status_code == 302
    assert db.session.get(Article, article.id).pending_revision is None


def test_an_admin_edit_of_a_published_article_goes_live_at_once(app, client, auth):
    admin = make_user(role="admin")
    article = make_published(body_md="Alter Text")
    db.session.commit()
    auth.login(admin)
    response = client.post(f"/redaktion/artikel/{article.id}", data=form_data(
        article.category, slug=article.slug, body="Sofort online"), follow_redirects=True)
    assert "Die Änderungen sind gespeichert" in response.get_data(as_text=True)
    assert "Sofort online" in client.get(f"/artikel/{article.slug}").get_data(as_text=True)


def test_new_article_form_takes_the_title_from_the_query(app, client, editor):
    page = client.get("/redaktion/artikel/neu?title=Router%20%3Cb%3Eblinkt%3C/b%3E%20rot").get_data(as_text=True)
    assert 'value="Router &lt;b&gt;blinkt&lt;/b&gt; rot"' in page
    long_title = client.get("/redaktion/artikel/neu?title=" + "x" * 500).get_data(as_text=True)
    import re
    assert re.search(r'name="title"[^>]*value="(x*)"', long_title).group(1) == "x" * 200
