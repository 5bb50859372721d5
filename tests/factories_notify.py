"""Test data for notifications, feeds, reminders and the API: questions and answers built directly (flush only)."""
from __future__ import annotations

from datetime import datetime, timedelta

from community.models import Answer, Question
from content.render import render_markdown
from core.extensions import db
from core.models import utcnow
from tests.factories import make_user


def make_question(author=None, title: str = "Router blinkt rot nach Gewitter", body: str = "Was kann ich tun?",
                  category=None, age: timedelta | None = None, **fields) -> Question:
    author = author or make_user()
    created: datetime = utcnow() - (age or timedelta(0))
    question = Question(title=title, body_md=body, body_html=render_markdown(body).html, author_id=author.id,
                        category_id=category.id if category else None, created_at=created,
                        last_activity_at=created, **fields)
    db.session.add(question)
    db.session.flush()
    return question


def make_answer(question: Question, author=None, body: str = "Modem 30 Sekunden vom Strom nehmen.",
                age: timedelta | None = None, **fields) -> Answer:
    author = author or make_user()
    created = utcnow() - (age or timedelta(0))
    answer = Answer(question_id=question.id, author_id=author.id, body_md=body,
                    body_html=render_markdown(body).html, created_at=created, **fields)
    db.session.add(answer)
    question.answer_count = (question.answer_count or 0) + 1
    if question.first_answer_at is None or question.first_answer_at > created:
        question.first_answer_at = created
    db.session.flush()
    db.session.refresh(question)
    return answer


def accept(question: Question, answer: Answer) -> None:
    question.accepted_answer_id = answer.id
    answer.accepted_at = utcnow()
    db.session.flush()
