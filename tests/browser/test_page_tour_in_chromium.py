"""Every page template in Chromium, with the demo content, as the visitor allowed to see it (tests/page_tour.py):
no serious or critical axe-core violation, no request to a third party; the article page (without video) stays
under 60 KB transferred with all it loads."""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from core.extensions import db
from kb.models import Article
from tests.browser_steps import log_in
from tests.checkers import axe_serious
from tests.conftest import make_test_app
from tests.page_tour import PASSWORDS, load_demo, tour

ARTICLE_BUDGET = 60 * 1024


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, monkeypatch_module):
    tmp = tmp_path_factory.mktemp("tour")
    monkeypatch_module.setenv("INSTANCE_PATH", str(tmp / "instance"))
    app = make_test_app(tmp, None, WTF_CSRF_ENABLED=True, PAGE_CACHE_SECONDS=0)
    with app.app_context():
        db.create_all()
    load_demo(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-CH"}


def third_party(url: str) -> bool:
    return url.startswith(("http://", "https://")) and urlsplit(url).hostname != "127.0.0.1"


@pytest.mark.parametrize("role", [None, "customer", "superuser", "editor", "admin"])
def test_no_serious_accessibility_violation_and_no_third_party_request(page, demo_site, role):
    app, base = demo_site
    stops = [stop for stop in tour(app) if stop.role == role]
    assert stops
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    if role:
        name, password = PASSWORDS[role]
        log_in(page, base, name, password)
        assert "/anmelden" not in page.url
    problems = {}
    for stop in stops:
        response = page.goto(base + stop.path)
        assert response.status == stop.status, (stop, response.status)
        found = axe_serious(page)
        if found:
            problems[stop.name] = found
    assert problems == {}
    assert [url for url in requested if third_party(url)] == []


def test_article_page_stays_under_60_kb_transferred(page, demo_site):
    app, base = demo_site
    with app.app_context():
        slugs = db.session.execute(db.select(Article.slug).where(
            Article.status == "published", ~Article.body_md.contains("[[video:"), Article.lang == "de")
            .order_by(db.func.length(Article.body_md).desc()).limit(1)).scalars().all()
    sizes: dict[str, int] = {}

    def measure(request):
        try:
            response = request.response()
            sizes[request.url] = request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        except Exception as error:  # a request that failed has no sizes: the assertion below names it
            sizes[request.url] = -1
            raise AssertionError(f"{request.url}: {error}") from error
        assert response is not None

    page.on("requestfinished", measure)
    page.goto(f"{base}/artikel/{slugs[0]}")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    assert sizes and all(size > 0 for size in sizes.values()), sizes
    assert not any(third_party(url) for url in sizes), sizes
    assert total < ARTICLE_BUDGET, (total, sizes)
    print(f"article page (longest demo article, no video): {total / 1024:.1f} KB in {len(sizes)} requests")
