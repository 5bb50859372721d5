"""Account pages: log in and out, register, change password, and the admin's user list."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core import accounts
from core.errors import DomainError
from core.extensions import db, limiter
from core.forms import ChangePasswordForm, LoginForm, RegisterForm, RoleForm
from core.i18n import safe_next
from core.models import User
from core.permissions import admin_required

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("kb.home")))
        # One message for "no such account" and "wrong password": the form must not reveal which accounts exist.
        flash(_("Anmeldung fehlgeschlagen: Benutzername/E-Mail oder Passwort ist falsch."), "error")
        return render_template("core/login.html", form=form), 401
    return render_template("core/login.html", form=form), (422 if form.errors else 200)


@bp.route("/abmelden", methods=["POST"])
def logout():
    logout_user()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("kb.home"))


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.username.data, form.email.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return render_template("core/register.html", form=form), error.status
        db.session.commit()
        login_user(user)
        flash(_("Willkommen! Ihr Konto ist eingerichtet."), "success")
        return redirect(url_for("kb.home"))
    return render_template("core/register.html", form=form), (422 if form.errors else 200)


@bp.route("/konto/passwort", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return render_template("core/change_password.html", form=form), error.status
        db.session.commit()
        flash(_("Ihr Passwort wurde geändert."), "success")
        return redirect(url_for("accounts.change_password"))
    return render_template("core/change_password.html", form=form), (422 if form.errors else 200)


@bp.route("/admin/benutzer")
@admin_required
def users():
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(db.select(User).order_by(User.created_at.desc()), page=page, per_page=50)
    return render_template("core/users.html", pagination=pagination, form=RoleForm())


@bp.route("/admin/benutzer/<int:user_id>/rolle", methods=["POST"])
@admin_required
def set_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        raise DomainError(_("Ungültige Rolle."))
    accounts.set_role(current_user, user, form.role.data)
    db.session.commit()
    flash(_("Rolle von %(name)s ist jetzt %(role)s.", name=user.username, role=user.role), "success")
    return redirect(url_for("accounts.users"))


@bp.route("/admin/jobs")
@admin_required
def failed_jobs():
    from core import jobs
    queued = jobs.uses_queue()
    return render_template("core/jobs.html", queued=queued, failed=jobs.failed_jobs() if queued else [])


@bp.route("/admin/jobs/erneut", methods=["POST"])
@admin_required
def retry_jobs():
    from core import jobs
    if not jobs.uses_queue():
        raise DomainError(_("Ohne Redis gibt es keine Warteschlange."), status=400)
    count = jobs.requeue_failed(request.form.get("job_id") or None)
    flash(_("%(count)d Job(s) erneut eingereiht.", count=count), "success")
    return redirect(url_for("accounts.failed_jobs"))
