"""Notification pages and the question page's follow/editor tools: valid HTML (Nu validator), no inline script
or style, headings in order, in German and English."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from community import notifications
from core.extensions import db
from tests.factories import make_category, make_user
from tests.factories_notify import accept, make_answer, make_question

VNU = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(client, auth) -> dict[str, str]:
    editor = make_user(role="editor")
    question = make_question(title="WLAN bricht abends immer ab", category=make_category("wlan"))
    accept(question, make_answer(question))
    notifications.notify(editor, "accepted", {"title": question.title}, f"/community/fragen/{question.id}")
    notifications.notify(editor, "promoted", {}, "")
    db.session.commit()
    auth.login(editor)
    pages = {"list": client.get("/benachrichtigungen").get_data(as_text=True),
             "settings": client.get("/benachrichtigungen/einstellungen").get_data(as_text=True),
             "settings-422": client.post("/benachrichtigungen/einstellungen",
                                         data={"email_mode": "nie"}).get_data(as_text=True),
             "question": client.get(f"/community/fragen/{question.id}").get_data(as_text=True),
             "list-en": client.get("/benachrichtigungen", headers={"Accept-Language": "en"}).get_data(as_text=True)}
    client.post("/benachrichtigungen/gelesen")
    pages["list-read"] = client.get("/benachrichtigungen").get_data(as_text=True)
    return pages


def test_no_inline_scripts_or_styles_and_headings_in_order(client, auth):
    pages = _pages(client, auth)
    assert "Mark all as read" in pages["list-en"] and "Notifications" in pages["list-en"]
    for name, html in pages.items():
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), name
        assert " style=" not in html and "<style" not in html, name
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and levels.count(1) == 1, name
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (name, levels)


@pytest.mark.skipif(not (VNU.exists() and shutil.which("java")), reason="Nu validator (npm vnu-jar) or Java missing")
def test_pages_are_valid_html(client, auth, tmp_path):
    files = []
    for name, html in _pages(client, auth).items():
        if name == "question":  # the forum core's page: validated by its own tests
            continue
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=120, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"][:150]) for m in messages]
    assert not problems, "\n".join(map(str, problems))
