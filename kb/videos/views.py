"""Video pages: the list (filterable by category), one video with player, chapters and transcript, the editor
form, and our own media routes for self-hosted files (safe paths under MEDIA_DIR, Range requests)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from core import jobs
from core.errors import DomainError, NotFound
from core.extensions import db
from core.permissions import editor_required, is_admin, is_editor
from kb import services as kb_services
from kb.videos import importer, services
from kb.videos.forms import VideoCurationForm, VideoImportForm, VideoStatusForm
from kb.videos.models import VideoImport

bp = Blueprint("videos", __name__)


def player_context(video, start: int = 0) -> dict:
    """Everything templates/videos/_player.html needs (shared by the page and the [[video:ID]] shortcode)."""
    self_hosted = services.is_self_hosted(video)
    return {
        "video": video,
        "start": start,
        "self_hosted": self_hosted,
        "media_url": services.local_url("videos.media", id=video.provider_id) if self_hosted else None,
        "tracks": services.caption_tracks(video) if self_hosted else [],
        "poster": services.poster_url(video),
        "can_embed": services.can_embed(video),
        "embed_url": services.embed_url(video),
        "demo": services.is_demo(video),
        "page_url": services.detail_url(video),
        "format_time": services.format_time,
    }


def _category_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("– keine –"))] + [SelectChoice(c.slug, c.name_de) for c in kb_services.categories()]


@bp.route("/videos")
def index():
    slug = request.args.get("kategorie") or request.args.get("category") or ""
    category = kb_services.category_by_slug(slug) if slug else None
    if slug and category is None:
        abort(404)
    # Editors also see hidden videos here (marked), so they can find them to show them again.
    videos = list(db.session.execute(services.published_videos(category, include_hidden=is_editor(current_user)))
                  .scalars())
    return render_template("videos/index.html", videos=videos, category=category,
                           categories=kb_services.categories(), format_time=services.format_time,
                           poster_url=services.poster_url)


@bp.route("/videos/<id>")
def detail(id: str):
    video = services.visible_video(id, current_user)
    start = services.parse_start(request.args.get("t"), video.duration)
    services.count_view(video)
    db.session.commit()
    return render_template("videos/detail.html", **player_context(video, start),
                           related=services.related_articles(video), json_ld=services.json_ld(video),
                           status_form=VideoStatusForm(), category_videos_url=(
                               url_for("videos.index", kategorie=video.category.slug) if video.category else None))


@bp.route("/videos/<id>/bearbeiten", methods=["GET", "POST"])
@editor_required
def edit(id: str):
    video = services.visible_video(id, current_user)
    form = VideoCurationForm()
    form.category.choices = _category_choices()
    if request.method == "GET":
        form.category.data = video.category.slug if video.category else ""
        form.tags.data = ", ".join(video.tags or [])
        form.status.data = video.status
    elif form.validate_on_submit():
        try:
            services.curate(current_user, video, category_slug=form.category.data or None, tags=form.tags.data,
                            status=form.status.data)
        except DomainError as exc:
            db.session.rollback()
            form.tags.errors = [exc.message]
        else:
            db.session.commit()
            flash(_("Video gespeichert."), "success")
            return redirect(url_for("videos.detail", id=video.provider_id))
    status = 422 if request.method == "POST" else 200
    return render_template("videos/edit.html", video=video, form=form), status


@bp.route("/videos/<id>/sichtbarkeit", methods=["POST"])
@editor_required
def toggle_status(id: str):
    video = services.visible_video(id, current_user)
    form = VideoStatusForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_status(current_user, video, form.status.data)
    db.session.commit()
    flash(_("Das Video ist jetzt verborgen.") if video.status == "hidden" else _("Das Video ist wieder sichtbar."),
          "success")
    return redirect(url_for("videos.detail", id=video.provider_id))


def _send(relative: str | None, mimetype: str | None = None):
    path = services.media_file(relative)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/videos/<id>/video")
def media(id: str):
    video = services.visible_video(id, current_user)
    return _send(video.media_path)


@bp.route("/videos/<id>/untertitel/<int:index>.vtt")
def caption(id: str, index: int):
    video = services.visible_video(id, current_user)
    tracks = video.caption_tracks or []
    if index >= len(tracks) or not isinstance(tracks[index], dict):
        abort(404)
    return _send(tracks[index].get("path"), mimetype="text/vtt")


@bp.route("/videos/<id>/vorschaubild")
def thumbnail(id: str):
    video = services.visible_video(id, current_user)
    return _send(video.thumbnail_path)


# --- import from the editor pages ---------------------------------------------------------------------------

def _import_page(form: VideoImportForm, status: int = 200):
    return render_template("videos/import.html", form=form, imports=services.recent_imports()), status


@bp.route("/redaktion/videos/import", methods=["GET", "POST"])
@editor_required
def import_videos():
    """An editor pastes a video, playlist or channel URL; the import runs as a job (inline without Redis)."""
    form = VideoImportForm()
    form.category.choices = _category_choices()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, 422)
    try:
        record = services.start_import(current_user, form.source.data, download=form.download.data,
                                       category_slug=form.category.data or None)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            raise
        form.source.errors = [*form.source.errors, exc.message]
        return _import_page(form, 422)
    db.session.commit()
    import_id = record.id
    try:
        job_id = jobs.enqueue("kb.videos.jobs:import_source", import_id)
    except importer.ImportSourceError:
        job_id = None  # inline run: the failure is recorded on the import and shown on its page
    except Exception:  # an unexpected error inline: recorded by the task as well; logged here, never a 500
        db.session.rollback()
        current_app.logger.exception("video import %s failed", import_id)
        job_id = None
    if job_id is not None:
        db.session.get(VideoImport, import_id).job_id = job_id
        db.session.commit()
    return redirect(url_for("videos.import_status", import_id=import_id), 303)


@bp.route("/redaktion/videos/import/<int:import_id>")
@editor_required
def import_status(import_id: int):
    record = db.session.get(VideoImport, import_id)
    if record is None:
        raise NotFound(_("Diesen Import gibt es nicht."))
    return render_template("videos/import_status.html", record=record, queued=jobs.uses_queue(),
                           jobs_url=url_for("accounts.failed_jobs") if is_admin(current_user) else None)
