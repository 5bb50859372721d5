"""Builders for search tests: videos with transcripts, forum questions with answers (flush only, never commit)."""
from __future__ import annotations

import itertools

from content.render import render_markdown
from core.extensions import db
from tests.factories import make_category, make_user

_seq = itertools.count(1)


def make_video(title="Router einrichten Schritt für Schritt", description="Wir zeigen die Einrichtung.",
               transcript=None, chapters=None, status="published", category=None, **fields):
    from kb.videos.models import Video
    n = next(_seq)
    video = Video(provider="youtube", provider_id=fields.pop("provider_id", f"vid{n:08d}"), title=title,
                  description=description, status=status, category=category or make_category(),
                  transcript=transcript if transcript is not None else [
                      {"start": 0, "end": 10, "text": "Willkommen zu diesem Video."},
                      {"start": 42, "end": 50, "text": "Jetzt setzen Sie den Kanal im Menü neu."}],
                  chapters=chapters or [], **fields)
    db.session.add(video)
    db.session.flush()
    return video


def make_question(title="Fernbedienung reagiert nicht mehr", body="Meine Fernbedienung geht nicht.",
                  answers=(), solved=False, hidden=False, category=None):
    from community.models import Answer, Question
    author = make_user()
    q = Question(title=title, body_md=body, body_html=render_markdown(body).html, author=author,
                 category=category, is_hidden=hidden)
    db.session.add(q)
    db.session.flush()
    for text in answers:
        a = Answer(question=q, author=make_user(), body_md=text, body_html=render_markdown(text).html)
        db.session.add(a)
        db.session.flush()
        if solved and q.accepted_answer_id is None:
            q.accepted_answer_id = a.id
    db.session.flush()
    return q
