"""`flask content import-videos SOURCE [--download] [--category SLUG]` and the demo step for videos."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from core.extensions import db
from kb.videos import importer

DEMO_DIR = Path(__file__).resolve().parents[2] / "content" / "demo" / "videos"


@click.command("import-videos")
@click.argument("source")
@click.option("--download", is_flag=True, help="Video (höchstens 720p), Untertitel und Vorschaubild in MEDIA_DIR "
                                                "herunterladen und selbst ausliefern.")
@click.option("--category", "category_slug", default=None, help="Kategorie (Slug) für neu angelegte Videos.")
def import_videos(source: str, download: bool, category_slug: str | None):
    """Videos aus einer URL (Video, Playlist, Kanal) oder einer yt-dlp-Info-JSON importieren."""
    try:
        summary = importer.import_source(source, download=download, media_dir=Path(current_app.config["MEDIA_DIR"]),
                                         category_slug=category_slug, echo=click.echo)
    except importer.ImportSourceError as exc:
        db.session.rollback()
        click.echo(f"Fehler: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # never a traceback on the command line
        db.session.rollback()
        click.echo(f"Fehler: {importer.one_line(exc)}", err=True)
        sys.exit(1)
    click.echo(summary.line())
    if summary.failed:
        sys.exit(1)


def demo_files() -> list[Path]:
    """Every single-video info JSON; playlist.info.json only repeats two of them."""
    return sorted(p for p in DEMO_DIR.glob("*.info.json") if p.name != "playlist.info.json")


def load_demo_videos(echo) -> str:
    records = []
    for path in demo_files():
        try:
            records.extend(importer.map_all(importer.entries(importer.load_info_file(path))))
        except importer.ImportSourceError as exc:
            records.append(importer.MappingError(str(exc)))
    summary = importer.write_records(records, echo=lambda line: None)
    for error in summary.errors:
        echo(f"  Fehler: {error}")
    return summary.line()


def init_app(app) -> None:
    from content.cli import content_cli
    from content.demo import register_demo_step

    if "import-videos" not in content_cli.commands:
        content_cli.add_command(import_videos)
    register_demo_step("Videos", 30, load_demo_videos)
