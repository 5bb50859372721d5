"""`flask demo load` (and, from the content issue, `flask content …`)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from content import demo

demo_cli = AppGroup("demo", help="Demo-Inhalte (nur lokal).")
# `flask content …`: Markdown folder import/export here; `import-videos` is added by kb.videos.
content_cli = AppGroup("content", help="Inhalte importieren und exportieren.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Nur laden, wenn die Datenbank noch leer ist.")
def load(if_empty: bool):
    """Demo-Kategorien, -Benutzer und -Inhalte laden und die Demo-Zugänge ausgeben (nur lokal)."""
    if if_empty and not demo.database_is_empty():
        click.echo("Datenbank enthält bereits Inhalte; Demo-Daten werden nicht geladen.")
    else:
        for line in demo.load_demo(click.echo):
            click.echo(line)
    lines = demo.credentials_lines()
    if lines:
        click.echo("")
        for line in lines:
            click.echo(line)


def init_app(app: Flask) -> None:
    from content.markdown_folder import load_demo_articles

    demo.register_demo_step("Artikel", 20, load_demo_articles)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)


@content_cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def import_command(directory: Path):
    """Markdown-Ordner importieren (Upsert nach Slug; Status ohne Angabe: draft)."""
    from content.markdown_folder import import_folder

    if not directory.is_dir():
        raise click.ClickException(f"Ordner nicht gefunden: {directory}")
    report = import_folder(directory, click.echo)
    click.echo(f"Fertig: {report.summary()}" + (f"; {report.categories_summary()}" if any(
        report.categories.values()) else ""))
    if report.failed:
        raise click.ClickException(
            f"{len(report.failed)} Datei(en) nicht importiert: {', '.join(name for name, _ in report.failed)}")


@content_cli.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
def export_command(directory: Path):
    """Alle Artikel als Markdown mit Front Matter in einen Ordner schreiben (eine Datei pro Artikel)."""
    from content.markdown_folder import export_folder

    if directory.exists() and not directory.is_dir():
        raise click.ClickException(f"Kein Ordner: {directory}")
    try:
        count = export_folder(directory, click.echo)
    except OSError as error:
        raise click.ClickException(f"Export fehlgeschlagen: {error.strerror or error}") from error
    click.echo(f"Fertig: {count} Artikel exportiert nach {directory}")
