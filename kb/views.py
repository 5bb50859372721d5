"""Customer-facing knowledge base pages and the editor's status banner page. Thin: parse, call kb.services, render."""
from __future__ import annotations

import secrets

from flask import (Blueprint, Flask, abort, current_app, jsonify, redirect, render_template, request, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from core.errors import DomainError, wants_json
from core.extensions import db, limiter
from core.permissions import editor_required
from kb import services
from kb.forms import BannerForm, FeedbackCommentForm, FeedbackForm

bp = Blueprint("kb", __name__)

VISITOR_COOKIE = "hc_visitor"
VISITOR_MAX_AGE = 365 * 24 * 3600


# --- helpers -----------------------------------------------------------------------------------------------

def optional_url(endpoint: str, **values) -> str | None:
    """The URL of an endpoint another package may or may not provide (community, videos)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def video_url(video) -> str:
    return url_for("videos.detail", id=video.provider_id)


def video_thumbnail_url(video) -> str | None:
    """Only self-hosted thumbnails: a provider's image URL would be a third-party request."""
    return url_for("videos.thumbnail", id=video.provider_id) if video.thumbnail_path else None


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def locale_code() -> str:
    return str(get_locale() or "de")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kb-visitor")


def visitor_key(create: bool = False) -> tuple[str | None, str | None]:
    """(key, new_cookie_value): logged-in users vote as themselves, visitors by a signed random cookie id."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}", None
    raw = request.cookies.get(VISITOR_COOKIE)
    if raw:
        try:
            return f"visitor:{_serializer().loads(raw)}", None
        except BadSignature:
            pass
    if not create:
        return None, None
    token = secrets.token_urlsafe(18)
    return f"visitor:{token}", _serializer().dumps(token)


def _with_visitor_cookie(response, cookie_value: str | None):
    if cookie_value:
        response.set_cookie(VISITOR_COOKIE, cookie_value, max_age=VISITOR_MAX_AGE, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _feedback_limit() -> str:
    return current_app.config.get("KB_FEEDBACK_RATE_LIMIT", "10 per minute;100 per day")


def _published_or_404(slug: str):
    article, _moved = services.find_published_article(slug)
    if article is None:
        abort(404)
    return article


# --- customer pages ----------------------------------------------------------------------------------------

@bp.route("/")
def home():
    return render_template("kb/home.html", categories=services.categories(), counts=services.article_counts(),
                           newest=services.newest_articles(), helpful=services.most_helpful_articles(),
                           community_url=optional_url("community.index"))


@bp.route("/themen/<slug>")
def category(slug: str):
    category = services.category_by_slug(slug) or abort(404)
    videos = [(video, video_url(video), video_thumbnail_url(video)) for video in services.category_videos(category)]
    return render_template("kb/category.html", category=category,
                           articles=services.category_articles(category, locale_code()), videos=videos)


@bp.route("/artikel/<slug>")
def article(slug: str):
    article, moved_to = services.find_published_article(slug)
    if moved_to:
        return redirect(url_for("kb.article", slug=moved_to), 301)
    if article is None:
        abort(404)
    key, _cookie = visitor_key()
    return _render_article(article, key, notice=request.args.get("feedback", ""))


def _render_article(article, key, notice: str = "", comment_form=None, status: int = 200):
    return render_template(
        "kb/article.html", article=article, related=services.related_articles(article),
        feedback=services.visitor_feedback(article, key), notice=notice,
        feedback_form=FeedbackForm(), comment_form=comment_form or FeedbackCommentForm(),
        community_url=optional_url("community.index"), ask_url=optional_url("community.ask")), status


@bp.route("/artikel/<slug>/feedback", methods=["POST"])
@limiter.limit(_feedback_limit)
def feedback(slug: str):
    article = _published_or_404(slug)
    form = FeedbackForm()
    if not form.validate_on_submit():
        raise DomainError(_("Bitte wählen Sie Ja oder Nein."), code="bad_vote", status=422)
    key, cookie = visitor_key(create=True)
    result = services.record_feedback(article, key, form.helpful.data == "yes")
    db.session.commit()
    if not result.recorded:
        message = _("Sie haben diesen Artikel bereits bewertet. Ihre Stimme bleibt unverändert.")
        notice = "bereits"
    elif result.feedback.helpful:
        message = _("Danke für Ihre Rückmeldung!")
        notice = "danke"
    else:
        message = _("Danke! Was hat Ihnen gefehlt? Ihr Hinweis hilft uns, den Artikel zu verbessern.")
        notice = "danke"
    show_comment = not result.feedback.helpful and not result.feedback.comment
    if wants_json():
        response = jsonify(status="recorded" if result.recorded else "duplicate", message=message,
                           helpful=result.feedback.helpful, show_comment=show_comment,
                           helpful_yes=article.helpful_yes, helpful_no=article.helpful_no)
    else:
        response = redirect(url_for("kb.article", slug=article.slug, feedback=notice, _anchor="feedback"), 303)
    return _with_visitor_cookie(response, cookie)


@bp.route("/artikel/<slug>/feedback/kommentar", methods=["POST"])
@limiter.limit(_feedback_limit)
def feedback_comment(slug: str):
    article = _published_or_404(slug)
    form = FeedbackCommentForm()
    key, _cookie = visitor_key()
    if not form.validate_on_submit():
        if wants_json():
            raise DomainError(_("Bitte schreiben Sie, was gefehlt hat (höchstens 2000 Zeichen)."),
                              code="bad_comment", details=form.errors)
        return _render_article(article, key, comment_form=form, status=422)
    services.add_feedback_comment(article, key or "", form.comment.data)
    db.session.commit()
    message = _("Danke für Ihren Hinweis! Die Redaktion liest jede Rückmeldung.")
    if wants_json():
        return jsonify(status="commented", message=message)
    return redirect(url_for("kb.article", slug=article.slug, feedback="kommentar", _anchor="feedback"), 303)


@bp.route("/status")
def status():
    return render_template("kb/status.html", banner=services.active_banner())


# --- editors: the status banner ----------------------------------------------------------------------------

@bp.route("/redaktion/status", methods=["GET", "POST"])
@editor_required
def status_edit():
    form = BannerForm()
    if form.validate_on_submit():
        services.switch_banner_on(current_user, level=form.level.data, title=form.title.data,
                                  message=form.message.data or "", region=form.region.data or "",
                                  keywords=form.keywords.data or "")
        db.session.commit()
        return redirect(url_for("kb.status_edit", gespeichert=1), 303)
    status_code = 422 if form.errors else 200
    return render_template("kb/status_edit.html", form=form, banner=services.active_banner(),
                           history=services.recent_banners(), saved=request.args.get("gespeichert")), status_code


@bp.route("/redaktion/status/aus", methods=["POST"])
@editor_required
def status_off():
    services.switch_banner_off(current_user)
    db.session.commit()
    return redirect(url_for("kb.status_edit", aus=1), 303)


@bp.route("/redaktion/rueckmeldungen")
@editor_required
def feedback_overview():
    return render_template("kb/feedback_overview.html", **services.feedback_overview(current_user))


def init_app(app: Flask) -> None:
    from core.templating import add_nav_link

    app.register_blueprint(bp)
    add_nav_link(app, "kb.status_edit", _l("Status-Hinweis"), editors_only=True)
    add_nav_link(app, "kb.feedback_overview", _l("Rückmeldungen"), editors_only=True)
    app.jinja_env.filters["kb_duration"] = format_duration

    @app.context_processor
    def inject_banner():
        return {"status_banner": services.active_banner(), "locale_code": locale_code()}
