"""Playwright on Debian's Chromium against a live server on 127.0.0.1 (see ../shared/TESTING.md)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core.extensions import db
from tests.conftest import make_test_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
        for item in items:
            if here in Path(item.fspath).parents:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """One app and SQLite database for the browser session, with CSRF on as in production."""
    tmp = tmp_path_factory.mktemp("live")
    os.environ["INSTANCE_PATH"] = str(tmp / "instance")
    app = make_test_app(tmp, None, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture
def third_party_requests(page):
    """Every request the page makes to a host other than 127.0.0.1 (the live server's only address; "localhost"
    would be another origin, so it counts as third party too)."""
    seen: list[str] = []

    def record(request):
        from urllib.parse import urlsplit
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http://", "https://")) and host != "127.0.0.1":
            seen.append(request.url)
    page.on("request", record)
    return seen
