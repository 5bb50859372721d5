"""Customer-facing knowledge base pages. Thin: parse, call kb.services, render."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, redirect, render_template, url_for
from flask_babel import get_locale

from core.extensions import db
from kb import services

bp = Blueprint("kb", __name__)


@bp.route("/")
def home():
    return render_template("kb/home.html", categories=services.categories(), counts=services.article_counts())


@bp.route("/themen/<slug>")
def category(slug: str):
    category = services.category_by_slug(slug) or abort(404)
    articles = db.session.execute(services.published_articles(category)).scalars().all()
    return render_template("kb/category.html", category=category, articles=articles)


@bp.route("/artikel/<slug>")
def article(slug: str):
    article, moved_to = services.find_published_article(slug)
    if moved_to:
        return redirect(url_for("kb.article", slug=moved_to), 301)
    if article is None:
        abort(404)
    return render_template("kb/article.html", article=article)


@bp.route("/status")
def status():
    return render_template("kb/status.html", banner=services.active_banner())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def inject_banner():
        return {"status_banner": services.active_banner(), "locale_code": str(get_locale() or "de")}
