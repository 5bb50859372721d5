"""Community pages: valid HTML (Nu validator when installed), no inline script or style, headings in order."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from community import services
from core.extensions import db
from tests.factories import make_category, make_user
from tests.factories_community import make_answer, make_question

VNU = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(client, auth) -> dict[str, str]:
    make_category("wlan", name_de="WLAN")
    mod = make_user("moderatorin", role="admin")
    asker = make_user("fragerin")
    q = make_question(asker, title="WLAN bricht abends immer ab", category="wlan", tags="wlan router",
                      device="Internet-Box 3")
    a1, a2 = make_answer(q, body="Kanal wechseln"), make_answer(q, body="Router neu starten")
    services.add_comment(asker, "answer", a1, "Danke, probiere ich")
    services.accept(asker, a1)
    a2.score = 6
    services.edit_question(asker, q, title="WLAN bricht abends ständig ab", body="Neu", tags="wlan")
    waiting = make_question(title="TV-Box ohne Bild seit heute")
    services.flag(make_user(), "question", waiting, "spam")
    db.session.commit()
    get = lambda url, **kw: client.get(url, **kw).get_data(as_text=True)  # noqa: E731
    pages = {"home-anon": get("/community"), "question-anon": get(f"/community/fragen/{q.id}"),
             "badges": get("/community/abzeichen"), "reputation": get("/community/reputation"),
             "superusers": get("/community/superuser"), "tag": get("/community/tags/wlan"),
             "category": get("/community/themen/wlan"), "history": get(f"/community/fragen/{q.id}/verlauf"),
             "profile-anon": get("/community/benutzer/fragerin")}
    auth.login(mod)
    pages.update({"question-mod": get(f"/community/fragen/{q.id}"), "queue": get("/community/warteschlange"),
                  "moderation": get("/community/moderation"), "profile-admin": get("/community/benutzer/fragerin"),
                  "ask": get("/community/frage-stellen"), "edit": get(f"/community/fragen/{q.id}/bearbeiten"),
                  "edit-answer": get(f"/community/antworten/{a1.id}/bearbeiten"),
                  "ask-422": client.post("/community/frage-stellen", data={
                      "title": "Mein Passwort geht nicht", "body": "Mein Passwort: Sonne123! und IBAN "
                      "CH93 0076 2011 6238 5295 7"}).get_data(as_text=True),
                  "home-en": get("/community", headers={"Accept-Language": "en"}),
                  "profile-own": get("/community/benutzer/moderatorin")})
    return pages


def test_no_inline_scripts_or_styles_and_headings_in_order(client, auth):
    pages = _pages(client, auth)
    assert "Kontaktformular" in pages["ask-422"]
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
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=120, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"][:150]) for m in messages]
    assert not problems, "\n".join(map(str, problems))
