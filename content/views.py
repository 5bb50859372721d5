"""Editor pages under /redaktion (editors and admins only). Thin: rules live in services/workflow/permissions."""
from __future__ import annotations

import re

from flask import Blueprint, Flask, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from content import permissions, services, workflow
from content.forms import ArticleForm, EmptyForm, TransitionForm
from content.render import render_markdown
from content.revisions import diff_revisions, get_revision, live_revision_number, revisions_of
from core.errors import DomainError
from core.extensions import db
from core.permissions import editor_required
from core.templating import add_nav_link
from kb.models import ARTICLE_STATUSES

bp = Blueprint("content", __name__, url_prefix="/redaktion")

PREVIEW_MAX = 200_000
STATUS_LABELS = {"draft": _l("Entwurf"), "review": _l("In Prüfung"), "published": _l("Veröffentlicht"),
                 "archived": _l("Archiviert")}
TRANSITION_LABELS = {
    "submit": _l("Zur Prüfung einreichen"), "publish": _l("Veröffentlichen"), "reject": _l("Zurück an Entwurf"),
    "unpublish": _l("Veröffentlichung zurückziehen"), "archive": _l("Archivieren"), "reopen": _l("Wieder bearbeiten"),
}
TRANSITION_DONE = {
    "submit": _l("Der Artikel wartet jetzt auf die Prüfung durch ein anderes Redaktionsmitglied."),
    "publish": _l("Der Artikel ist veröffentlicht."), "reject": _l("Der Artikel ist wieder ein Entwurf."),
    "unpublish": _l("Der Artikel ist nicht mehr öffentlich."), "archive": _l("Der Artikel ist archiviert."),
    "reopen": _l("Der Artikel ist wieder ein Entwurf."),
}
NOTE_LABELS = {
    "Erstellt": _l("Erstellt"), "Bearbeitet": _l("Bearbeitet"), "Import": _l("Import"),
    "Zur Prüfung eingereicht": _l("Zur Prüfung eingereicht"), "Veröffentlicht": _l("Veröffentlicht"),
    "Zurück an Entwurf": _l("Zurück an Entwurf"), "Veröffentlichung zurückgezogen": _l("Veröffentlichung zurückgezogen"),
    "Archiviert": _l("Archiviert"), "Aus dem Archiv geholt": _l("Aus dem Archiv geholt"),
    "Änderung veröffentlicht": _l("Änderung veröffentlicht"),
}
SAVE_DONE = {
    services.SAVED: _l("Die Änderungen sind gespeichert (neue Version)."),
    services.PROPOSED: _l("Ihre Änderung wartet auf die Prüfung durch ein anderes Redaktionsmitglied. Bis dahin "
                          "bleibt die veröffentlichte Fassung online."),
    services.UNCHANGED: _l("Keine Änderungen – es wurde keine neue Version angelegt."),
}
CHANGE_DONE = {
    "publish": _l("Die Änderung ist veröffentlicht."),
    "discard": _l("Die Änderung ist verworfen; die veröffentlichte Fassung bleibt."),
}
_RESTORED = re.compile(r"^Wiederhergestellt aus Version (\d+)$")


def note_label(note: str) -> str:
    """Revision notes are stored in German; show them in the visitor's language."""
    head, sep, rest = (note or "").partition(": ")
    match = _RESTORED.match(head)
    if match:
        head = _("Wiederhergestellt aus Version %(n)s", n=match.group(1))
    else:
        head = str(NOTE_LABELS.get(head, head))
    return head + (sep + rest if sep else "")


@bp.before_request
@editor_required
def require_editor():
    """Every route here is for editors and admins only (anonymous → login, others → 403)."""
    return None


@bp.context_processor
def helpers():
    return {"perms": permissions, "status_labels": STATUS_LABELS, "transition_labels": TRANSITION_LABELS,
            "note_label": note_label}


def _filters():
    status = request.args.get("status") or None
    if status not in ARTICLE_STATUSES:
        status = None
    category_id = request.args.get("category", type=int) or None
    return status, category_id


@bp.route("")
def dashboard():
    status, category_id = _filters()
    board = services.dashboard(current_user, status=status, category_id=category_id)
    return render_template("content/dashboard.html", board=board, categories=services.categories(),
                           status=status, category_id=category_id)


@bp.route("/artikel")
def article_list():
    status, category_id = _filters()
    q = request.args.get("q", "")
    page = db.paginate(services.article_list(status=status, category_id=category_id, q=q), per_page=50,
                       error_out=False)
    return render_template("content/list.html", page=page, categories=services.categories(), status=status,
                           category_id=category_id, q=q)


def _form(article=None) -> ArticleForm:
    """The editor form: for a published article with a pending change, that change (editors continue it)."""
    form = ArticleForm(obj=None if request.method == "POST" else article)
    # A required <select> starts with an empty placeholder (HTML); choosing none is then a field error.
    form.category.choices = [SelectChoice("", _("– Kategorie wählen –"))] + [
        SelectChoice(c.id, c.name_de) for c in services.categories()]
    if request.method == "GET" and article is not None:
        pending = services.pending_data(article)
        if pending is not None:
            form.title.data, form.slug.data, form.summary.data = pending.title, pending.slug, pending.summary
            form.lang.data = pending.lang
        source = pending or article
        form.category.data = pending.category.id if pending is not None else article.category_id
        form.tags.data = ", ".join(source.tags or [])
        form.body.data = source.body_md
    elif request.method == "GET":
        # "Write an article for this gap" from the search analytics page links here with ?title=.
        form.title.data = " ".join(request.args.get("title", "").split())[:services.TITLE_MAX] or None
    return form


def _data(form: ArticleForm) -> services.ArticleData:
    category = db.session.get(services.Category, form.category.data) if form.category.data else None
    return services.ArticleData(title=form.title.data or "", slug=form.slug.data or "", summary=form.summary.data or "",
                                category=category, tags=form.tags.data or "", lang=form.lang.data,
                                review_by=form.review_by.data, body_md=form.body.data or "")


def _show_errors(form: ArticleForm, error: DomainError) -> None:
    fields = {"title": form.title, "slug": form.slug, "summary": form.summary, "category": form.category,
              "tags": form.tags, "lang": form.lang, "body": form.body}
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for key, message in details.items():
        if key in fields:
            fields[key].errors = list(fields[key].errors or []) + [message]
            placed = True
    if not placed:
        flash(error.message, "error")


def _editor_page(form: ArticleForm, article=None, preview=None, status: int = 200):
    pending = None
    if article is not None and article.pending_revision is not None:
        pending = {"number": article.pending_revision, "by": article.pending_by,
                   "live": live_revision_number(article)}
    if preview is None and article is not None:
        body = services.pending_data(article).body_md if pending else None
        preview = render_markdown(body) if body is not None else None
    return render_template("content/edit.html", form=form, article=article, preview=preview, pending=pending,
                           transition_form=TransitionForm(), no_categories=len(form.category.choices) < 2), status


def _save(form: ArticleForm, article=None):
    """Shared by new and edit: preview button, validation, service call, errors back into the form."""
    if request.form.get("action") == "preview":
        return _editor_page(form, article, preview=render_markdown(form.body.data or ""))
    if not form.validate_on_submit():
        return _editor_page(form, article, status=422)
    try:
        if article is None:
            article = services.create_article(current_user, _data(form))
            message = _("Der Entwurf ist gespeichert.")
        else:
            message = str(SAVE_DONE[services.update_article(current_user, article, _data(form))])
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.status == 403:
            raise
        _show_errors(form, error)
        return _editor_page(form, article, status=422)
    except IntegrityError:
        _conflict()
    flash(message, "success")
    return redirect(url_for("content.edit_article", article_id=article.id))


def _conflict():
    """Two saves at the same moment (same revision number or slug): the second one is refused, not a 500."""
    db.session.rollback()
    raise DomainError(_("Der Artikel wurde gleichzeitig geändert. Bitte laden Sie die Seite neu und versuchen Sie es "
                        "erneut."), code="conflict", status=409)


@bp.route("/artikel/neu", methods=["GET", "POST"])
def new_article():
    form = _form()
    if request.method == "POST":
        return _save(form)
    return _editor_page(form)


@bp.route("/artikel/<int:article_id>", methods=["GET", "POST"])
def edit_article(article_id: int):
    article = services.get_article(article_id)
    form = _form(article)
    if request.method == "POST":
        return _save(form, article)
    return _editor_page(form, article)


def _workflow_step(article_id: int, step, done_message):
    """Shared by workflow steps and pending changes: CSRF form, the step, one commit, back to the editor."""
    article = services.get_article(article_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    step(current_user, article, form.note.data)
    try:
        db.session.commit()
    except IntegrityError:
        _conflict()
    flash(str(done_message), "success")
    return redirect(url_for("content.edit_article", article_id=article.id))


@bp.route("/artikel/<int:article_id>/schritt/<any(submit,publish,reject,unpublish,archive,reopen):name>",
          methods=["POST"])
def transition(article_id: int, name: str):
    return _workflow_step(article_id, lambda actor, article, note: workflow.transition(actor, article, name, note),
                          TRANSITION_DONE[name])


@bp.route("/artikel/<int:article_id>/aenderung/<any(publish,discard):name>", methods=["POST"])
def pending_change(article_id: int, name: str):
    """Publish or discard the change waiting for review on a published article."""
    step = workflow.publish_change if name == "publish" else workflow.discard_change
    return _workflow_step(article_id, step, CHANGE_DONE[name])


@bp.route("/artikel/<int:article_id>/versionen")
def revisions(article_id: int):
    article = services.get_article(article_id)
    items = revisions_of(article)
    return render_template("content/revisions.html", article=article, revisions=items, form=EmptyForm())


@bp.route("/artikel/<int:article_id>/versionen/vergleich")
def compare(article_id: int):
    article = services.get_article(article_id)
    old_number = request.args.get("von", type=int)
    new_number = request.args.get("bis", type=int)
    if old_number is None or new_number is None:
        abort(400)
    old, new = get_revision(article, old_number), get_revision(article, new_number)
    if old is None or new is None:
        abort(404)
    return render_template("content/diff.html", article=article, diff=diff_revisions(old, new), form=EmptyForm())


@bp.route("/artikel/<int:article_id>/versionen/<int:number>/wiederherstellen", methods=["POST"])
def restore(article_id: int, number: int):
    article = services.get_article(article_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    outcome = services.restore_revision(current_user, article, number)
    try:
        db.session.commit()
    except IntegrityError:
        _conflict()
    if outcome == services.PROPOSED:
        flash(str(SAVE_DONE[outcome]), "success")
    elif outcome == services.SAVED:
        flash(_("Version %(n)d ist wiederhergestellt (als neue Version).", n=number), "success")
    else:
        flash(_("Der Artikel entspricht bereits Version %(n)d.", n=number), "success")
    return redirect(url_for("content.edit_article", article_id=article.id))


@bp.route("/vorschau", methods=["POST"])
def preview():
    """Live preview for editor.js: {"body": markdown} → {"html", "toc_html"} (sanitized, nothing stored)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("body", ""), str):
        return jsonify(error="bad_request", message=_("Erwartet wird JSON mit dem Feld «body».")), 400
    body = payload.get("body", "")
    if len(body) > PREVIEW_MAX:
        return jsonify(error="too_large", message=_("Der Text ist zu lang für die Vorschau.")), 413
    rendered = render_markdown(body)
    return jsonify(html=rendered.html, toc_html=rendered.toc_html)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav_link(app, "content.dashboard", _l("Redaktion"), editors_only=True)
