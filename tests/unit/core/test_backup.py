"""A backup restores into a freshly migrated empty database (SQLite, and SQLite → PostgreSQL when
TEST_DATABASE_URL is set) with every row; after `flask search reindex` every article, video and question is found,
and every badge is back. Restore refuses a non-empty database and is one transaction."""
from __future__ import annotations

import gzip
import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from bench.server import temporary_postgres_database
from core import backup
from core.errors import DomainError
from core.extensions import db
from kb.models import Article
from tests.conftest import make_test_app
from tests.factories import make_article, make_category, make_user

QUIET = {"echo": lambda line: None}


def _counts():
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in db.metadata.sorted_tables}


def build_help_center() -> dict:
    """Articles, a video, questions with answers, votes, reputation and badges, through the real services."""
    from community import badges, services
    from community.models import Award, ReputationEvent, Vote
    from tests.factories_community import make_answer, make_question
    from tests.factories_search import make_video

    internet, tv = make_category("internet-sicherung"), make_category("tv-sicherung")
    articles = [make_article(title=title, category=category, review_by=None) for title, category in (
        ("Modem neu starten bei Verbindungsabbruch", internet),
        ("Glasfaseranschluss aktivieren", internet),
        ("Sendersuchlauf am Fernseher durchführen", tv))]
    videos = [make_video(title="Fernbedienung mit der TV-Box koppeln", category=tv)]
    asker, helper, voter = make_user("fragerin"), make_user("helfer"), make_user("waehlerin")
    questions = [make_question(asker, title="Telefon hat nach Gewitter kein Freizeichen mehr"),
                 make_question(helper, title="Rechnung zeigt doppelte Grundgebühr im Oktober")]
    first = make_answer(questions[0], helper, body="Bitte den Splitter prüfen und das Kabel neu stecken.")
    make_answer(questions[1], asker, body="Das ist die anteilige Gebühr nach dem Tarifwechsel.")
    services.vote(voter, "answer", first, 1)
    services.vote(voter, "question", questions[0], 1)
    services.accept(asker, first)
    for user in (asker, helper, voter):
        badges.check_user(user)
    db.session.commit()
    awards = {(a.user.username, a.badge) for a in db.session.execute(select(Award)).scalars()}
    assert awards, "the data set should include badge awards"
    for model in (Vote, ReputationEvent):
        assert db.session.execute(select(func.count()).select_from(model)).scalar() > 0
    return {"articles": [(a.id, a.title) for a in articles], "videos": [(v.id, v.title) for v in videos],
            "questions": [(q.id, q.title) for q in questions], "awards": awards,
            "reputation": {u.username: u.reputation for u in (asker, helper, voter)}}


@contextmanager
def migrated_app(tmp_path: Path, database_url: str):
    """A second help center on an empty database built by the Alembic chain, as `flask db upgrade` does."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = make_test_app(tmp_path, database_url)
    with target.app_context():
        upgrade()
        try:
            yield target
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_restore_into_a_fresh_migrated_database_and_find_everything(app, tmp_path, target):
    if target == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("SQLite → PostgreSQL needs TEST_DATABASE_URL")
    if target == "postgresql":  # the source is SQLite, whatever the suite runs on
        source = make_test_app(tmp_path / "source", f"sqlite:///{tmp_path / 'source.sqlite3'}")
        source_context = source.app_context()
        source_context.push()
        db.create_all()
    try:
        expected = build_help_center()
        media = Path(current_app.config["MEDIA_DIR"])
        (media / "videos").mkdir(parents=True)
        (media / "videos" / "koppeln.de.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHallo\n")
        before = _counts()
        backup.dump(tmp_path / "bk", media, **QUIET)
    finally:
        if target == "postgresql":
            db.session.remove()
            source_context.pop()

    @contextmanager
    def target_database():
        if target == "postgresql":
            with temporary_postgres_database("hc_restore", os.environ["TEST_DATABASE_URL"]) as url:
                yield url
        else:
            yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"

    with target_database() as url, migrated_app(tmp_path / "target", url) as restored:
        assert sum(_counts().values()) == 0
        backup.restore(tmp_path / "bk", Path(restored.config["MEDIA_DIR"]), **QUIET)
        db.session.commit()
        assert _counts() == before
        assert (Path(restored.config["MEDIA_DIR"]) / "videos" / "koppeln.de.vtt").read_text().startswith("WEBVTT")

        result = restored.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
        client = restored.test_client()
        for kind, items in (("article", expected["articles"]), ("video", expected["videos"]),
                            ("question", expected["questions"])):
            for obj_id, title in items:
                response = client.get("/api/v1/search", query_string={"q": title, "type": kind})
                assert response.status_code == 200, response.get_data(as_text=True)
                found = [hit["id"] for hit in response.get_json()["results"]]
                assert obj_id in found, f"{kind} {title!r} not found after restore: {found}"

        from community.models import Award
        from core.models import User
        db.session.expire_all()
        assert {(a.user.username, a.badge) for a in db.session.execute(select(Award)).scalars()} == expected["awards"]
        for username, reputation in expected["reputation"].items():
            user = db.session.execute(select(User).where(User.username == username)).scalar_one()
            assert user.reputation == reputation
        # new rows continue after the restored ids (PostgreSQL sequences were reset)
        make_article(title="Neu nach der Wiederherstellung", category=make_category("neu-danach"))
        db.session.commit()


def test_dump_and_restore_in_place_keeps_every_row(app, tmp_path):
    make_user("anna")
    article = make_article(title="Modem neu starten", review_by=None)
    db.session.commit()
    media = Path(app.config["MEDIA_DIR"])
    before = _counts()
    backup.dump(tmp_path / "bk", media, **QUIET)
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    backup.restore(tmp_path / "bk", media, **QUIET)
    db.session.commit()
    assert _counts() == before
    restored = db.session.execute(select(Article).where(Article.slug == article.slug)).scalar_one()
    assert restored.title == "Modem neu starten" and restored.created_at is not None


def test_restore_refuses_a_database_with_data(app, tmp_path, runner):
    make_user()
    db.session.commit()
    backup.dump(tmp_path / "bk", tmp_path / "media", **QUIET)
    with pytest.raises(DomainError, match="nicht leer"):
        backup.restore(tmp_path / "bk", tmp_path / "media", **QUIET)
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "bk")])
    assert result.exit_code != 0 and "nicht leer" in result.output and "Traceback" not in result.output


def test_a_restore_that_fails_halfway_leaves_the_database_empty(app, tmp_path, runner):
    """One transaction: rows of the tables restored before the failing one are rolled back too."""
    make_user("anna")
    make_article(title="Modem neu starten", review_by=None)
    db.session.commit()
    backup.dump(tmp_path / "bk", tmp_path / "media", **QUIET)
    dump_file = tmp_path / "bk" / backup.DB_FILE
    with gzip.open(dump_file, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    last_table = [t.name for t in db.metadata.sorted_tables if any(r["table"] == t.name for r in records)][-1]
    duplicate = next(r for r in records if r["table"] == last_table)
    with gzip.open(dump_file, "wt", encoding="utf-8") as handle:
        for record in [*records, duplicate]:  # the same primary key twice in the last table restored
            handle.write(json.dumps(record) + "\n")
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()

    result = runner.invoke(args=["backup", "restore", str(tmp_path / "bk")])
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1].startswith("Error: ") and "Traceback" not in result.output
    assert last_table in result.output
    db.session.expire_all()
    assert sum(_counts().values()) == 0, _counts()


def test_restore_of_a_missing_backup_is_a_clear_error(app, tmp_path, runner):
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "nothing")])
    assert result.exit_code != 0 and "Keine Sicherung gefunden" in result.output
    assert "Traceback" not in result.output
