"""Pages for notifications (list, mark read, e-mail settings), thread subscriptions and the editors'
"turn this solved question into a draft article" action. Every change is a POST with a CSRF token."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import RadioField, SelectChoice

from community import answer_to_article, notifications, services
from community.notification_models import Notification
from core.extensions import db
from core.i18n import safe_next
from core.permissions import editor_required

bp = Blueprint("notifications", __name__)
MAX_ID = 2**31 - 1  # larger path ids can't exist (and overflow the database's integer binding)
PER_PAGE = 30


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SettingsForm(FlaskForm):
    email_mode = RadioField(_l("E-Mail-Benachrichtigungen"), choices=[
        SelectChoice("instant", _l("Sofort: eine E-Mail pro Benachrichtigung")),
        SelectChoice("daily", _l("Täglich: eine Zusammenfassung pro Tag")),
        SelectChoice("off", _l("Keine E-Mails (nur hier auf der Website)")),
    ])


def _back(fallback: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next"), fallback)


@bp.route("/benachrichtigungen")
@login_required
def index():
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    base = select(Notification).where(Notification.user_id == current_user.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    items = db.session.scalars(base.order_by(Notification.created_at.desc(), Notification.id.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("notifications/list.html", items=items, describe=notifications.describe,
                           page=page, pages=max(1, (total + PER_PAGE - 1) // PER_PAGE), total=total,
                           unread=notifications.unread_count(current_user), form=ActionForm())


@bp.route("/benachrichtigungen/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Follow a notification's link and mark it read."""
    n = db.session.get(Notification, notification_id) if notification_id <= MAX_ID else None
    if n is None or n.user_id != current_user.id:
        abort(404)
    notifications.mark_read(current_user, n.id)
    db.session.commit()
    return redirect(safe_next(n.url, url_for("notifications.index")))


@bp.route("/benachrichtigungen/gelesen", methods=["POST"])
@login_required
def mark_all_read():
    ActionForm().validate_on_submit() or abort(400)
    count = notifications.mark_read(current_user)
    db.session.commit()
    flash(_("%(count)d Benachrichtigungen als gelesen markiert.", count=count), "success")
    return redirect(_back(url_for("notifications.index")))


@bp.route("/benachrichtigungen/<int:notification_id>/gelesen", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    ActionForm().validate_on_submit() or abort(400)
    if notification_id > MAX_ID:
        abort(404)
    if not notifications.mark_read(current_user, notification_id):
        n = db.session.get(Notification, notification_id)
        if n is None or n.user_id != current_user.id:
            abort(404)
    db.session.commit()
    return redirect(_back(url_for("notifications.index")))


@bp.route("/benachrichtigungen/einstellungen", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(email_mode=notifications.email_mode(current_user))
    if form.validate_on_submit():
        notifications.set_email_mode(current_user, form.email_mode.data)
        db.session.commit()
        flash(_("Einstellungen gespeichert."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form), (422 if form.errors else 200)


@bp.route("/benachrichtigungen/fragen/<int:question_id>/abonnieren", methods=["POST"], endpoint="subscribe",
          defaults={"follow": True})
@bp.route("/benachrichtigungen/fragen/<int:question_id>/abbestellen", methods=["POST"], endpoint="unsubscribe",
          defaults={"follow": False})
@login_required
def follow_thread(question_id: int, follow: bool):
    ActionForm().validate_on_submit() or abort(400)
    question = _question(question_id)
    notifications.subscribe(current_user, question, active=follow)
    db.session.commit()
    flash(_("Sie werden über neue Antworten benachrichtigt.") if follow
          else _("Sie erhalten zu dieser Frage keine Benachrichtigungen mehr."), "success")
    return redirect(_back(notifications.question_url(question)))


@bp.route("/redaktion/fragen/<int:question_id>/als-artikel", methods=["POST"])
@editor_required
def question_to_article(question_id: int):
    ActionForm().validate_on_submit() or abort(400)
    question = _question(question_id)
    article = answer_to_article.create_draft(current_user, question)
    db.session.commit()
    flash(_("Entwurf «%(title)s» erstellt. Bitte überarbeiten und zur Prüfung einreichen.", title=article.title),
          "success")
    return redirect(answer_to_article.edit_url(article))


def _question(question_id: int):
    if question_id > MAX_ID:
        abort(404)
    return services.get_question(question_id, current_user)


def subscription_context():
    """Template helpers for the question page: {% include "notifications/_subscribe.html" %}."""
    return {"is_subscribed": notifications.is_subscribed}
