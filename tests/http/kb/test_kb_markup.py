"""The kb pages are valid HTML (Nu validator), have headings in order and no inline script or style."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.extensions import db
from tests.factories import make_article, make_category, make_user
from tests.factories_kb import make_banner
from tests.factories_videos import make_video

VNU = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(client, auth):
    category = make_category("wlan", icon="wifi")
    article = make_article("WLAN", body="## Eins\n\nText\n\n### Zwei\n\nText", category=category,
                           tags=["wlan"], helpful_yes=2)
    make_article("Other", category=category, tags=["wlan"], lang="en")
    make_video(category=category)
    make_banner("Störung", message="Wir arbeiten daran", region="Bern")
    editor = make_user(role="editor")
    db.session.commit()
    pages = {name: client.get(url).get_data(as_text=True) for name, url in {
        "home": "/", "category": "/themen/wlan", "article": f"/artikel/{article.slug}", "status": "/status"}.items()}
    pages["en-article"] = client.get(f"/artikel/{article.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    client.post(f"/artikel/{article.slug}/feedback", data={"helpful": "no"})
    pages["article-no"] = client.get(f"/artikel/{article.slug}").get_data(as_text=True)
    pages["article-422"] = client.post(f"/artikel/{article.slug}/feedback/kommentar",
                                       data={"comment": ""}).get_data(as_text=True)
    auth.login(editor)
    pages["editor"] = client.get("/redaktion/status").get_data(as_text=True)
    pages["editor-feedback"] = client.get("/redaktion/rueckmeldungen").get_data(as_text=True)
    pages["editor-422"] = client.post("/redaktion/status", data={"level": "x", "title": ""}).get_data(as_text=True)
    return pages


def test_no_inline_scripts_or_styles_and_headings_in_order(app, client, auth):
    for name, html in _pages(client, auth).items():
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), name
        assert " style=" not in html and "<style" not in html, name
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and levels.count(1) == 1, name
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (name, levels)


@pytest.mark.skipif(not (VNU.exists() and shutil.which("java")), reason="Nu validator (npm vnu-jar) or Java missing")
def test_pages_are_valid_html(app, client, auth, tmp_path):
    files = []
    for name, html in _pages(client, auth).items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=120, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert messages == []
