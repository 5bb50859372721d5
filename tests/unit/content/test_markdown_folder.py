"""Markdown folder import/export (DESIGN §5) through the importer functions and `flask content …`."""
from __future__ import annotations

from pathlib import Path

import pytest

from content import markdown_folder
from core.extensions import db
from kb.models import Article, ArticleRevision, Category
from tests.factories import make_category

GOOD = """---
title: "WLAN-Passwort ändern"
slug: wlan-passwort-aendern
category: wlan
tags: [wlan, passwort, router]
lang: de
status: published
---
## Schritte

Öffnen Sie die Einstellungen.
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def articles():
    return list(db.session.execute(db.select(Article).order_by(Article.slug)).scalars())


def test_import_creates_article_and_missing_category(app, tmp_path):
    write(tmp_path, "a.md", GOOD)
    report = markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    assert report.created == ["a.md"] and not report.failed
    article = articles()[0]
    assert (article.title, article.slug, article.tags, article.lang, article.status) == (
        "WLAN-Passwort ändern", "wlan-passwort-aendern", ["wlan", "passwort", "router"], "de", "published")
    assert article.category.slug == "wlan" and article.category.name_de == "Wlan"
    assert "<h2" in article.body_html and article.toc_html
    assert article.published_at is not None
    assert [r.note for r in article.revisions] == ["Import"]


def test_import_is_idempotent_and_updates_changes(app, tmp_path):
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", GOOD.replace("wlan-passwort-aendern", "zweiter").replace("WLAN-Passwort", "Zweiter"))
    markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    again = markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    assert again.unchanged == ["a.md", "b.md"] and not again.created and not again.updated
    assert db.session.scalar(db.select(db.func.count()).select_from(ArticleRevision)) == 2
    write(tmp_path, "a.md", GOOD.replace("Öffnen Sie", "Starten Sie"))
    third = markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    assert third.updated == ["a.md"] and third.unchanged == ["b.md"]
    assert "Starten Sie" in articles()[0].body_html


def test_bad_files_are_reported_by_name_and_the_rest_imports(app, tmp_path):
    write(tmp_path, "1-bad-yaml.md", "---\ntitle: [unclosed\ncategory: wlan\n---\nText\n")
    write(tmp_path, "2-no-title.md", "---\nslug: ohne-titel\ncategory: wlan\n---\nText\n")
    write(tmp_path, "3-good.md", GOOD)
    write(tmp_path, "4-no-front-matter.md", "Nur Text\n")
    write(tmp_path, "5-bad-status.md", GOOD.replace("status: published", "status: live").replace(
        "wlan-passwort-aendern", "status-falsch"))
    write(tmp_path, "6-new-category-bad-slug.md", GOOD.replace("category: wlan", "category: neue-kategorie")
          .replace("wlan-passwort-aendern", "Ungültiger Slug"))
    lines: list[str] = []
    report = markdown_folder.import_folder(tmp_path, echo=lines.append)
    assert [name for name, _ in report.failed] == ["1-bad-yaml.md", "2-no-title.md", "4-no-front-matter.md",
                                                   "5-bad-status.md", "6-new-category-bad-slug.md"]
    assert report.created == ["3-good.md"]
    assert len(lines) == 6 and lines[0].startswith("[1/6] 1-bad-yaml.md: FEHLER")
    assert [a.slug for a in articles()] == ["wlan-passwort-aendern"]
    # nothing half-written: the failed file's new category was rolled back with it
    assert db.session.execute(db.select(Category).where(Category.slug == "neue-kategorie")).first() is None


def test_status_defaults_to_draft_and_slug_to_file_name(app, tmp_path):
    write(tmp_path, "router-neustart.md", "---\ntitle: Router neu starten\ncategory: internet\n---\nText\n")
    markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    article = articles()[0]
    assert (article.slug, article.status, article.published_at) == ("router-neustart", "draft", None)


def test_export_then_import_into_empty_database_reproduces_every_article(app, tmp_path):
    from content.demo import load_categories
    load_categories()
    source = Path(markdown_folder.DEMO_ARTICLES)
    markdown_folder.import_folder(source, echo=lambda line: None)
    make_category("leer", icon="star", position=3, description_de="Noch leer", description_en="Empty yet")
    first = articles()
    first[0].summary = "Kurz: «Zitat» & mehr: ja"
    first[0].review_by = __import__("datetime").date(2027, 1, 31)
    db.session.commit()

    def snapshot():
        categories = db.session.execute(db.select(Category).order_by(Category.slug)).scalars()
        return [(a.title, a.slug, a.category.slug, a.tags, a.lang, a.status, a.body_md, a.summary, a.review_by)
                for a in articles()] + [tuple(getattr(c, key) for key in markdown_folder.CATEGORY_FIELDS)
                                        for c in categories]
    before = snapshot()
    out = tmp_path / "export"
    assert markdown_folder.export_folder(out, echo=lambda line: None) == len(articles()) == 45
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".md")) == ["categories.yaml"]
    for table in (ArticleRevision, Article, Category):
        db.session.execute(db.delete(table))
    db.session.commit()
    report = markdown_folder.import_folder(out, echo=lambda line: None)
    assert len(report.created) == 45 and not report.failed and report.categories["created"] == 8
    assert snapshot() == before
    wlan = db.session.execute(db.select(Category).where(Category.slug == "wlan")).scalar_one()
    assert (wlan.name_de, wlan.name_en, wlan.icon) == ("WLAN", "Wi-Fi", "wifi")
    again = markdown_folder.import_folder(out, echo=lambda line: None)
    assert again.categories == {"created": 0, "updated": 0, "unchanged": 8} and len(again.unchanged) == 45


def test_categories_file_updates_names_and_reports_bad_entries(app, tmp_path):
    make_category("wlan", name_de="Wlan", icon="help")
    db.session.commit()
    write(tmp_path, "categories.yaml", "- slug: wlan\n  name_de: WLAN\n  name_en: Wi-Fi\n  icon: wifi\n"
                                       "- slug: Kaputt Slug\n  name_de: X\n"
                                       "- slug: tv\n  name_de: TV\n  icon: '<svg>'\n"
                                       "- slug: umzug\n  name_de: Umzug\n  position: 7\n")
    write(tmp_path, "a.md", GOOD)
    lines: list[str] = []
    report = markdown_folder.import_folder(tmp_path, echo=lines.append)
    assert report.categories == {"created": 1, "updated": 1, "unchanged": 0}
    assert [reason for name, reason in report.failed if name == "categories.yaml"] == [
        "ungültige Kategorie «Kaputt Slug»", "tv: ungültiges Symbol «<svg>»"]
    assert report.created == ["a.md"]
    wlan = db.session.execute(db.select(Category).where(Category.slug == "wlan")).scalar_one()
    assert (wlan.name_de, wlan.name_en, wlan.icon) == ("WLAN", "Wi-Fi", "wifi")
    assert articles()[0].category.name_de == "WLAN"
    umzug = db.session.execute(db.select(Category).where(Category.slug == "umzug")).scalar_one()
    assert (umzug.name_en, umzug.position) == ("Umzug", 7)


@pytest.mark.parametrize("text", ["- slug: [kaputt\n", "slug: wlan\n"])
def test_broken_categories_file_is_reported_and_articles_still_import(app, tmp_path, text):
    write(tmp_path, "categories.yaml", text)
    write(tmp_path, "a.md", GOOD)
    report = markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    assert [name for name, _ in report.failed] == ["categories.yaml"] and report.created == ["a.md"]


def test_cli_import_progress_counts_and_failures(app, runner, tmp_path):
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", "---\ncategory: wlan\n---\nKein Titel\n")
    result = runner.invoke(args=["content", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "[1/2] a.md: neu" in result.output and "[2/2] b.md: FEHLER – Titel fehlt" in result.output
    assert "1 neu, 0 aktualisiert, 0 unverändert, 1 fehlgeschlagen" in result.output
    assert "Traceback" not in result.output
    (tmp_path / "b.md").unlink()
    result = runner.invoke(args=["content", "import", str(tmp_path)])
    assert result.exit_code == 0 and "0 neu, 0 aktualisiert, 1 unverändert, 0 fehlgeschlagen" in result.output


def test_cli_missing_directory_is_one_line_error(app, runner, tmp_path):
    result = runner.invoke(args=["content", "import", str(tmp_path / "fehlt")])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [f"Error: Ordner nicht gefunden: {tmp_path / 'fehlt'}"]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_export_writes_front_matter(app, runner, tmp_path):
    write(tmp_path, "a.md", GOOD)
    markdown_folder.import_folder(tmp_path, echo=lambda line: None)
    result = runner.invoke(args=["content", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "wlan-passwort-aendern.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: WLAN-Passwort ändern\nslug: wlan-passwort-aendern\ncategory: wlan\n"
                           "tags: [wlan, passwort, router]\nlang: de\nstatus: published\n---\n## Schritte")
    (tmp_path / "file").write_text("x")
    result = runner.invoke(args=["content", "export", str(tmp_path / "file")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_demo_load_twice_same_count_second_unchanged(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Artikel: 45 neu, 0 aktualisiert, 0 unverändert, 0 fehlgeschlagen" in first.output
    count = len(articles())
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "Artikel: 0 neu, 0 aktualisiert, 45 unverändert, 0 fehlgeschlagen" in second.output
    assert len(articles()) == count == 45
    assert db.session.execute(db.select(Category).where(Category.slug == "wlan")).scalar_one().name_de == "WLAN"


@pytest.mark.parametrize("text", ["---\ntitle: x\n", "---\n- a\n- b\n---\nText"])
def test_parse_rejects_broken_front_matter(text):
    with pytest.raises(markdown_folder.FileError):
        markdown_folder.parse_text(text)
