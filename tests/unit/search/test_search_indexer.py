"""The indexer follows commits: create, update, publish, unpublish, delete, rollback; related records; locks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
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


def test_saves_during_a_rebuild_are_queued_at_once_and_applied_after_the_swap(app, monkeypatch, runner):
    from search import documents, indexer
    make_article(title="Rechnung verstehen")
    db.session.commit()
    original, started, release = documents.iter_all, threading.Event(), threading.Event()

    def slow_iter_all(session, batch=200):
        yield from original(session, batch)
        if not started.is_set():  # the first pass (the word list) pauses: the rebuild holds its lock meanwhile
            started.set()
            release.wait(30)

    monkeypatch.setattr(documents, "iter_all", slow_iter_all)
    errors = []

    def rebuild():
        with app.app_context():
            try:
                indexer.reindex(app)
            except Exception as exc:  # surfaced below
                errors.append(exc)

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert started.wait(30)
        backend = app.extensions["search"].backend
        assert backend.rebuild_running()
        began = time.monotonic()
        article = make_article(title="Mahnung erhalten")
        db.session.commit()
        assert time.monotonic() - began < 2, "a save must not wait for the rebuild"
        assert backend.pending() == [f"article:{article.id}"]
    finally:
        release.set()
        thread.join(60)
    assert not errors and not thread.is_alive()
    assert backend.pending() == [] and not backend.rebuild_running()
    assert keys("Mahnung") == [f"article:{article.id}"]
    monkeypatch.setattr(documents, "iter_all", original)
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_check_sees_stale_answers_and_renamed_categories(app, runner):
    category = make_category("fernsehen")
    article = make_article(title="Sender sortieren", category=category)
    question = make_question(title="Fernbedienung koppelt nicht", answers=["Batterien tauschen.", "OK drücken."],
                             category=category)
    db.session.commit()
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    app.config["SEARCH_INDEX_ON_COMMIT"] = False  # changes below reach the database only
    question.answers[0].body_html = "<p>Batterien und Kabel tauschen.</p>"
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and f"veraltet: question:{question.id}" in result.output
    assert runner.invoke(args=["search", "check", "--fix"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    question.answers[1].is_hidden = True
    db.session.commit()
    assert f"veraltet: question:{question.id}" in runner.invoke(args=["search", "check"]).output
    runner.invoke(args=["search", "check", "--fix"])
    category.slug = "tv"
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert f"veraltet: article:{article.id}" in result.output and f"veraltet: question:{question.id}" in result.output
    # with indexing on, a rename re-files everything under the category at once
    runner.invoke(args=["search", "check", "--fix"])
    app.config["SEARCH_INDEX_ON_COMMIT"] = True
    category.slug = "digital-tv"
    db.session.commit()
    assert service.run("Sender", category="digital-tv", log_it=False).results.total == 1
    assert service.run("Fernbedienung", category="digital-tv", log_it=False).results.total == 1
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_reindex_with_two_writer_processes(app, runner):
    for n in range(30):
        make_article(title=f"Anleitung {n} Router", slug=f"anleitung-{n}")
    make_question(title="Router blinkt", answers=["Neu starten."])
    db.session.commit()
    result = runner.invoke(args=["search", "reindex", "--procs", "2"])
    assert result.exit_code == 0, result.output
    assert "31 Dokumente" in result.output and "neuer Index ist aktiv" in result.output
    assert service.run("Router", log_it=False).results.total == 31
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert runner.invoke(args=["search", "reindex", "--procs", "0"]).exit_code == 1


def test_unwritable_retry_queue_is_logged_reported_and_nothing_is_lost(app, client, runner, monkeypatch, caplog):
    monkeypatch.setattr(whoosh_backend, "WRITE_TIMEOUT", 0.2)
    # a migration run earlier in this process (Alembic's fileConfig) disables existing loggers
    monkeypatch.setattr(whoosh_backend.log, "disabled", False)
    backend = app.extensions["search"].backend
    backend.ensure()
    (backend.root / "pending.log").mkdir()  # the queue file cannot be opened for writing, not even by root
    assert client.get("/healthz").get_json()["checks"]["search"]["ok"] is False
    blocker = whoosh_index.open_dir(str(backend.current_dir())).writer()
    try:
        article = make_article(title="Combox einrichten")
        db.session.commit()  # neither the index nor the queue can take it: no error for the user
    finally:
        blocker.cancel()
    assert any(r.levelname == "ERROR" and f"article:{article.id}" in r.getMessage() for r in caplog.records)
    assert backend.pending() == [f"article:{article.id}"]  # kept in this process
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "nicht schreibbar" in result.output
    make_article(title="Anrufumleitung einrichten")
    db.session.commit()  # the next write applies the kept change
    assert keys("Combox") == [f"article:{article.id}"]


WORKER = textwrap.dedent("""
    import sys
    from core import create_app
    from core.extensions import db
    from kb.models import Article, Category
    from tests.factories import make_article
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                      "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SEARCH_INDEX_DIR": sys.argv[2],
                      "RATELIMIT_ENABLED": False})
    name, shared = sys.argv[3], [int(i) for i in sys.argv[6].split(",")]
    with app.app_context():
        cat = db.session.get(Category, int(sys.argv[4]))
        for i in range(int(sys.argv[5])):
            make_article(title=f"Prozess{name} Artikel{i}", slug=f"p{name}-a{i}", category=cat)
            db.session.commit()
            # both processes also change the same records, interleaved
            article = db.session.get(Article, shared[i % len(shared)])
            article.title = f"Geteilt Prozess{name} Runde{i}"
            db.session.commit()
    print("ok")
""")


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(app, tmp_path):
    from search import documents
    category = make_category()
    shared = [make_article(title=f"Geteilt {n}", category=category).id for n in range(3)]
    db.session.commit()
    app.extensions["search"].backend.ensure()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(tmp_path / "instance")}
    per_process = 15
    procs = [subprocess.Popen([sys.executable, str(script), app.config["SQLALCHEMY_DATABASE_URI"],
                               app.config["SEARCH_INDEX_DIR"], str(n), str(category.id), str(per_process),
                               ",".join(map(str, shared))],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in (1, 2)]
    for p in procs:
        _out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
        assert "LockError" not in err
    backend = app.extensions["search"].backend
    assert backend.pending() == []
    from kb.models import Article
    assert len(db.session.execute(db.select(Article.id)).scalars().all()) == 2 * per_process + 3
    db.session.expire_all()
    with Session(db.engine) as session:
        expected = {doc.key: doc.version for doc in documents.iter_all(session)}
    assert backend.versions() == expected  # every record, the shared ones included, at its last committed state
