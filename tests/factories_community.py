"""Builders for community test data (flush only, like tests/factories.py)."""
from __future__ import annotations

import itertools
from datetime import timedelta

from community import services
from community.models import Answer, Question
from core.extensions import db
from core.models import utcnow
from tests.factories import make_user

_seq = itertools.count(1)


def make_question(author=None, title: str | None = None, body: str = "Mein Router blinkt rot, was kann ich tun?",
                  age: timedelta | None = None, **fields) -> Question:
    author = author or make_user()
    question = services.ask_question(author, title or f"Router blinkt rot seit heute Nummer {next(_seq)}", body,
                                     **fields)
    if age is not None:
        question.created_at = question.last_activity_at = utcnow() - age
    db.session.flush()
    return question


def make_answer(question: Question, author=None, body: str = "Starten Sie den Router neu.",
                after: timedelta | None = None) -> Answer:
    author = author or make_user()
    answer = services.post_answer(author, question, body)
    if after is not None:
        answer.created_at = question.created_at + after
        if answer.author_id != question.author_id:
            question.first_answer_at = min(question.first_answer_at or answer.created_at, answer.created_at)
    db.session.flush()
    return answer
