"""Portable backup and restore: every table as JSON lines (any database → any database) plus the media folder.

The search index is derived data and is rebuilt after a restore (`flask search reindex`).
"""
from __future__ import annotations

import gzip
import json
import tarfile
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from core.errors import DomainError
from core.extensions import db

DB_FILE = "database.jsonl.gz"
MEDIA_FILE = "media.tar.gz"


def _encode(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decoder(table):
    converters = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            converters[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            converters[column.name] = date.fromisoformat

    def decode(row: dict) -> dict:
        return {key: (converters[key](value) if key in converters and value is not None else value)
                for key, value in row.items()}
    return decode


def dump(target: Path, media_dir: Path, echo=print) -> dict[str, int]:
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    with gzip.open(target / DB_FILE, "wt", encoding="utf-8") as out:
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).mappings().all()
            for row in rows:
                out.write(json.dumps({"table": table.name, "row": {k: _encode(v) for k, v in row.items()}},
                                     ensure_ascii=False) + "\n")
            counts[table.name] = len(rows)
            echo(f"  {table.name}: {len(rows)}")
    with tarfile.open(target / MEDIA_FILE, "w:gz") as tar:
        if media_dir.is_dir():
            tar.add(media_dir, arcname="media")
    return counts


def restore(source: Path, media_dir: Path, echo=print) -> dict[str, int]:
    """Restore into an empty, migrated database; refuses to mix with existing data.

    One transaction: this function only flushes; the caller commits, or rolls back on DomainError.
    """
    if not (source / DB_FILE).is_file():
        raise DomainError(_("Keine Sicherung gefunden: %(path)s", path=source / DB_FILE), code="not_found")
    tables = {table.name: table for table in db.metadata.sorted_tables}
    for table in tables.values():
        if db.session.execute(select(func.count()).select_from(table)).scalar():
            raise DomainError(_("Die Datenbank ist nicht leer (Tabelle %(table)s); Wiederherstellung abgebrochen.",
                                table=table.name),
                              code="not_empty", status=409)
    batches: dict[str, list[dict]] = {name: [] for name in tables}
    with gzip.open(source / DB_FILE, "rt", encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            record = json.loads(line)
            if record["table"] not in tables:
                raise DomainError(_("Zeile %(line)d: unbekannte Tabelle %(table)s", line=line_no, table=record["table"]),
                                  code="bad_backup")
            batches[record["table"]].append(record["row"])
    counts = {}
    for name, table in tables.items():  # sorted_tables order satisfies foreign keys
        try:
            rows = [_decoder(table)(row) for row in batches[name]]
            if rows:
                db.session.execute(insert(table), rows)
        except (SQLAlchemyError, ValueError, TypeError) as error:
            # Nothing is committed: the caller rolls back everything inserted so far.
            reason = (str(getattr(error, "orig", None) or error).splitlines() or [""])[0][:200]
            raise DomainError(_("Tabelle %(table)s lässt sich nicht wiederherstellen: %(reason)s",
                                table=name, reason=reason), code="bad_backup") from error
        counts[name] = len(rows)
        echo(f"  {name}: {len(rows)}")
    _reset_sequences(tables.values())
    if (source / MEDIA_FILE).is_file():
        media_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA_FILE, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name == "media" or not member.name.startswith("media/"):
                    continue
                member.name = member.name[len("media/"):]
                tar.extract(member, media_dir, filter="data")
    return counts


def _reset_sequences(tables) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement is not False:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
