"""The anonymous page cache: public pages rendered once per PAGE_CACHE_SECONDS and worker, never a personal page."""
import re

import pytest

from core import page_cache
from core.extensions import db
from tests.conftest import IsolatedClient
from tests.factories import make_article, make_user

pytestmark = pytest.mark.app_config(PAGE_CACHE_SECONDS=30, TALLY_FLUSH_SECONDS=5)  # counts batched, as in production
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _token(html: str) -> str:
    match = TOKEN.search(html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def isolated_clients(app):
    """Each request in its own app context, as under gunicorn (a shared `g` would share the CSRF token)."""
    app.test_client_class = IsolatedClient


@pytest.fixture
def article(app):
    article = make_article(title="Router blinkt rot", slug="router-blinkt-rot", review_by=None)
    db.session.commit()
    return article


def test_an_anonymous_visitor_gets_the_cached_page_with_a_token_of_its_own(app, article):
    first, second = app.test_client(), app.test_client()
    miss = first.get("/artikel/router-blinkt-rot")
    hit = second.get("/artikel/router-blinkt-rot")
    assert miss.headers["X-Page-Cache"] == "miss" and hit.headers["X-Page-Cache"] == "hit"
    first_html, second_html = miss.get_data(as_text=True), hit.get_data(as_text=True)
    assert _token(first_html) != _token(second_html)
    assert first_html.replace(_token(first_html), "") == second_html.replace(_token(second_html), "")
    assert "\x00" not in second_html
    # the hit carries the shared headers and a session cookie for its own token
    assert "unsafe-inline" not in hit.headers["Content-Security-Policy"]
    assert second.get_cookie("session") is not None


@pytest.mark.app_config(PAGE_CACHE_SECONDS=30, WTF_CSRF_ENABLED=True)
def test_the_token_in_a_cached_page_is_accepted_for_that_visitor(app, article):
    app.test_client().get("/artikel/router-blinkt-rot")
    visitor = app.test_client()
    page = visitor.get("/artikel/router-blinkt-rot")
    assert page.headers["X-Page-Cache"] == "hit"
    vote = visitor.post("/artikel/router-blinkt-rot/feedback",
                        data={"helpful": "yes", "csrf_token": _token(page.get_data(as_text=True))})
    assert vote.status_code == 303, vote.get_data(as_text=True)[:300]
    # after voting the visitor carries a cookie of its own: fresh page with its "thank you"
    after = visitor.get("/artikel/router-blinkt-rot?feedback=danke")
    assert "X-Page-Cache" not in after.headers
    assert "Danke für Ihre Rückmeldung!" in after.get_data(as_text=True)


def test_a_change_to_public_content_shows_at_once(app, article):
    visitor = app.test_client()
    assert "Router blinkt rot" in visitor.get("/artikel/router-blinkt-rot").get_data(as_text=True)
    assert visitor.get("/artikel/router-blinkt-rot").headers["X-Page-Cache"] == "hit"
    article.title = "Router blinkt orange"
    db.session.commit()
    fresh = visitor.get("/artikel/router-blinkt-rot")
    assert fresh.headers["X-Page-Cache"] == "miss" and "Router blinkt orange" in fresh.get_data(as_text=True)
    assert "Router blinkt orange" in app.test_client().get("/artikel/router-blinkt-rot").get_data(as_text=True)


def test_writes_no_public_page_shows_keep_the_cache_until_it_expires(app, article, monkeypatch):
    from kb.models import ArticleFeedback
    from search.analytics import log_search
    visitor = app.test_client()
    visitor.get("/artikel/router-blinkt-rot")
    log_search("router blinkt", 3, "api")  # what every search and "was this helpful?" write
    db.session.add(ArticleFeedback(article_id=article.id, visitor_hash="v1", helpful=True))
    db.session.commit()
    assert visitor.get("/artikel/router-blinkt-rot").headers["X-Page-Cache"] == "hit"
    later = page_cache.time.monotonic() + 31
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    assert visitor.get("/artikel/router-blinkt-rot").headers["X-Page-Cache"] == "miss"


def test_a_hidden_question_is_gone_for_anonymous_visitors_at_once(app):
    from community import services
    from tests.factories_community import make_question
    question = make_question(title="Beleidigender Beitrag über Glasfaserdosen")
    db.session.commit()
    path = f"/community/fragen/{question.id}"
    first_time, returning = app.test_client(), app.test_client()
    assert first_time.get(path).status_code == 200 and returning.get(path).headers["X-Page-Cache"] == "hit"
    assert app.test_client().get("/api/v1/search?q=glasfaserdosen").get_json()["total"] == 1
    services.set_hidden(make_user(role="admin"), "question", question, True, reason="Beleidigung")
    db.session.commit()
    # the visitor without a cookie (answered in front of Flask) and the one with a session alike
    assert app.test_client().get(path).status_code == 404 and returning.get(path).status_code == 404
    assert app.test_client().get("/api/v1/search?q=glasfaserdosen").get_json()["total"] == 0


def test_a_change_in_one_worker_empties_the_cache_of_the_others(app, article, tmp_path, postgres_url):
    """Workers are processes with caches of their own; the stamp file in the instance folder is what they share."""
    from tests.conftest import make_test_app
    other = make_test_app(tmp_path, postgres_url, PAGE_CACHE_SECONDS=30)
    other.test_client_class = IsolatedClient
    assert other.test_client().get("/artikel/router-blinkt-rot").headers["X-Page-Cache"] == "miss"
    assert other.test_client().get("/artikel/router-blinkt-rot").headers["X-Page-Cache"] == "hit"
    article.title = "Router blinkt orange"
    db.session.commit()  # committed in this "worker"
    page = other.test_client().get("/artikel/router-blinkt-rot")
    assert page.headers["X-Page-Cache"] == "miss" and "Router blinkt orange" in page.get_data(as_text=True)


def test_a_page_rendered_before_a_change_is_not_stored_after_it(app, article):
    cache = app.extensions["page_cache"]
    before = cache.generation()
    page_cache.invalidate(app)
    page_cache.invalidate(app)  # twice within one clock tick: still a newer stamp each time
    assert cache.generation() > before
    entry = page_cache._Entry([b"stale"], "text/html", page_cache.time.monotonic() + 30)
    cache.put(("k",), entry, before)
    assert cache.get(("k",)) is None
    cache.put(("k",), entry, cache.generation())
    assert cache.get(("k",)) is entry


def test_logged_in_users_always_get_a_fresh_page(app, client, auth, article):
    app.test_client().get("/artikel/router-blinkt-rot")
    auth.login(make_user("redakteurin", role="editor"))
    response = client.get("/artikel/router-blinkt-rot")
    assert "X-Page-Cache" not in response.headers
    assert "redakteurin" in response.get_data(as_text=True)
    token = client.get("/artikel/router-blinkt-rot", headers={"Authorization": "Bearer nichts"})
    assert "X-Page-Cache" not in token.headers


def test_a_flash_message_is_never_swallowed_by_the_cache(app, article):
    visitor = app.test_client()
    assert visitor.get("/").headers["X-Page-Cache"] == "miss"
    visitor.post("/abmelden")  # flashes "Sie sind abgemeldet." for the next page
    home = visitor.get("/")
    assert "X-Page-Cache" not in home.headers and "Sie sind abgemeldet." in home.get_data(as_text=True)


def test_languages_are_cached_separately(app, article):
    assert 'lang="de"' in app.test_client().get("/").get_data(as_text=True)
    english = app.test_client().get("/", headers={"Accept-Language": "en"})
    assert english.headers["X-Page-Cache"] == "miss" and 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="en"' in app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_only_listed_endpoints_and_successful_pages_are_cached(app, article):
    visitor = app.test_client()
    visitor.get("/suche?q=router")
    assert "X-Page-Cache" not in visitor.get("/suche?q=router").headers
    visitor.get("/artikel/gibt-es-nicht")
    assert visitor.get("/artikel/gibt-es-nicht").headers.get("X-Page-Cache") != "hit"


def test_off_by_default_in_tests_and_on_in_production(tmp_path, monkeypatch):
    from tests.conftest import make_test_app
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    assert make_test_app(tmp_path, None).config["PAGE_CACHE_SECONDS"] == 0
    production = make_test_app(tmp_path, None, TESTING=False, SECRET_KEY="x" * 40)
    assert production.config["PAGE_CACHE_SECONDS"] == page_cache.DEFAULT_SECONDS
    monkeypatch.setenv("PAGE_CACHE_SECONDS", "0")
    assert make_test_app(tmp_path, None, TESTING=False, SECRET_KEY="x" * 40).config["PAGE_CACHE_SECONDS"] == 0


def test_a_first_time_visitor_gets_the_same_headers_as_the_page_that_was_stored(app, article):
    miss = app.test_client().get("/artikel/router-blinkt-rot")
    hit = app.test_client().get("/artikel/router-blinkt-rot")
    assert hit.headers["X-Page-Cache"] == "hit"
    ignore = {"Set-Cookie", "X-Page-Cache", "Content-Length"}
    assert {k: v for k, v in hit.headers.items() if k not in ignore} == \
        {k: v for k, v in miss.headers.items() if k not in ignore}
    assert int(hit.headers["Content-Length"]) == len(hit.get_data())


@pytest.mark.app_config(PAGE_CACHE_SECONDS=30, SESSION_COOKIE_SECURE=True)
def test_the_session_cookie_of_a_cached_page_is_as_strict_as_flasks(app, article):
    miss = app.test_client().get("/artikel/router-blinkt-rot", base_url="https://localhost")
    hit = app.test_client().get("/artikel/router-blinkt-rot", base_url="https://localhost")
    assert hit.headers["X-Page-Cache"] == "hit"

    def attributes(response):
        cookie = response.headers["Set-Cookie"]
        return cookie.split("=", 1)[0], {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert attributes(hit) == attributes(miss)
    assert {"secure", "httponly", "samesite", "path"} <= attributes(hit)[1]


@pytest.mark.app_config(PAGE_CACHE_SECONDS=30, LOG_FORMAT="json")
def test_a_page_served_from_the_cache_is_logged_like_any_request(app, article):
    import json
    import logging
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logging.getLogger("helpcenter.request").addHandler(handler)
    try:
        app.test_client().get("/artikel/router-blinkt-rot")
        app.test_client().get("/artikel/router-blinkt-rot")
    finally:
        logging.getLogger("helpcenter.request").removeHandler(handler)
    entries = [json.loads(line) for line in lines]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [("GET", "/artikel/router-blinkt-rot", 200)] * 2


# Counted in memory until the test flushes: the flush thread's own 5-s tick must not land mid-test on a slow run.
@pytest.mark.app_config(PAGE_CACHE_SECONDS=30, TALLY_FLUSH_SECONDS=3600)
def test_anonymous_search_api_answers_are_cached_and_every_search_is_still_logged(app, article):
    """An outage sends thousands to the same query: the JSON comes from the cache, and every search, rendered or
    cached, reaches the analytics in a batch (core.tally): one row standing for all of them."""
    from core import tally
    from search.models import SearchLog
    first = app.test_client().get("/api/v1/search?q=router+blinkt")
    hits = [app.test_client().get("/api/v1/search?q=router+blinkt") for _ in range(3)]
    assert first.headers["X-Page-Cache"] == "miss" and all(h.headers["X-Page-Cache"] == "hit" for h in hits)
    assert all(h.get_json() == first.get_json() for h in hits) and first.get_json()["total"] >= 1
    # with a token (an API client acting as someone) the answer is never the shared one
    assert "X-Page-Cache" not in app.test_client().get("/api/v1/search?q=router+blinkt",
                                                       headers={"Authorization": "Bearer x"}).headers
    logged = lambda: db.session.execute(db.select(db.func.sum(SearchLog.searches))).scalar()  # noqa: E731
    before = logged()
    assert sum(tally.pending(app, "searches").values()) == 4  # the one rendered and the three served cached
    tally.flush(app)
    db.session.expire_all()
    assert (logged() or 0) == (before or 0) + 4 and not tally.pending(app, "searches")
    row = db.session.execute(db.select(SearchLog).order_by(SearchLog.id.desc())).scalars().first()
    assert (row.query, row.source, row.result_count, row.searches) == ("router blinkt", "api",
                                                                       first.get_json()["total"], 4)
    from search import analytics
    top = {s.query: s for s in analytics.report(days=1)["top"]}
    assert top["router blinkt"].searches == 4 and top["router blinkt"].results == first.get_json()["total"]


# Counted in memory until the test flushes: the flush thread's own 5-s tick must not land mid-test on a slow run.
@pytest.mark.app_config(PAGE_CACHE_SECONDS=30, TALLY_FLUSH_SECONDS=3600)
def test_question_page_views_served_from_the_cache_are_counted(app):
    from community.models import Question
    from core import tally
    from tests.factories_community import make_answer, make_question
    question = make_question()
    answer = make_answer(question)
    question.accepted_answer_id = answer.id
    db.session.commit()
    path = f"/community/fragen/{question.id}"
    responses = [app.test_client().get(path) for _ in range(4)]
    assert [r.headers.get("X-Page-Cache") for r in responses] == ["miss", "hit", "hit", "hit"]
    db.session.expire_all()
    assert db.session.get(Question, question.id).view_count == 1  # the rendered view, counted live
    tally.flush(app)
    db.session.expire_all()
    assert db.session.get(Question, question.id).view_count == 4
    assert db.session.get(type(answer), answer.id).solution_views == 4
    # a logged-in visitor never gets the shared page
    client = app.test_client()
    client.post("/anmelden", data={"login": make_user().username, "password": "richtig-Pferd-Batterie"})
    assert "X-Page-Cache" not in client.get(path).headers


@pytest.mark.app_config(TALLY_FLUSH_SECONDS=0.2)
def test_live_searches_are_logged_by_the_flush_thread_without_a_write_in_the_request(app, client):
    """Searches are not written in the request: the tally's thread writes them within TALLY_FLUSH_SECONDS."""
    import time

    from core import tally
    from search.models import SearchLog
    assert client.get("/api/v1/search?q=glasfaser").status_code == 200
    client.get("/suche?q=glasfaser")
    db.session.expire_all()
    assert sum(tally.pending(app, "searches").values()) == 2
    deadline = time.monotonic() + 5
    while tally.pending(app, "searches") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the write after the hand-over
    db.session.expire_all()
    rows = db.session.execute(db.select(SearchLog.source, SearchLog.searches)).all()
    assert sorted(rows) == [("api", 1), ("search", 1)]


def test_a_search_cached_before_the_index_had_the_change_is_dropped_when_it_does(app, article):
    """The commit empties the cache before the index is written (its listener runs first): a search answered in
    between would keep the old results for PAGE_CACHE_SECONDS. Writing the index empties it once more."""
    from search import indexer
    app.config["SEARCH_INDEX_ON_COMMIT"] = False  # the commit below reaches the database, not yet the index
    article.status = "archived"
    db.session.commit()
    stale = app.test_client().get("/api/v1/search?q=router+blinkt")
    assert stale.headers["X-Page-Cache"] == "miss" and stale.get_json()["total"] == 1  # cached with the old index
    assert app.test_client().get("/api/v1/search?q=router+blinkt").headers["X-Page-Cache"] == "hit"
    indexer.index_keys(app, [f"article:{article.id}"])  # what the search listener does right after the commit
    fresh = app.test_client().get("/api/v1/search?q=router+blinkt")
    assert fresh.headers["X-Page-Cache"] == "miss" and fresh.get_json()["total"] == 0
