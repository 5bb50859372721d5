"""The page tour: every page template, rendered with the demo content, as the visitor allowed to see it.

Shared by the Nu validator test (tests/http/core/test_page_quality.py) and the axe-core and transfer-size checks in
Chromium (tests/browser/test_page_tour_in_chromium.py). ``PAGE_TEMPLATES`` is read from the templates folder, and both tests
assert the tour renders every one of them, so a new page cannot slip past the checkers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from community.models import Answer, Question
from content import demo
from core.extensions import db
from core.models import User
from kb.models import Article, Category
from kb.videos.models import Video, VideoImport

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Rendered outside Flask's render_template (no template_rendered signal): the error page that works without the
# database. The tour renders it through core.errors directly.
STANDALONE = "errors/standalone.html"
PASSWORDS = {role: (name, password) for name, _email, role, password in demo.DEMO_USERS}


def page_templates() -> set[str]:
    """Templates that are whole pages: not partials (``_name.html``), macros or the base layout."""
    return {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")
            if not path.name.startswith("_") and path.parent.name != "macros" and path.name != "base.html"}


@dataclass(frozen=True)
class Stop:
    name: str
    role: str | None  # None: an anonymous visitor; else a demo account's role
    path: str
    status: int = 200


def load_demo(app: Flask) -> None:
    """`flask demo load`, plus what the demo lacks for a full tour: a finished and a failed video import."""
    with app.app_context():
        demo.load_demo(lambda _line: None)
        editor = db.session.execute(db.select(User).where(User.role == "editor")).scalars().first()
        db.session.add_all([
            VideoImport(source="https://www.youtube.com/@kanal", status="done", created=2, failed=1,
                        messages=["abc: nicht verfügbar"], requested_by_id=editor.id),
            VideoImport(source="https://example.org/v", status="failed", error="Netzwerkfehler"),
        ])
        db.session.commit()


def tour(app: Flask) -> list[Stop]:
    with app.app_context():
        first = lambda query: db.session.execute(query.limit(1)).scalar_one()  # noqa: E731
        article = first(db.select(Article).where(Article.status == "published",
                                                 Article.body_md.contains("[[video:")).order_by(Article.id))
        category = first(db.select(Category).order_by(Category.position))
        video = first(db.select(Video).where(Video.status == "published").order_by(Video.id))
        solved = first(db.select(Question).where(Question.accepted_answer_id.is_not(None)).order_by(Question.id))
        answer = first(db.select(Answer).where(Answer.question_id == solved.id).order_by(Answer.id))
        superuser = first(db.select(User).where(User.role == "superuser"))
        tag = solved.tags[0].name
        imports = db.session.execute(db.select(VideoImport.id).order_by(VideoImport.id)).scalars().all()
        revision = len(article.revisions)
        return [
            Stop("home", None, "/"),
            Stop("category", None, f"/themen/{category.slug}"),
            Stop("article", None, f"/artikel/{article.slug}"),
            Stop("status", None, "/status"),
            Stop("search", None, "/suche?q=wlan+passwort"),
            Stop("search-nothing", None, "/suche?q=qqqxxzz"),
            Stop("videos", None, f"/videos?kategorie={category.slug}"),
            Stop("video", None, f"/videos/{video.provider_id}?t=30"),
            Stop("community", None, "/community"),
            Stop("community-unanswered", None, "/community?filter=unbeantwortet"),
            Stop("community-category", None, f"/community/themen/{category.slug}"),
            Stop("community-tag", None, f"/community/tags/{tag}"),
            Stop("question", None, f"/community/fragen/{solved.id}"),
            Stop("question-history", None, f"/community/fragen/{solved.id}/verlauf"),
            Stop("badges", None, "/community/abzeichen"),
            Stop("reputation", None, "/community/reputation"),
            Stop("superusers", None, "/community/superuser"),
            Stop("profile", None, f"/community/benutzer/{superuser.username}"),
            Stop("login", None, "/anmelden"),
            Stop("register", None, "/registrieren"),
            Stop("not-found", None, "/gibt-es-nicht", 404),
            Stop("ask", "customer", "/community/frage-stellen"),
            Stop("change-password", "customer", "/konto/passwort"),
            Stop("notifications", "customer", "/benachrichtigungen"),
            Stop("notification-settings", "customer", "/benachrichtigungen/einstellungen"),
            Stop("forbidden", "customer", "/redaktion", 403),
            Stop("queue", "superuser", "/community/warteschlange"),
            Stop("moderation", "superuser", "/community/moderation"),
            Stop("edit-question", "superuser", f"/community/fragen/{solved.id}/bearbeiten"),
            Stop("edit-answer", "superuser", f"/community/antworten/{answer.id}/bearbeiten"),
            Stop("editor-dashboard", "editor", "/redaktion"),
            Stop("editor-articles", "editor", "/redaktion/artikel"),
            Stop("editor-new", "editor", "/redaktion/artikel/neu"),
            Stop("editor-edit", "editor", f"/redaktion/artikel/{article.id}"),
            Stop("editor-revisions", "editor", f"/redaktion/artikel/{article.id}/versionen"),
            Stop("editor-diff", "editor",
                 f"/redaktion/artikel/{article.id}/versionen/vergleich?von={max(revision - 1, 1)}&bis={revision}"),
            Stop("editor-status", "editor", "/redaktion/status"),
            Stop("editor-feedback", "editor", "/redaktion/rueckmeldungen"),
            Stop("editor-search-analytics", "editor", "/redaktion/suche"),
            Stop("editor-synonyms", "editor", "/redaktion/synonyme"),
            Stop("editor-video", "editor", f"/videos/{video.provider_id}/bearbeiten"),
            Stop("editor-video-import", "editor", "/redaktion/videos/import"),
            *(Stop(f"editor-video-import-{n}", "editor", f"/redaktion/videos/import/{import_id}")
              for n, import_id in enumerate(imports)),
            Stop("admin-users", "admin", "/admin/benutzer"),
            Stop("admin-jobs", "admin", "/admin/jobs"),
        ]


def standalone_error_page(app: Flask) -> str:
    """The error page core.errors serves when even the layout cannot render (database down)."""
    from core.errors import standalone_page

    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        return standalone_page(503, "Vorübergehend nicht verfügbar", "Bitte versuchen Sie es später erneut.")
