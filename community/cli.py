"""`flask community …`: reputation check, badge backfill, outbox delivery (colleagues add their commands to
community_cli)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db

community_cli = AppGroup("community", help="Community: Reputation, Abzeichen, Erinnerungen.")


@community_cli.command("recompute-reputation")
@click.option("--check-only", is_flag=True, help="Nur prüfen, nichts korrigieren.")
def recompute_reputation(check_only: bool):
    """Gespeicherte Reputation mit dem Ereignis-Journal vergleichen und korrigieren."""
    from community.reputation import recompute

    try:
        checked, mismatches = recompute(fix=not check_only)
        for m in mismatches:
            click.echo(f"{m.username}: gespeichert {m.cached}, Journal {m.ledger}"
                       + ("" if check_only else " → korrigiert"))
        if not check_only:
            db.session.commit()
    except Exception as error:  # one line, never a traceback
        db.session.rollback()
        raise click.ClickException(f"Reputation konnte nicht geprüft werden: {error}") from None
    click.echo(f"{checked} Benutzer geprüft, {len(mismatches)} Abweichungen"
               + ("" if check_only or not mismatches else " korrigiert") + ".")


@community_cli.command("award-badges")
def award_badges():
    """Abzeichen für alle Benutzer nachtragen (idempotent)."""
    from community.badges import award_all

    def progress(index: int, total: int) -> None:
        if index == total or index % 100 == 0:
            click.echo(f"{index}/{total} Benutzer geprüft")

    try:
        checked, summary = award_all(progress)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        raise click.ClickException(f"Abzeichen konnten nicht vergeben werden: {error}") from None
    for slug, count in sorted(summary.items()):
        click.echo(f"  {slug}: {count}")
    click.echo(f"{sum(summary.values())} Abzeichen neu vergeben ({checked} Benutzer).")


@community_cli.command("send-outbox")
@click.option("--via", type=click.Choice(["smtp", "log"]), default="smtp", show_default=True,
              help="Versandweg (smtp: MAIL_SMTP_HOST/MAIL_SMTP_PORT).")
@click.option("--limit", type=click.IntRange(1), default=1000, show_default=True, help="Höchstens so viele E-Mails.")
def send_outbox(via: str, limit: int):
    """Wartende E-Mails aus dem Postausgang versenden (für cron, bei MAIL_SENDER=outbox)."""
    from community.notifications import deliver_outbox, outbox_waiting

    def progress(index: int, total: int) -> None:
        if index == total or index % 100 == 0:
            click.echo(f"{index}/{total} E-Mails bearbeitet")

    try:
        run = deliver_outbox(via, limit, progress)
        left = outbox_waiting()
    except Exception as error:  # database unreachable: one line, never a traceback
        db.session.rollback()
        raise click.ClickException(f"Postausgang konnte nicht gelesen werden: {error}") from None
    click.echo(f"send-outbox: {run.sent} E-Mails versendet, {left} warten noch.")
    if run.error:
        raise click.ClickException(f"Versand abgebrochen ({run.error}); die E-Mail bleibt im Postausgang.")


def init_app(app: Flask) -> None:
    app.cli.add_command(community_cli)
