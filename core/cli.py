"""`flask users …` and `flask i18n compile`: every failure is one line on stderr and a non-zero exit."""
from __future__ import annotations

import secrets

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from core import accounts, backup, jobs
from core.errors import DomainError
from core.extensions import db
from core.i18n import compile_catalogs
from core.models import ROLES

users_cli = AppGroup("users", help="Benutzer und API-Tokens verwalten.")
i18n_cli = AppGroup("i18n", help="Übersetzungen.")
jobs_cli = AppGroup("jobs", help="Hintergrund-Jobs (Redis/RQ).")
backup_cli = AppGroup("backup", help="Datenbank und Medien sichern und wiederherstellen.")


def fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@users_cli.command("create")
@click.argument("name")
@click.option("--email", required=True)
# Checked by accounts.create_user (not click.Choice), so a wrong role is one line, like every other failure.
@click.option("--role", default="customer", show_default=True, help="|".join(ROLES))
@click.option("--password", help="Ohne Angabe wird ein zufälliges Passwort erzeugt und ausgegeben.")
def create_user(name: str, email: str, role: str, password: str | None):
    """Create an account with a role (prints a generated password when none is given)."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = accounts.create_user(name, email, password, role)
    except DomainError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"Benutzer {user.username} ({user.role}) angelegt.")
    if generated:
        click.echo(f"Passwort: {password}")


@users_cli.command("token")
@click.argument("name")
def create_token(name: str):
    """Prints a new API token alone on the last line."""
    user = accounts.find_user(name)
    if user is None:
        fail(_("Kein Benutzer namens %(name)s.", name=name))
    raw = accounts.issue_token(user)
    db.session.commit()
    click.echo(f"Neues API-Token für {user.username} (nur jetzt sichtbar):", err=True)
    click.echo(raw)


@users_cli.command("revoke-tokens")
@click.argument("name")
def revoke_tokens(name: str):
    """Revoke every API token of the user."""
    user = accounts.find_user(name)
    if user is None:
        fail(_("Kein Benutzer namens %(name)s.", name=name))
    count = accounts.revoke_tokens(user)
    db.session.commit()
    click.echo(f"{count} Token(s) widerrufen.")


@i18n_cli.command("compile")
def compile_command():
    click.echo(f"{compile_catalogs()} Katalog(e) übersetzt.")


@backup_cli.command("dump")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_dump(directory: Path):
    """Write DIRECTORY/database.jsonl.gz and DIRECTORY/media.tar.gz."""
    counts = backup.dump(directory, Path(current_app.config["MEDIA_DIR"]), click.echo)
    click.echo(f"Gesichert: {sum(counts.values())} Zeilen aus {len(counts)} Tabellen nach {directory}")


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_restore(directory: Path):
    """Restore into an empty migrated database, then rebuild the search index."""
    try:
        counts = backup.restore(directory, Path(current_app.config["MEDIA_DIR"]), click.echo)
    except DomainError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"Wiederhergestellt: {sum(counts.values())} Zeilen. Jetzt `flask search reindex` ausführen.")


def _require_queue() -> None:
    if not jobs.uses_queue():
        fail(_("REDIS_URL ist nicht gesetzt: Jobs laufen direkt, es gibt keine Warteschlange."))


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Beenden, wenn die Warteschlange leer ist (fällige Wiederholungen inklusive).")
def jobs_worker(burst: bool):
    """Run background jobs from the Redis queue (needs REDIS_URL; `make worker`)."""
    _require_queue()
    click.echo(f"Worker für Warteschlange {jobs.queue().name} gestartet (mit Scheduler für Wiederholungen).")
    jobs.run_worker(burst=burst)


@jobs_cli.command("failed")
def jobs_failed():
    """List the jobs that failed after their retries (also at /admin/jobs)."""
    _require_queue()
    failed = jobs.failed_jobs()
    for job in failed:
        last_line = (job["error"] or "").strip().splitlines()[-1:] or [""]
        click.echo(f"{job['id']}  {job['task']}  {job['ended_at']}  {last_line[0]}")
    click.echo(f"{len(failed)} fehlgeschlagene Job(s).")


@jobs_cli.command("retry")
@click.argument("job_id", required=False)
def jobs_retry(job_id: str | None):
    """Queue one failed job again, or every failed job without JOB_ID."""
    _require_queue()
    click.echo(f"{jobs.requeue_failed(job_id)} Job(s) erneut eingereiht.")


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(i18n_cli)
