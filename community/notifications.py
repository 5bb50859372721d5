"""Notifications: in-app rows and e-mail, driven by the community signals.

- Receivers add Notification rows to the session of the action that caused them (same transaction).
- E-mails never leave before the transaction commits, and a rollback drops them. They are collected in
  ``session.info``; with the default ``outbox`` sender they become MailOutbox rows of the committing transaction
  itself (``before_commit``: written atomically with the action, no second connection). Every other sender runs
  after the commit as a background job per mail (``community.jobs:send_mail`` through ``core.jobs.enqueue``):
  with REDIS_URL a queued RQ job, retried when the send fails and listed among the failed jobs when it keeps
  failing; without Redis it runs right away, and a failure is logged. Neither ever breaks the request.
- Each user chooses an e-mail mode: ``instant`` (one mail per notification), ``daily`` (the notification waits
  for ``flask community send-digests``, which sends one mail per user and day) or ``off``.
- Noise control: a person gets at most one notification per post and action (an asker who is also mentioned
  in the answer hears about it once), never about their own actions, and nothing about hidden questions.

Senders (config ``MAIL_SENDER``): ``outbox`` (default: rows in MailOutbox, sent by ``flask community send-outbox``),
``log`` (the application logger) and ``smtp`` (``MAIL_SMTP_HOST``/``MAIL_SMTP_PORT``, plain SMTP without auth, for a
local relay). Tests and other packages may register more with ``register_sender(name, fn)``.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask import Flask, current_app, has_app_context, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from community import signals
from community.notification_models import (EMAIL_MODES, MailOutbox, Notification, NotificationSettings,
                                           Subscription)
from core.extensions import db
from core.models import User, utcnow

log = logging.getLogger(__name__)

PENDING_MAILS = "community_pending_mails"
NOTIFIED_KEYS = "community_notified_keys"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


# ---------------------------------------------------------------- senders

OUTBOX = "outbox"


def _log_sender(mails: list[Mail]) -> None:
    for m in mails:
        log.info("mail to=%s subject=%s\n%s", m.to, m.subject, m.body)


def _smtp_sender(mails: list[Mail]) -> None:
    config = current_app.config
    with smtplib.SMTP(config.get("MAIL_SMTP_HOST", "127.0.0.1"), int(config.get("MAIL_SMTP_PORT", 25)),
                      timeout=10) as smtp:
        for m in mails:
            message = EmailMessage()
            message["From"] = config["MAIL_FROM"]
            message["To"] = m.to
            message["Subject"] = m.subject
            message.set_content(m.body)
            smtp.send_message(message)


_SENDERS = {"log": _log_sender, "smtp": _smtp_sender}


def register_sender(name: str, fn) -> None:
    _SENDERS[name] = fn


def sender_name() -> str:
    return current_app.config.get("MAIL_SENDER") or OUTBOX


def send_now(mails: list[Mail]) -> None:
    """Hand mails to the configured sender (not the outbox); raises when it fails, so a job can retry."""
    sender = _SENDERS.get(sender_name())
    if sender is None:
        raise ValueError(f"unknown MAIL_SENDER {sender_name()!r}")
    sender(mails)


@dataclass
class OutboxRun:
    sent: int = 0
    error: str = ""  # why the run stopped early (the mail that failed is back in the outbox)


def deliver_outbox(via: str, limit: int = 1000, progress=None) -> OutboxRun:
    """Send waiting outbox mails (oldest first) with the sender ``via`` and mark them sent.

    Each mail is claimed before it is sent (sent_at set only where still empty, committed at once), so two runs
    at the same time never send a mail twice. A failed send gives the mail back and stops the run: the relay is
    down, and the rest wait for the next run. A process killed between claiming and sending loses that one mail
    (marked sent, never sent): at most once, because a notification sent twice by two cron runs is the worse
    failure here. Commits once per mail, which is why this is a batch command's function and not a request's."""
    sender = _SENDERS.get(via)
    if sender is None:
        raise ValueError(f"unknown sender {via!r}: {', '.join(sorted(_SENDERS))}")
    waiting = select(MailOutbox.id).where(MailOutbox.sent_at.is_(None)).order_by(MailOutbox.id).limit(limit)
    ids = db.session.scalars(waiting).all()
    run = OutboxRun()
    for index, mail_id in enumerate(ids, 1):
        unsent = (MailOutbox.id == mail_id) & MailOutbox.sent_at.is_(None)
        claimed = db.session.execute(update(MailOutbox).where(unsent).values(sent_at=utcnow())).rowcount == 1
        db.session.commit()
        if claimed:
            row = db.session.get(MailOutbox, mail_id)
            try:
                sender([Mail(row.to, row.subject, row.body)])
            except Exception as error:
                db.session.execute(update(MailOutbox).where(MailOutbox.id == mail_id).values(sent_at=None))
                db.session.commit()
                run.error = f"{type(error).__name__}: {error}"
                break
            run.sent += 1
        if progress:
            progress(index, len(ids))
    return run


def outbox_waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(MailOutbox).where(MailOutbox.sent_at.is_(None)))


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send when the current transaction commits (dropped on rollback)."""
    if to:
        db.session.info.setdefault(PENDING_MAILS, []).append(Mail(to, subject, body))


def _outbox_rows(mails: list[Mail]) -> list[MailOutbox]:
    now = utcnow()
    return [MailOutbox(to=m.to, subject=m.subject, body=m.body, created_at=now) for m in mails]


def _before_commit(session: Session) -> None:
    # Also on a SAVEPOINT's release: the rows then belong to the enclosing transaction, as the action does.
    if has_app_context() and sender_name() == OUTBOX and session.info.get(PENDING_MAILS):
        session.add_all(_outbox_rows(session.info.pop(PENDING_MAILS)))


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT was released: the real commit is still to come
        return
    mails = session.info.pop(PENDING_MAILS, None)
    session.info.pop(NOTIFIED_KEYS, None)
    if mails and has_app_context():
        _deliver_later(mails)


def _deliver_later(mails: list[Mail]) -> None:
    """One job per mail, so a retry resends only the mail that failed. Never raises: the action is committed;
    a mail that can't be sent or queued is kept in the outbox for an operator, with one line in the log."""
    from core import jobs

    for index, mail in enumerate(mails):
        try:
            jobs.enqueue("community.jobs:send_mail", mail.to, mail.subject, mail.body)
        except Exception as error:
            if jobs.uses_queue():  # the queue is unreachable: the other mails can't be queued either
                _keep_in_outbox(mails[index:], f"job queue unreachable ({error})")
                return
            _keep_in_outbox([mail], f"sending with {sender_name()} failed ({error})")


def _keep_in_outbox(mails: list[Mail], reason: str) -> None:
    # after_commit: the session's transaction has ended, so the rows go in through a short transaction of their own.
    log.error("%s: %d mail(s) kept in the outbox", reason, len(mails))
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(MailOutbox), [{"to": m.to, "subject": m.subject, "body": m.body,
                                               "created_at": utcnow()} for m in mails])
    except Exception as error:
        log.error("%d mail(s) lost: the outbox could not be written either (%s)", len(mails), error)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(PENDING_MAILS, None)
        session.info.pop(NOTIFIED_KEYS, None)


_listening = False


def _listen() -> None:
    global _listening
    if not _listening:
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        _listening = True


# ---------------------------------------------------------------- texts

def _badge_name(slug: str) -> str:
    from community import badges

    badge = badges.get(slug)
    return badge.name() if badge is not None else slug


def describe(n: Notification) -> str:
    """The notification as one sentence in the current language."""
    p = n.params or {}
    title = p.get("title", "")
    by = p.get("by", "")
    if n.kind == "answer":
        return _("%(by)s hat Ihre Frage «%(title)s» beantwortet.", by=by, title=title)
    if n.kind == "thread_answer":
        return _("Neue Antwort von %(by)s in «%(title)s».", by=by, title=title)
    if n.kind == "accepted":
        return _("Ihre Antwort auf «%(title)s» wurde als Lösung markiert.", title=title)
    if n.kind == "badge":
        return _("Sie haben das Abzeichen «%(badge)s» erhalten.", badge=_badge_name(p.get("badge", "")))
    if n.kind == "mention":
        return _("%(by)s hat Sie in «%(title)s» erwähnt.", by=by, title=title)
    if n.kind == "promoted":
        return _("Gratulation: Sie sind jetzt Superuser.")
    if n.kind == "escalated":
        return _("%(by)s hat die Frage «%(title)s» an das Team weitergeleitet.", by=by, title=title)
    if n.kind == "waiting_superuser":
        return _("Die Frage «%(title)s» wartet seit %(hours)s Stunden auf eine Antwort.",
                 title=title, hours=p.get("hours", "?"))
    if n.kind == "waiting_staff":
        return _("Noch immer unbeantwortet seit %(hours)s Stunden: «%(title)s».",
                 title=title, hours=p.get("hours", "?"))
    if n.kind == "remind_accept":
        return _("Hat eine Antwort auf «%(title)s» geholfen? Bitte markieren Sie die Lösung.", title=title)
    return title or n.kind


def _absolute(url: str) -> str:
    """Links in mails: SITE_URL (set it in production), else the host of the current request."""
    base = current_app.config.get("SITE_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + url if url.startswith("/") else url


def _mail_for(user: User, notifications: list[Notification], digest: bool) -> Mail:
    site = current_app.config.get("SITE_NAME", "Hilfe-Center")
    with force_locale(user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "de")):
        if digest:
            subject = _("%(site)s: Ihre Zusammenfassung (%(count)s Benachrichtigungen)",
                        site=site, count=len(notifications))
        else:
            subject = f"{site}: {describe(notifications[0])}"
        lines = [_("Hallo %(name)s", name=user.name), ""]
        for n in notifications:
            lines.append("- " + describe(n))
            if n.url:
                lines.append("  " + _absolute(n.url))
        lines += ["", _("E-Mail-Einstellungen ändern: %(url)s", url=_absolute(_settings_url()))]
    return Mail(user.email, subject, "\n".join(lines))


def _settings_url() -> str:
    return site_path("notifications.settings")


def site_path(endpoint: str, **values) -> str:
    """The site-relative URL of an endpoint, in a request or outside one (CLI, background jobs).

    An unknown endpoint raises werkzeug's BuildError: a wrong name is a bug to see, not an empty link."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind(current_app.config.get("SERVER_NAME") or "localhost",
                                       script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(endpoint, values)


# ---------------------------------------------------------------- core

def email_mode(user: User) -> str:
    settings = db.session.get(NotificationSettings, user.id)
    mode = settings.email_mode if settings else current_app.config.get("COMMUNITY_EMAIL_DEFAULT_MODE", "instant")
    return mode if mode in EMAIL_MODES else "instant"


def set_email_mode(user: User, mode: str) -> NotificationSettings:
    if mode not in EMAIL_MODES:
        from core.errors import DomainError
        raise DomainError(_("Unbekannte E-Mail-Einstellung."), code="invalid_mode")
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id)
        db.session.add(settings)
    settings.email_mode = mode
    return settings


def notify(user: User | None, kind: str, params: dict, url: str = "", *, key=None) -> Notification | None:
    """One in-app notification (same transaction) plus its e-mail according to the user's mode.

    ``key`` identifies the post and action; a second notification with the same key for the same user in this
    transaction is dropped, so overlapping rules (asker, subscriber, mention) notify once.
    """
    if user is None or not user.active:
        return None
    if key is not None:
        seen = db.session.info.setdefault(NOTIFIED_KEYS, set())
        if (user.id, key) in seen:
            return None
        seen.add((user.id, key))
    mode = email_mode(user)
    n = Notification(user_id=user.id, kind=kind, params=params, url=url,
                     mail_state={"instant": "sent", "daily": "pending"}.get(mode, "none"))
    db.session.add(n)
    if mode == "instant":
        queue_mail(user.email, *_subject_body(user, n))
    return n


def _subject_body(user: User, n: Notification) -> tuple[str, str]:
    mail = _mail_for(user, [n], digest=False)
    return mail.subject, mail.body


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, with None, all) of the user's notifications read; returns how many changed."""
    stmt = select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    rows = db.session.scalars(stmt).all()
    now = utcnow()
    for n in rows:
        n.read_at = now
    return len(rows)


# ---------------------------------------------------------------- subscriptions

def subscription(user: User, question_id: int) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.user_id == user.id,
                                                        Subscription.question_id == question_id))


def is_subscribed(user, question) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    sub = subscription(user, question.id)
    if sub is not None:
        return sub.active
    return question.author_id == user.id  # askers follow their question unless they muted it


def subscribe(user: User, question, active: bool = True) -> Subscription:
    sub = subscription(user, question.id)
    if sub is None:
        sub = Subscription(user_id=user.id, question_id=question.id, active=active)
        db.session.add(sub)
    else:
        sub.active = active
    return sub


def unsubscribe(user: User, question) -> Subscription:
    return subscribe(user, question, active=False)


# ---------------------------------------------------------------- URLs

ANCHORS = {"question": "frage", "answer": "antwort", "comment": "kommentar"}


def anchor(post_type: str, post_id: int) -> str:
    """The id of a post on the question page (community/question.html)."""
    return f"{ANCHORS.get(post_type, post_type)}-{post_id}"


def question_url(question, anchor: str = "") -> str:
    return site_path("community.question", question_id=question.id) + (f"#{anchor}" if anchor else "")


def _post_question(post_type: str, post):
    if post_type == "question":
        return post
    if post_type == "answer":
        return post.question
    if post_type == "comment":
        from community.models import Answer, Question
        if post.post_type == "question":
            return db.session.get(Question, post.post_id)
        answer = db.session.get(Answer, post.post_id)
        return answer.question if answer else None
    return None


# ---------------------------------------------------------------- receivers

def on_question_asked(sender, question, **_extra) -> None:
    if question.author is not None:
        subscribe(question.author, question)


def on_answer_posted(sender, answer, **_extra) -> None:
    question = answer.question
    author = answer.author
    if question is None or question.is_hidden or answer.is_hidden:
        return
    if author is not None:
        sub = subscription(author, question.id)
        if sub is None:
            subscribe(author, question)  # answerers follow the thread (they can unsubscribe)
    params = {"title": question.title, "by": author.name if author else "", "question_id": question.id,
              "answer_id": answer.id}
    url = question_url(question, anchor("answer", answer.id))
    key = ("answer", answer.id)
    asker = question.author
    if asker is not None and asker != author and is_subscribed(asker, question):
        notify(asker, "answer", params, url, key=key)
    subscribers = db.session.scalars(
        select(User).join(Subscription, Subscription.user_id == User.id).where(
            Subscription.question_id == question.id, Subscription.active.is_(True))).all()
    for user in subscribers:
        if user != author and user != asker:
            notify(user, "thread_answer", params, url, key=key)


def on_answer_accepted(sender, answer, by=None, **_extra) -> None:
    author = answer.author
    if author is None or author == by:
        return
    question = answer.question
    notify(author, "accepted", {"title": question.title, "question_id": question.id, "answer_id": answer.id},
           question_url(question, anchor("answer", answer.id)), key=("accepted", answer.id))


def on_badge_awarded(sender, user, badge_slug, **_extra) -> None:
    notify(user, "badge", {"badge": badge_slug}, site_path("community.badge_catalog") + f"#abzeichen-{badge_slug}",
           key=("badge", badge_slug))


def on_mention(sender, user, post_type, post, by=None, **_extra) -> None:
    if user is None or user == by:
        return
    question = _post_question(post_type, post)
    if question is None or question.is_hidden:
        return
    notify(user, "mention", {"title": question.title, "by": by.name if by else "", "question_id": question.id},
           question_url(question, anchor(post_type, post.id) if post_type != "question" else ""),
           key=(post_type, post.id))


def on_user_promoted(sender, user, **_extra) -> None:
    notify(user, "promoted", {}, "", key=("promoted", user.id))


def on_question_escalated(sender, question, by=None, **_extra) -> None:
    params = {"title": question.title, "by": by.name if by else "", "question_id": question.id}
    for user in staff_users():
        if user != by:
            notify(user, "escalated", params, question_url(question), key=("escalated", question.id))


def staff_users() -> list[User]:
    return db.session.scalars(select(User).where(User.role.in_(("editor", "admin")), User.active.is_(True))
                              .order_by(User.id)).all()


def superusers() -> list[User]:
    return db.session.scalars(select(User).where(User.role == "superuser", User.active.is_(True))
                              .order_by(User.id)).all()


_RECEIVERS = (
    (signals.question_asked, on_question_asked),
    (signals.answer_posted, on_answer_posted),
    (signals.answer_accepted, on_answer_accepted),
    (signals.badge_awarded, on_badge_awarded),
    (signals.mention, on_mention),
    (signals.user_promoted, on_user_promoted),
    (signals.question_escalated, on_question_escalated),
)


def connect_receivers() -> None:
    for signal, receiver in _RECEIVERS:
        signal.connect(receiver, weak=False)


# ---------------------------------------------------------------- digest

def send_digests(now: datetime | None = None) -> int:
    """One mail per user with pending notifications, at most once per (UTC) day. Returns mails queued; they go
    out when the caller commits (community.jobs.send_digests, or the worker running it)."""
    now = now or utcnow()
    user_ids = db.session.scalars(select(Notification.user_id).where(Notification.mail_state == "pending")
                                  .distinct().order_by(Notification.user_id)).all()
    sent = 0
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        settings = db.session.get(NotificationSettings, user_id)
        if settings is None:
            settings = NotificationSettings(user_id=user_id, email_mode=email_mode(user))
            db.session.add(settings)
        if settings.last_digest_at is not None and settings.last_digest_at.date() >= now.date():
            continue
        pending = db.session.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.mail_state == "pending")
            .order_by(Notification.created_at, Notification.id)).all()
        for n in pending:
            n.mail_state = "sent" if settings.email_mode != "off" and user.active else "none"
        if settings.email_mode == "off" or not user.active:
            continue
        mail = _mail_for(user, pending, digest=True)
        queue_mail(mail.to, mail.subject, mail.body)
        settings.last_digest_at = now
        sent += 1
    db.session.flush()
    return sent


# ---------------------------------------------------------------- wiring

def init_app(app: Flask) -> None:
    """Wire notifications, mail, feeds, reminders and answer→article into the app (called by community)."""
    from community import answer_to_article, deflection, feeds, notification_models, notification_views, reminders  # noqa: F401,E501

    app.config.setdefault("COMMUNITY_EMAIL_DEFAULT_MODE", "instant")
    _listen()
    connect_receivers()
    app.register_blueprint(notification_views.bp)
    feeds.init_app(app)
    deflection.init_app(app)
    reminders.register_commands(app)
    app.context_processor(notification_views.subscription_context)
    app.jinja_env.globals["question_article"] = answer_to_article.existing_article

    @app.context_processor
    def notification_context():
        # A callable, so pages that don't show the count don't pay for the query: {{ unread_notifications() }}
        return {"unread_notifications": _current_unread}


def _current_unread() -> int:
    from flask_login import current_user

    return unread_count(current_user)
