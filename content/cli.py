"""`flask demo load` (and, from the content issue, `flask content …`)."""
from __future__ import annotations

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
    if if_empty and not demo.database_is_empty():
        click.echo("Datenbank enthält bereits Inhalte; Demo-Daten werden nicht geladen.")
        return
    for line in demo.load_demo(click.echo):
        click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
