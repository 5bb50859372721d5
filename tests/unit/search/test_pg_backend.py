"""The PostgreSQL backend's own promises: chosen by configuration only on PostgreSQL, follows commits, queues
writes it cannot make and retries them, rebuilds with progress, lets two processes write at once, and its
migration creates and drops the text search configuration. Backend-neutral behaviour is tested on both backends
in test_search_service.py and tests/http/search."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import text

from core.extensions import db
from search import documents, pg_backend, service
from search.backend import Document
from tests.conftest import make_test_app
from tests.factories import make_article, make_category
from tests.factories_search import make_question, make_video
from tests.search_backends import broken_index, postgres_only

ROOT = Path(__file__).resolve().parents[3]


def keys(text_, **kw):
    return [f"{h.type}:{h.obj_id}" for h in service.run(text_, log_it=False, **kw).results.hits]


def test_postgres_backend_needs_a_postgresql_database(tmp_path):
    with pytest.raises(RuntimeError, match="needs a PostgreSQL database"):
        make_test_app(tmp_path, None, SEARCH_BACKEND="postgres")
    with pytest.raises(RuntimeError, match="Unknown SEARCH_BACKEND 'solr'"):
        make_test_app(tmp_path, None, SEARCH_BACKEND="solr")


@postgres_only
def test_index_follows_commits_and_holds_only_visible_content(app):
    article = make_article(title="Fernbedienung koppeln", status="draft")
    video = make_video(title="Modem Tutorial",
                       transcript=[{"start": 75, "end": 80, "text": "Den WLAN-Kanal wechseln."}])
    open_q = make_question(title="Fernbedienung reagiert nicht", answers=[])
    solved = make_question(title="Fernbedienung reagiert nicht mehr", answers=["Batterien tauschen."], solved=True)
    db.session.commit()
    assert keys("Fernbedienung reagiert")[:2] == [f"question:{solved.id}", f"question:{open_q.id}"]
    assert f"article:{article.id}" not in keys("Fernbedienung")
    article.status = "published"
    db.session.commit()
    assert f"article:{article.id}" in keys("Fernbedienung koppeln")
    article.title = "Sendersuchlauf starten"
    db.session.commit()
    assert keys("koppeln") == [] and keys("Sendersuchlauf") == [f"article:{article.id}"]
    from community.models import Answer
    db.session.add(Answer(question=open_q, author=solved.answers[0].author, body_md="Pairingtaste",
                          body_html="<p>Drücken Sie die Pairingtaste</p>"))
    db.session.commit()
    assert keys("Pairingtaste") == [f"question:{open_q.id}"]
    video.status = "hidden"
    open_q.is_hidden = True
    db.session.delete(article)
    db.session.commit()
    assert keys("Kanal") == [] and keys("Pairingtaste") == [] and keys("Sendersuchlauf") == []
    assert set(app.extensions["search"].backend.versions()) == {f"question:{solved.id}"}


@postgres_only
def test_a_held_lock_queues_the_change_and_the_next_write_applies_it(app, client, monkeypatch):
    monkeypatch.setattr(pg_backend, "WRITE_TIMEOUT_MS", 200)
    backend = app.extensions["search"].backend
    with db.engine.connect() as blocker:
        blocker.execute(text("SELECT pg_advisory_lock(:id)"), {"id": pg_backend.LOCK_ID})
        article = make_article(title="Combox einrichten")
        db.session.commit()  # must not raise: the change waits in search_pending
        blocker.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": pg_backend.LOCK_ID})
        blocker.commit()
    assert backend.pending() == [f"article:{article.id}"] and keys("Combox") == []
    health = client.get("/healthz").get_json()["checks"]["search"]
    assert health["ok"] and f"1 pending retry: article:{article.id}" in health["detail"]
    make_article(title="Anrufumleitung einrichten")
    db.session.commit()  # the next successful write applies the queued change too
    assert backend.pending() == [] and keys("Combox") == [f"article:{article.id}"]


@postgres_only
def test_writes_without_the_index_table_are_queued_not_raised(app):
    with broken_index(app):
        assert service.run("Router", log_it=False).unavailable
        article = make_article(title="Router neu starten")
        db.session.commit()  # the request that wrote the article still succeeds
    assert app.extensions["search"].backend.pending() == [f"article:{article.id}"]
    make_article(title="Rechnung prüfen")
    db.session.commit()
    assert keys("Router") == [f"article:{article.id}"]


@postgres_only
def test_reindex_rebuilds_the_rows_and_the_word_list_with_progress(app, runner):
    a = make_article(title="Antenne und Kabel prüfen", category=make_category("tv"))
    db.session.commit()
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    b = make_article(title="Mahnung erhalten")
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and f"fehlt: article:{b.id}" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "2/2" in result.output and "2 Dokumente" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    # the rebuilt word list splits compounds of the content's own words ("antenne" + n + "kabel")
    assert keys("Antennenkabel") == [f"article:{a.id}"] and keys("Mahnungen") == [f"article:{b.id}"]


@postgres_only
def test_highlight_markers_inside_content_cannot_fake_a_match(app):
    doc = Document(key="article:1", type="article", obj_id=1, title="Router", url="/artikel/x",
                   body=f"Text {pg_backend.START}gefälscht{pg_backend.END} über den Router.")
    backend = app.extensions["search"].backend
    assert backend.apply(lambda _retry: ([doc], []), [doc.key])
    hit = service.run("Router", log_it=False).results.hits[0]
    assert [t for t, is_match in hit.snippet if is_match] == ["Router"]
    assert pg_backend.START not in "".join(t for t, _m in hit.snippet)


WORKER = textwrap.dedent("""
    import sys
    from core import create_app
    from core.extensions import db
    from kb.models import Article, Category
    from tests.factories import make_article
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                      "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SEARCH_BACKEND": "postgres",
                      "RATELIMIT_ENABLED": False})
    name, shared_id, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with app.app_context():
        category = db.session.get(Article, shared_id).category
        for i in range(count):
            make_article(title=f"Prozess{name} Artikel{i}", slug=f"p{name}-a{i}", category=category)
            db.session.get(Article, shared_id).title = f"Gemeinsam {name} {i}"
            db.session.commit()
    print("ok")
""")


@pytest.mark.slow
@postgres_only
def test_two_processes_writing_at_once_lose_nothing(app, tmp_path):
    from kb.models import Article
    shared = make_article(title="Gemeinsam")
    db.session.commit()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(tmp_path / "instance")}
    per_process = 12
    procs = [subprocess.Popen([sys.executable, str(script), app.config["SQLALCHEMY_DATABASE_URI"], str(n),
                               str(shared.id), str(per_process)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in (1, 2)]
    for p in procs:
        _out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
    backend = app.extensions["search"].backend
    assert backend.pending() == []
    db.session.expire_all()
    articles = db.session.execute(db.select(Article)).scalars().all()
    assert len(articles) == 2 * per_process + 1
    # every article indexed, each at its committed version: the last writer wrote the newest state
    assert backend.versions() == {doc.key: doc.version for doc in documents.iter_all(db.session)}
    assert keys(db.session.get(Article, shared.id).title)[0] == f"article:{shared.id}"


@postgres_only
def test_migration_creates_and_drops_the_text_search_objects(app):
    def configs():
        with db.engine.connect() as conn:
            return set(conn.execute(text("SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'hc_%'")).scalars())

    stamp(revision="0009")  # this revision only: later ones belong to other features
    try:
        downgrade(revision="0008")
        assert configs() == set()
        assert "search_documents" not in db.inspect(db.engine).get_table_names()
        upgrade(revision="0009")
        assert configs() == {"hc_german", "hc_english"}
        with db.engine.connect() as conn:
            folded = conn.execute(text("SELECT to_tsvector('hc_german', 'Schlüssel an der Straße ändern')")).scalar()
        assert folded == "'an':2 'and':5 'der':3 'schlussel':1 'strass':4"  # folded, stemmed, no stopword list
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_synonym_spans_prefer_the_longest_phrase():
    from search.backend import synonym_spans
    groups = [[("kundigung",), ("vertrag", "beenden")], [("vertrag",), ("abo",)]]
    spans = list(synonym_spans(["vertrag", "beenden", "heute"], groups, key=str))
    assert spans == [(None, groups[0]), ("heute", None)]
    assert list(synonym_spans(["vertrag"], groups, key=str)) == [(None, groups[1])]
