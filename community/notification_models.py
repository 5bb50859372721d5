"""Notification records: in-app notifications, thread subscriptions, e-mail settings, the mail outbox and
the marks that make reminders fire once.

A notification stores its kind and parameters, not a finished sentence, so it is rendered in the reader's
language when shown (community.notifications.describe).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, utcnow

EMAIL_MODES = ("instant", "daily", "off")
# mail_state of a notification: no mail wanted, waiting for the daily digest, or already mailed/digested.
MAIL_STATES = ("none", "pending", "sent")


class Notification(db.Model):
    __tablename__ = "community_notifications"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)
    __table_args__ = (Index("ix_community_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    mail_state: Mapped[str] = mapped_column(String(10), default="none", index=True)
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Subscription(db.Model):
    """A user follows a thread (active) or has muted it (active False, e.g. an asker who unsubscribed)."""

    __tablename__ = "community_subscriptions"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)
    __table_args__ = (UniqueConstraint("user_id", "question_id", name="uq_community_subscriptions_user_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("community_questions.id", ondelete="CASCADE"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationSettings(db.Model):
    __tablename__ = "community_notification_settings"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(10), default="instant")
    last_digest_at: Mapped[datetime | None]


class MailOutbox(db.Model):
    """Mails handed to the "outbox" sender (or kept after a failed send); `flask community send-outbox` sends
    them and sets sent_at."""

    __tablename__ = "mail_outbox"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ReminderMark(db.Model):
    """A reminder level already handled for a question (superusers, staff, asker_accept): fires once."""

    __tablename__ = "community_reminder_marks"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)
    __table_args__ = (UniqueConstraint("question_id", "level", name="uq_community_reminder_marks_question_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("community_questions.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(20))
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeflectionEvent(db.Model):
    """Ask-form deflection, without personal data (community.deflection): a session opened its first suggestion
    ("visitor"), a suggestion was opened ("click"), or a visitor posted their question anyway ("asked_after_click",
    at most once per session). Visitors minus the latter = people who left without posting."""

    __tablename__ = "community_deflection_events"
    page_cache_neutral = True  # not on public pages: writing it keeps cached pages (core.page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    result_type: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
