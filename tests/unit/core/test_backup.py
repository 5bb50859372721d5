"""A backup restores into an empty database with every row (articles, users, and whatever the features add)."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import backup
from core.errors import DomainError
from core.extensions import db
from kb.models import Article
from tests.factories import make_article, make_user


def _counts():
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in db.metadata.sorted_tables}


def test_dump_and_restore_into_an_empty_database(app, tmp_path):
    make_user("anna")
    article = make_article(title="Modem neu starten", review_by=None)
    db.session.commit()
    media = Path(app.config["MEDIA_DIR"])
    (media / "videos").mkdir(parents=True)
    (media / "videos" / "clip.vtt").write_text("WEBVTT\n")
    before = _counts()
    backup.dump(tmp_path / "bk", media, echo=lambda line: None)

    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    (media / "videos" / "clip.vtt").unlink()

    backup.restore(tmp_path / "bk", media, echo=lambda line: None)
    db.session.commit()
    assert _counts() == before
    restored = db.session.execute(select(Article).where(Article.slug == article.slug)).scalar_one()
    assert restored.title == "Modem neu starten" and restored.created_at is not None
    assert (media / "videos" / "clip.vtt").read_text() == "WEBVTT\n"
    make_article(title="Neu nach Restore")  # sequences continue after the restored ids
    db.session.commit()


def test_restore_refuses_a_database_with_data(app, tmp_path):
    make_user()
    db.session.commit()
    backup.dump(tmp_path / "bk", tmp_path / "media", echo=lambda line: None)
    with pytest.raises(DomainError, match="nicht leer"):
        backup.restore(tmp_path / "bk", tmp_path / "media", echo=lambda line: None)


def test_restore_of_a_missing_backup_is_a_clear_error(app, tmp_path, runner):
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "nothing")])
    assert result.exit_code != 0 and "Keine Sicherung gefunden" in result.output
    assert "Traceback" not in result.output
