"""Community pages: lists, questions, asking/answering, votes, solutions, moderation, profiles, badges."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from community import badges, permissions, reputation, services, superusers
from community.forms import (AnswerForm, AskForm, CommentForm, DuplicateForm, EditAnswerForm, EditQuestionForm,
                             FlagForm, ReasonForm)
from community.limits import community_limit
from community.models import Answer, Question
from community.stats import response_stats
from core import tally
from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import AuditLog, User
from core.page_cache import cacheable, on_hit

bp = Blueprint("community", __name__, url_prefix="/community")

POST_TYPES = ("question", "answer")


def _int_arg(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1 or int(value) > 100000:
        raise DomainError(_("Ungültige Seitenzahl."), code="bad_page", status=400)
    return int(value)


def _categories():
    from kb.models import Category
    return db.session.execute(db.select(Category).order_by(Category.position, Category.name_de)).scalars().all()


def _category_choices(locale: str):
    return [SelectChoice("", _("– Bitte wählen –"))] + [SelectChoice(c.slug, c.name(locale)) for c in _categories()]


def _locale() -> str:
    from flask_babel import get_locale
    return str(get_locale() or "de")


def _back(question: Question, anchor: str = ""):
    return redirect(url_for("community.question", question_id=question.id) + (f"#{anchor}" if anchor else ""))


def _post(post_type: str, post_id: int):
    if post_type not in POST_TYPES:
        abort(404)
    post = services.get_post(post_type, post_id)
    question = services.question_of(post_type, post)
    if not permissions.can_view_question(current_user, question):
        raise NotFound(_("Beitrag nicht gefunden."))
    return post, question


# ---- lists --------------------------------------------------------------------------------------------------

def _list_page(*, title: str, tag: str | None = None, category=None, endpoint: str = "community.index",
               endpoint_args: dict | None = None, show_stats: bool = False):
    filter_name = request.args.get("filter", "neu")
    if filter_name not in services.FILTERS:
        raise DomainError(_("Unbekannter Filter."), code="bad_filter", status=400)
    page = _int_arg("page")
    query = services.question_query(filter_name, tag=tag, category_id=category.id if category else None)
    pagination = db.paginate(query, page=page, per_page=current_app.config["COMMUNITY_PER_PAGE"], error_out=False)
    counts = services.filter_counts(tag=tag, category_id=category.id if category else None)
    return render_template("community/index.html", title=title, questions=pagination.items, pagination=pagination,
                           filter_name=filter_name, counts=counts, tag=tag, category=category,
                           endpoint=endpoint, endpoint_args=endpoint_args or {},
                           stats=response_stats() if show_stats else None,
                           tags=services.popular_tags(15) if show_stats else [],
                           categories=_categories() if show_stats else [])


@bp.get("")
def index():
    return _list_page(title=_("Community"), show_stats=True)


@bp.get("/tags/<name>")
def tag(name: str):
    return _list_page(title=_("Fragen mit dem Schlagwort „%(tag)s“", tag=name), tag=name, endpoint="community.tag",
                      endpoint_args={"name": name})


@bp.get("/themen/<slug>")
def category(slug: str):
    from kb.models import Category
    found = db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one_or_none()
    if found is None:
        raise NotFound(_("Dieses Thema gibt es nicht."))
    return _list_page(title=_("Fragen zum Thema %(name)s", name=found.name(_locale())), category=found,
                      endpoint="community.category", endpoint_args={"slug": slug})


# ---- asking -------------------------------------------------------------------------------------------------

@bp.route("/frage-stellen", methods=["GET", "POST"])
@login_required
@community_limit("ask")
def ask():
    form = AskForm()
    form.category.choices = _category_choices(_locale())
    if request.method == "GET" and request.args.get("thema"):
        form.category.data = request.args["thema"]
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            question = services.ask_question(current_user, form.title.data, form.body.data,
                                             category=form.category.data or None, tags=form.tags.data or "",
                                             device=form.device.data or "")
            db.session.commit()
            flash(_("Ihre Frage ist veröffentlicht."), "success")
            return _back(question)
        except DomainError as exc:
            db.session.rollback()
            error, status = exc, exc.status
    elif request.method == "POST":
        status = 422
    return render_template("community/ask.html", form=form, error=error), status


@bp.get("/fragen/<int:question_id>")
@cacheable
def question(question_id: int):
    question = services.get_question(question_id, current_user)
    services.record_view(current_user, question)
    db.session.commit()
    # Served from the page cache to further anonymous visitors: their views are tallied and written in batches.
    on_hit(partial(tally.add, current_app._get_current_object(), services.VIEWS_TALLY,
                   (question.id, question.accepted_answer_id)))
    return _render_question(question)


def _render_question(question: Question, *, answer_form=None, error=None, status: int = 200):
    answers = services.ordered_answers(question, current_user)
    related_ids = [question.id] + [a.id for a in answers]
    return render_template(
        "community/question.html", question=question, answers=answers,
        answer_form=answer_form or AnswerForm(formdata=None), comment_form=CommentForm(formdata=None),
        flag_form=FlagForm(formdata=None), reason_form=ReasonForm(formdata=None),
        duplicate_form=DuplicateForm(formdata=None), error=error,
        votes=services.user_votes(current_user, question), outscores=services.outscores_solution,
        flag_counts={(t, i): services.open_flag_count(t, i) for t, i in
                     [("question", question.id)] + [("answer", a) for a in related_ids[1:]]}
        if permissions.can_moderate(current_user) else {},
        revision_count=len(services.revisions("question", question.id))
        + sum(len(services.revisions("answer", a.id)) for a in answers),
    ), status


@bp.post("/fragen/<int:question_id>/antworten")
@login_required
@community_limit("answer")
def answer(question_id: int):
    question = services.get_question(question_id, current_user)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_question(question, answer_form=form, status=422)
    try:
        answer = services.post_answer(current_user, question, form.body.data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        question = services.get_question(question_id, current_user)
        return _render_question(question, answer_form=form, error=exc, status=exc.status)
    flash(_("Danke für Ihre Antwort!"), "success")
    return _back(question, f"antwort-{answer.id}")


@bp.post("/kommentieren/<post_type>/<int:post_id>")
@login_required
@community_limit("comment")
def comment(post_type: str, post_id: int):
    post, question = _post(post_type, post_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_question(question, error=DomainError(_("Bitte schreiben Sie einen Kommentar (höchstens 600 Zeichen)."),
                                                            code="bad_comment"), status=422)
    try:
        services.add_comment(current_user, post_type, post, form.body.data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _render_question(services.get_question(question.id, current_user), error=exc, status=exc.status)
    return _back(question, f"{'frage' if post_type == 'question' else 'antwort'}-{post.id}")


# ---- editing ------------------------------------------------------------------------------------------------

@bp.route("/fragen/<int:question_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit_question(question_id: int):
    question = services.get_question(question_id, current_user)
    if not permissions.can_edit(current_user, question):
        raise PermissionDenied(_("Sie dürfen diese Frage nicht bearbeiten."))
    form = EditQuestionForm(obj=None if request.method == "POST" else question)
    form.category.choices = _category_choices(_locale())
    if request.method == "GET":
        form.body.data = question.body_md
        form.tags.data = ", ".join(question.tag_names)
        form.category.data = question.category.slug if question.category else ""
    error, status = None, 200
    if form.validate_on_submit():
        try:
            services.edit_question(current_user, question, title=form.title.data, body=form.body.data,
                                   tags=form.tags.data or "", category=form.category.data or "",
                                   device=form.device.data or "", comment=form.comment.data or "")
            db.session.commit()
            flash(_("Änderungen gespeichert."), "success")
            return _back(question)
        except DomainError as exc:
            db.session.rollback()
            error, status = exc, exc.status
    elif request.method == "POST":
        status = 422
    return render_template("community/edit.html", form=form, question=question, answer=None, error=error), status


@bp.route("/antworten/<int:answer_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit_answer(answer_id: int):
    answer = services.get_answer(answer_id, current_user)
    if not permissions.can_edit(current_user, answer):
        raise PermissionDenied(_("Sie dürfen diese Antwort nicht bearbeiten."))
    form = EditAnswerForm()
    if request.method == "GET":
        form.body.data = answer.body_md
    error, status = None, 200
    if form.validate_on_submit():
        try:
            services.edit_answer(current_user, answer, body=form.body.data, comment=form.comment.data or "")
            db.session.commit()
            flash(_("Änderungen gespeichert."), "success")
            return _back(answer.question, f"antwort-{answer.id}")
        except DomainError as exc:
            db.session.rollback()
            error, status = exc, exc.status
    elif request.method == "POST":
        status = 422
    return render_template("community/edit.html", form=form, question=answer.question, answer=answer,
                           error=error), status


@bp.get("/fragen/<int:question_id>/verlauf")
def history(question_id: int):
    question = services.get_question(question_id, current_user)
    entries = [("question", question.id, rev) for rev in services.revisions("question", question.id)]
    for answer in question.answers:
        if answer.is_visible or permissions.can_moderate(current_user):
            entries += [("answer", answer.id, rev) for rev in services.revisions("answer", answer.id)]
    entries.sort(key=lambda entry: entry[2].created_at, reverse=True)
    return render_template("community/history.html", question=question, entries=entries)


# ---- votes and solutions ------------------------------------------------------------------------------------

@bp.post("/abstimmen/<post_type>/<int:post_id>")
@login_required
@community_limit("vote")
def vote(post_type: str, post_id: int):
    post, question = _post(post_type, post_id)
    raw = request.form.get("value", "")
    if raw not in ("1", "-1", "0"):
        raise DomainError(_("Ungültige Stimme."), code="bad_vote", status=400)
    services.vote(current_user, post_type, post, int(raw))
    db.session.commit()
    return _back(question, f"{'frage' if post_type == 'question' else 'antwort'}-{post.id}")


@bp.post("/antworten/<int:answer_id>/loesung")
@login_required
def accept(answer_id: int):
    answer = services.get_answer(answer_id, current_user)
    services.accept(current_user, answer)
    db.session.commit()
    flash(_("Die Antwort ist als Lösung markiert."), "success")
    return _back(answer.question, f"antwort-{answer.id}")


@bp.post("/fragen/<int:question_id>/loesung-entfernen")
@login_required
def unaccept(question_id: int):
    question = services.get_question(question_id, current_user)
    services.unaccept(current_user, question)
    db.session.commit()
    flash(_("Die Markierung als Lösung wurde entfernt."), "success")
    return _back(question)


# ---- moderation ---------------------------------------------------------------------------------------------

def _moderator():
    if not permissions.can_moderate(current_user):
        raise PermissionDenied(_("Nur für Superuser und Administratoren."))


@bp.post("/fragen/<int:question_id>/duplikat")
@login_required
def close_duplicate(question_id: int):
    _moderator()
    question = services.get_question(question_id, current_user)
    form = DuplicateForm()
    if not form.validate_on_submit():
        raise DomainError(_("Bitte geben Sie die Nummer der Original-Frage an."), code="bad_duplicate", status=400)
    original = db.session.get(Question, form.original_id.data)
    if original is None:
        raise DomainError(_("Die Original-Frage gibt es nicht."), code="bad_duplicate", status=422)
    services.close_as_duplicate(current_user, question, original, form.reason.data or "")
    db.session.commit()
    flash(_("Die Frage ist als Duplikat geschlossen."), "success")
    return _back(question)


def _reason() -> str:
    return request.form.get("reason", "")[:300]


def _flag_value() -> bool:
    value = request.form.get("value")
    if value not in ("1", "0"):
        raise DomainError(_("Ungültige Anfrage."), code="bad_value", status=400)
    return value == "1"


def _moderate_question(question_id: int, action, message: str | None = None):
    """Moderator-only action on one question; the service writes the audit log entry."""
    _moderator()
    question = services.get_question(question_id, current_user)
    action(question)
    db.session.commit()
    if message:
        flash(message, "success")
    return _back(question)


@bp.post("/fragen/<int:question_id>/wiedereroeffnen")
@login_required
def reopen(question_id: int):
    return _moderate_question(question_id, lambda q: services.reopen(current_user, q, _reason()))


@bp.post("/fragen/<int:question_id>/sperren")
@login_required
def lock(question_id: int):
    _moderator()
    locked = _flag_value()
    return _moderate_question(question_id, lambda q: services.set_locked(current_user, q, locked, _reason()))


@bp.post("/ausblenden/<post_type>/<int:post_id>")
@login_required
def hide(post_type: str, post_id: int):
    _moderator()
    post, question = _post(post_type, post_id)
    hidden = _flag_value()
    services.set_hidden(current_user, post_type, post, hidden, _reason())
    db.session.commit()
    flash(_("Beitrag ausgeblendet.") if hidden else _("Beitrag wieder sichtbar."), "success")
    return _back(question)


@bp.post("/fragen/<int:question_id>/eskalieren")
@login_required
def escalate(question_id: int):
    return _moderate_question(question_id, lambda q: services.escalate(current_user, q, _reason()),
                              _("Die Frage wurde an das Support-Team weitergeleitet."))


@bp.post("/melden/<post_type>/<int:post_id>")
@login_required
@community_limit("flag")
def flag(post_type: str, post_id: int):
    post, question = _post(post_type, post_id)
    form = FlagForm()
    if not form.validate_on_submit():
        raise DomainError(_("Bitte wählen Sie einen Grund."), code="bad_reason", status=400)
    services.flag(current_user, post_type, post, form.reason.data, form.note.data or "")
    db.session.commit()
    flash(_("Danke für Ihre Meldung. Das Moderationsteam schaut sich den Beitrag an."), "success")
    return _back(question)


@bp.get("/moderation")
@login_required
def moderation():
    _moderator()
    recent = db.session.execute(db.select(AuditLog).where(AuditLog.action.like("community.%"))
                                .order_by(AuditLog.created_at.desc()).limit(30)).scalars().all()
    return render_template("community/moderation.html", items=services.flag_queue(), recent=recent,
                           form=ReasonForm(formdata=None))


@bp.post("/moderation/<post_type>/<int:post_id>")
@login_required
def handle_flags(post_type: str, post_id: int):
    _moderator()
    if post_type not in ("question", "answer", "comment"):
        abort(404)
    post = services.get_post(post_type, post_id)
    decision = request.form.get("decision")
    if decision not in ("accept", "reject"):
        raise DomainError(_("Ungültige Entscheidung."), code="bad_decision", status=400)
    services.handle_flags(current_user, post_type, post, decision == "accept", _reason())
    db.session.commit()
    flash(_("Meldungen erledigt."), "success")
    return redirect(url_for("community.moderation"))


@bp.get("/warteschlange")
@login_required
def queue():
    _moderator()
    return render_template("community/queue.html", waiting=services.waiting_queue(),
                           unsolved=services.unsolved_queue(), stats=response_stats())


# ---- people, badges, rules ----------------------------------------------------------------------------------

def _user_or_404(username: str) -> User:
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise NotFound(_("Dieses Profil gibt es nicht."))
    return user


@bp.get("/benutzer/<username>")
def profile(username: str):
    user = _user_or_404(username)
    questions = db.session.execute(db.select(Question).where(Question.author_id == user.id,
                                                             Question.is_hidden.is_(False))
                                   .order_by(Question.created_at.desc()).limit(10)).scalars().all()
    answers = db.session.execute(db.select(Answer).join(Question, Answer.question_id == Question.id)
                                 .where(Answer.author_id == user.id, Answer.is_hidden.is_(False),
                                        Question.is_hidden.is_(False))
                                 .order_by(Answer.score.desc(), Answer.created_at.desc()).limit(10)).scalars().all()
    own = current_user.is_authenticated and current_user.id == user.id
    return render_template("community/profile.html", user=user, impact=services.user_impact(user),
                           awards=badges.awards_for(user), questions=questions, answers=answers,
                           progress=superusers.progress(user), own=own,
                           history=reputation.history(user.id) if own else [], labels=reputation.LABELS,
                           form=ReasonForm(formdata=None))


@bp.post("/benutzer/<username>/superuser")
@login_required
def set_superuser(username: str):
    if not permissions.can_manage_superusers(current_user):
        raise PermissionDenied(_("Nur für Administratoren."))
    user = _user_or_404(username)
    action = request.form.get("action")
    if action not in ("grant", "revoke"):
        raise DomainError(_("Ungültige Anfrage."), code="bad_value", status=400)
    (superusers.grant if action == "grant" else superusers.revoke)(current_user, user, _reason() or None)
    db.session.commit()
    flash(_("Superuser-Status geändert."), "success")
    return redirect(url_for("community.profile", username=user.username))


@bp.get("/abzeichen")
def badge_catalog():
    return render_template("community/badges.html", badges=badges.BADGES, counts=badges.holder_counts())


@bp.get("/reputation")
def reputation_rules():
    return render_template("community/reputation.html", points=reputation.POINTS, labels=reputation.LABELS,
                           criteria=superusers.criteria())


@bp.get("/superuser")
def superuser_page():
    return render_template("community/superusers.html", criteria=superusers.criteria(),
                           people=superusers.candidates(),
                           mine=superusers.progress(current_user) if current_user.is_authenticated else None)
