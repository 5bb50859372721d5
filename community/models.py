"""Community records: questions, answers, comments, votes, revisions, the reputation ledger, badges, flags.

Posts are addressed generically as (post_type, post_id) with post_type "question" or "answer" (and
"comment" for flags), so votes, flags and ledger events share one shape.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, utcnow

POST_TYPES = ("question", "answer")
QUESTION_STATUSES = ("open", "closed")
FLAG_STATUSES = ("open", "accepted", "rejected")

question_tags = Table(
    "community_question_tags",
    db.metadata,
    Column("question_id", ForeignKey("community_questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("community_tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "community_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


class Question(db.Model):
    __tablename__ = "community_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    device: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False, index=True)
    hidden_reason: Mapped[str | None] = mapped_column(String(40))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("community_questions.id", ondelete="SET NULL"))
    # No FK to answers: the two tables would reference each other (cycle); the service keeps it consistent.
    accepted_answer_id: Mapped[int | None] = mapped_column(index=True)
    score: Mapped[int] = mapped_column(default=0)
    view_count: Mapped[int] = mapped_column(default=0)
    # Cached by services.refresh_answer_stats: visible answers, and the first visible answer by someone other
    # than the asker (None = still unanswered, whatever answer_count says).
    answer_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    first_answer_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    escalated_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    category = relationship("Category")
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, order_by="Tag.name")
    answers: Mapped[list[Answer]] = relationship(back_populates="question", cascade="all, delete-orphan",
                                                 order_by="Answer.created_at")
    duplicate_of: Mapped[Question | None] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])
    comments: Mapped[list[Comment]] = relationship(
        primaryjoin="and_(Comment.post_type == 'question', foreign(Comment.post_id) == Question.id)",
        order_by="Comment.created_at", viewonly=True)

    @property
    def tag_names(self) -> list[str]:
        return sorted(tag.name for tag in self.tags)

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None

    @property
    def is_visible(self) -> bool:
        return not self.is_hidden

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def accepted_answer(self) -> Answer | None:
        if self.accepted_answer_id is None:
            return None
        return next((a for a in self.answers if a.id == self.accepted_answer_id), None)

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.title!r}>"


class Answer(db.Model):
    __tablename__ = "community_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("community_questions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(default=0)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    accepted_at: Mapped[datetime | None]
    # Views of the question page while this answer was its solution (services.record_view): the reach of a
    # solution, shown as a superuser's impact.
    solution_views: Mapped[int] = mapped_column(default=0, server_default="0")

    question: Mapped[Question] = relationship(back_populates="answers")
    author: Mapped[User | None] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        primaryjoin="and_(Comment.post_type == 'answer', foreign(Comment.post_id) == Answer.id)",
        order_by="Comment.created_at", viewonly=True)

    @property
    def is_visible(self) -> bool:
        return not self.is_hidden

    @property
    def is_accepted(self) -> bool:
        return self.question is not None and self.question.accepted_answer_id == self.id

    def __repr__(self) -> str:
        return f"<Answer {self.id} on {self.question_id}>"


class Comment(db.Model):
    __tablename__ = "community_comments"
    __table_args__ = (Index("ix_community_comments_post", "post_type", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_type: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    is_hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()

    @property
    def is_visible(self) -> bool:
        return not self.is_hidden


class Vote(db.Model):
    __tablename__ = "community_votes"
    __table_args__ = (UniqueConstraint("user_id", "post_type", "post_id", name="uq_community_votes_user_post"),
                      Index("ix_community_votes_post", "post_type", "post_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_type: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int]
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostRevision(db.Model):
    """One edit: what the title, body and tags were before and after, and who changed them."""

    __tablename__ = "community_revisions"
    __table_args__ = (Index("ix_community_revisions_post", "post_type", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_type: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int]
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    old_title: Mapped[str | None] = mapped_column(String(200))
    new_title: Mapped[str | None] = mapped_column(String(200))
    old_body: Mapped[str] = mapped_column(Text, default="")
    new_body: Mapped[str] = mapped_column(Text, default="")
    old_tags: Mapped[str] = mapped_column(String(400), default="")
    new_tags: Mapped[str] = mapped_column(String(400), default="")
    comment: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship()


class ReputationEvent(db.Model):
    """Ledger row. A withdrawal keeps the row and sets reversed_at; a user's total is the sum of live rows."""

    __tablename__ = "community_reputation_events"
    __table_args__ = (Index("ix_community_reputation_events_post", "post_type", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    points: Mapped[int]
    post_type: Mapped[str | None] = mapped_column(String(16))
    post_id: Mapped[int | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reversed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Award(db.Model):
    __tablename__ = "community_awards"
    __table_args__ = (Index("ix_community_awards_user_badge", "user_id", "badge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    badge: Mapped[str] = mapped_column(String(40), index=True)
    post_type: Mapped[str | None] = mapped_column(String(16))
    post_id: Mapped[int | None]
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Flag(db.Model):
    __tablename__ = "community_flags"
    __table_args__ = (Index("ix_community_flags_post", "post_type", "post_id"),
                      UniqueConstraint("user_id", "post_type", "post_id", name="uq_community_flags_user_post"))

    id: Mapped[int] = mapped_column(primary_key=True)
    post_type: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
