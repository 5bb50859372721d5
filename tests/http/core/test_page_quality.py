"""Every page template, rendered with the demo content as the visitor allowed to see it, is valid HTML (Nu
validator), carries no inline script or style, and has its headings in order (tests/page_tour.py)."""
from __future__ import annotations

import re

import flask
import pytest

from tests.checkers import nu_errors
from tests.page_tour import PASSWORDS, STANDALONE, load_demo, page_templates, standalone_error_page, tour


@pytest.fixture
def pages(app, client):
    load_demo(app)
    rendered: set[str] = set()

    def record(sender, template, context, **extra):
        rendered.add(template.name)

    pages: dict[str, str] = {}
    role = None
    with flask.template_rendered.connected_to(record, app):
        for stop in tour(app):
            if stop.role != role:
                client.post("/abmelden")
                if stop.role:
                    name, password = PASSWORDS[stop.role]
                    assert client.post("/anmelden", data={"login": name, "password": password}).status_code == 302
                role = stop.role
            response = client.get(stop.path, headers={"Accept-Language": "de-CH"})
            assert response.status_code == stop.status, (stop, response.status_code)
            pages[stop.name] = response.get_data(as_text=True)
    pages["standalone-error"] = standalone_error_page(app)
    missing = page_templates() - rendered - {STANDALONE}
    assert not missing, f"page templates the tour does not render (add a stop in tests/page_tour.py): {missing}"
    return pages


def test_every_page_is_valid_html(pages, tmp_path):
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    errors = nu_errors(files)
    assert errors == [], "\n".join(errors)


def test_every_page_has_one_h1_headings_in_order_and_no_inline_code(pages):
    for name, html in pages.items():
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")", html), name
        assert " style=" not in html and "<style" not in html, name
        assert '="None"' not in html, name  # a Python None rendered as an attribute value
        assert re.search(r'<html lang="de', html), name
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert levels and levels[0] == 1 and levels.count(1) == 1, (name, levels)
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (name, levels)
