"""The kb pages are valid HTML (Nu validator), have headings in order and no inline script or style."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.extensions import db
from content import services as content_services
from kb.videos.models import VideoImport
from tests.factories import make_article, make_category, make_user
from tests.factories_content import article_data, make_published
from tests.factories_kb import make_banner
from tests.factories_videos import make_video

VNU = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(client, auth):
    category = make_category("wlan", icon="wifi")
    article = make_article("WLAN", body="## Eins\n\nText\n\n### Zwei\n\nText", category=category,
                           tags=["wlan"], helpful_yes=2)
    make_article("Other", category=category, tags=["wlan"], lang="en")
    make_video("abcDEF12345", category=category)
    embedding = make_published(title="Mit Video und Tabelle", category=category, body_md=(
        "## Tabelle\n\n| Lampe | Bedeutung |\n|:--|:-:|\n| weiss | bereit |\n\n## Video\n\n[[video:abcDEF12345@30]]"
        "\n\n![extern](https://tracker.example/p.gif)"))
    make_banner("Störung", message="Wir arbeiten daran", region="Bern")
    editor = make_user(role="editor")
    content_services.update_article(editor, embedding, article_data(category, title=embedding.title,
                                                                    slug=embedding.slug, body_md="Geändert"))
    done = VideoImport(source="https://www.youtube.com/@kanal", status="done", created=2, failed=1,
                       messages=["x: nicht verfügbar"], requested_by_id=editor.id)
    failed = VideoImport(source="https://example.org/v", status="failed", error="Netzwerkfehler: weg")
    db.session.add_all([done, failed])
    db.session.commit()
    pages = {name: client.get(url).get_data(as_text=True) for name, url in {
        "home": "/", "category": "/themen/wlan", "article": f"/artikel/{article.slug}", "status": "/status",
        "article-embed": f"/artikel/{embedding.slug}"}.items()}
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
    pages["editor-pending-change"] = client.get(f"/redaktion/artikel/{embedding.id}").get_data(as_text=True)
    pages["editor-dashboard"] = client.get("/redaktion").get_data(as_text=True)
    pages["video-import"] = client.get("/redaktion/videos/import").get_data(as_text=True)
    pages["video-import-422"] = client.post("/redaktion/videos/import", data={"source": "ftp://x"}).get_data(
        as_text=True)
    pages["video-import-done"] = client.get(f"/redaktion/videos/import/{done.id}").get_data(as_text=True)
    pages["video-import-failed"] = client.get(f"/redaktion/videos/import/{failed.id}").get_data(as_text=True)
    assert 'class="align-center"' in pages["article-embed"] and "data-video-player" in pages["article-embed"]
    assert "Änderung wartet auf Prüfung" in pages["editor-pending-change"]
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
    assert messages == [], "\n".join(f"{m.get('url', '').rsplit('/', 1)[-1]}: {m.get('message')} | {m.get('extract')}" for m in messages)
