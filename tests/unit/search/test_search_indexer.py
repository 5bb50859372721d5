"""The indexer follows commits: create, update, publish, unpublish, delete, rollback; related records; locks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from core.extensions import db
from search import service, whoosh_backend
from tests.factories import make_article, make_category
from tests.factories_search import make_question, make_video

ROOT = Path(__file__).resolve().parents[3]


def keys(text, **kw):
    res = service.run(text, log_it=False, **kw).results
    return [f"{h.type}:{h.obj_id}" for h in res.hits]


def test_publish_update_unpublish_and_delete_follow_commits(app):
    article = make_article(title="Fernbedienung koppeln", status="draft")
    db.session.commit()
    assert keys("Fernbedienung") == []
    article.status = "published"
    db.session.commit()
    assert keys("Fernbedienung") == [f"article:{article.id}"]
    article.title = "Sendersuchlauf starten"
    db.session.commit()
    assert keys("Fernbedienung") == [] and keys("Sendersuchlauf") == [f"article:{article.id}"]
    article.status = "archived"
    db.session.commit()
    assert keys("Sendersuchlauf") == []
    article.status = "published"
    db.session.commit()
    db.session.delete(article)
    db.session.commit()
    assert keys("Sendersuchlauf") == []


def test_rollback_indexes_nothing(app):
    make_article(title="Glasfaser aktivieren")
    db.session.rollback()
    db.session.commit()
    assert keys("Glasfaser") == []


def test_video_transcript_hit_links_to_the_second_and_hidden_videos_vanish(app):
    video = make_video(title="Modem Tutorial", transcript=[
        {"start": 3, "end": 9, "text": "Willkommen."},
        {"start": 75, "end": 80, "text": "Nun wechseln Sie den WLAN-Kanal im Menü."}])
    db.session.commit()
    res = service.run("Kanal wechseln", log_it=False).results
    assert res.hits[0].type == "video" and res.hits[0].t == 75
    assert any(hit for text, hit in res.hits[0].snippet if text.lower().startswith("kanal"))
    video.status = "hidden"
    db.session.commit()
    assert keys("Kanal wechseln") == []


def test_answers_reindex_their_question_and_solved_rank_first(app):
    open_q = make_question(title="Fernbedienung reagiert nicht", answers=[])
    solved = make_question(title="Fernbedienung reagiert nicht mehr", answers=["Batterien tauschen."],
                           solved=True)
    db.session.commit()
    assert keys("Fernbedienung reagiert")[0] == f"question:{solved.id}"
    assert service.run("Fernbedienung", log_it=False).results.hits[0].url == f"/community/fragen/{solved.id}"
    from community.models import Answer
    db.session.add(Answer(question=open_q, author=solved.answers[0].author, body_md="Koppeln mit OK-Taste",
                          body_html="<p>Koppeln mit Pairingtaste</p>"))
    db.session.commit()
    assert keys("Pairingtaste") == [f"question:{open_q.id}"]
    open_q.is_hidden = True
    db.session.commit()
    assert f"question:{open_q.id}" not in keys("Fernbedienung")


def test_a_held_lock_never_reaches_the_user_and_the_change_is_retried(app, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "WRITE_TIMEOUT", 0.2)
    backend = app.extensions["search"].backend
    backend.ensure()
    blocker = whoosh_index.open_dir(str(backend.current_dir())).writer()
    try:
        article = make_article(title="Combox einrichten")
        db.session.commit()  # must not raise LockError
        assert backend.pending() == [f"article:{article.id}"]
    finally:
        blocker.cancel()
    make_article(title="Anrufumleitung einrichten")
    db.session.commit()  # the next successful write applies the queued change too
    assert backend.pending() == []
    assert keys("Combox") == [f"article:{article.id}"]


def test_unavailable_index_is_reported_not_raised(app):
    backend = app.extensions["search"].backend
    backend.ensure()
    for f in backend.current_dir().iterdir():
        f.write_bytes(b"garbage")
    backend._ix = None
    backend._searcher = None
    outcome = service.run("Router", log_it=False)
    assert outcome.unavailable
    make_article(title="Router")
    db.session.commit()  # writing still does not break the request


def test_reindex_builds_a_new_generation_and_check_reports_gaps(app, runner):
    a = make_article(title="Rechnung verstehen", category=make_category("rechnung-konto"))
    db.session.commit()
    backend = app.extensions["search"].backend
    old = backend.current_dir()
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    b = make_article(title="Mahnung erhalten")
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and f"fehlt: article:{b.id}" in result.output
    result = runner.invoke(args=["search", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "2 Dokumente" in result.output
    assert backend.current_dir() != old and not old.exists()
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert keys("Mahnung") == [f"article:{b.id}"] and keys("Rechnung") == [f"article:{a.id}"]


WORKER = textwrap.dedent("""
    import sys
    from core import create_app
    from core.extensions import db
    from tests.factories import make_article, make_category
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                      "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SEARCH_INDEX_DIR": sys.argv[2],
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        cat = db.session.get(__import__("kb.models", fromlist=["Category"]).Category, int(sys.argv[4]))
        for i in range(int(sys.argv[5])):
            make_article(title=f"Prozess{sys.argv[3]} Artikel{i}", slug=f"p{sys.argv[3]}-a{i}", category=cat)
            db.session.commit()
    print("ok")
""")


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(app, tmp_path):
    category = make_category()
    db.session.commit()
    app.extensions["search"].backend.ensure()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(tmp_path / "instance")}
    per_process = 15
    procs = [subprocess.Popen([sys.executable, str(script), app.config["SQLALCHEMY_DATABASE_URI"],
                               app.config["SEARCH_INDEX_DIR"], str(n), str(category.id), str(per_process)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in (1, 2)]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
        assert "LockError" not in err
    backend = app.extensions["search"].backend
    assert backend.pending() == []
    indexed = backend.versions()
    from kb.models import Article
    ids = db.session.execute(db.select(Article.id)).scalars().all()
    assert len(ids) == 2 * per_process
    assert {f"article:{i}" for i in ids} <= set(indexed)
