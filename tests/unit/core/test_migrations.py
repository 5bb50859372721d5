"""The Alembic chain builds, from empty, exactly the schema the models declare (SQLite and PostgreSQL), column
types included; and it has one head, so `flask db upgrade` knows where to go."""
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from core.extensions import db


def test_migrations_build_the_model_schema_from_empty(app):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    assert "users" in inspect(db.engine).get_table_names()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_the_migration_chain_has_one_head_and_unique_revision_ids(app):
    """Two files with the same id hide one of them from Alembic; two heads make `flask db upgrade` refuse."""
    from alembic.script import ScriptDirectory

    versions = Path(app.extensions["migrate"].directory) / "versions"
    ids = [re.search(r"^revision\s*(?::\s*str\s*)?=\s*[\"']([^\"']+)", path.read_text(), re.M).group(1)
           for path in sorted(versions.glob("*.py"))]
    duplicates = sorted({each for each in ids if ids.count(each) > 1})
    assert not duplicates, f"revision ids used twice: {duplicates}"
    heads = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_heads()
    assert len(heads) == 1, f"several heads {heads}: chain the newest migration after the previous head"
