"""Markdown folder import/export (DESIGN §5): one file per article, YAML front matter, then the body.

    ---
    title: "WLAN-Passwort ändern"
    slug: wlan-passwort-aendern
    category: wlan
    tags: [wlan, passwort, router]
    lang: de
    status: published
    ---
    Body in Markdown…

Keys: title (required), category (required; created from the slug when missing), slug (default: the file
name), tags, lang (default de), status (default **draft**, so nothing goes live by accident), optional summary
and review_by (YYYY-MM-DD). Import upserts by slug; each file is its own transaction, so a bad file is
reported by name and leaves nothing half-written; an unchanged file writes nothing (idempotent).

Categories travel beside the articles in ``categories.yaml`` (a list of slug, name_de, name_en, icon, position,
description_de, description_en). Export writes it; import reads it first when present (upsert by slug), so
names and icons survive export → import. The article files keep exactly the format above.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from content.revisions import write_revision
from content.services import SLUG, ArticleData, apply, differs, normalize_body, parse_tags, validate
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from kb.models import ARTICLE_STATUSES, Article, Category

DEFAULT_STATUS = "draft"
KEYS = ("title", "slug", "category", "tags", "lang", "status", "summary", "review_by")
CATEGORIES_FILE = "categories.yaml"
CATEGORY_FIELDS = ("slug", "name_de", "name_en", "icon", "position", "description_de", "description_en")
ICON = re.compile(r"^[a-z0-9-]{1,40}$")


class FileError(Exception):
    """A file that cannot be imported; the message names the reason (the caller adds the file name)."""


@dataclass
class ParsedFile:
    meta: dict
    body: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    categories: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    def summary(self) -> str:
        return (f"{len(self.created)} neu, {len(self.updated)} aktualisiert, {len(self.unchanged)} unverändert, "
                f"{len(self.failed)} fehlgeschlagen")

    def categories_summary(self) -> str:
        counts = self.categories
        return (f"Kategorien: {counts['created']} neu, {counts['updated']} aktualisiert, "
                f"{counts['unchanged']} unverändert")


def parse_text(text: str) -> ParsedFile:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise FileError("Front Matter fehlt (die Datei muss mit --- beginnen)")
    end = text.find("\n---", 3)
    if end == -1:
        raise FileError("Front Matter wird nicht mit --- abgeschlossen")
    raw, rest = text[4:end], text[end + 4:]
    if rest and not rest.startswith("\n"):  # "---" must be a line of its own
        newline = rest.find("\n")
        if rest[:newline if newline != -1 else len(rest)].strip():
            raise FileError("Front Matter wird nicht mit --- abgeschlossen")
    try:
        meta = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (Zeile {mark.line + 2})" if mark is not None else ""
        raise FileError(f"ungültiges YAML im Front Matter{where}") from error
    if not isinstance(meta, dict):
        raise FileError("Front Matter ist keine Zuordnung von Schlüsseln zu Werten")
    return ParsedFile(meta=meta, body=normalize_body(rest))


def _text(meta: dict, key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise FileError(f"«{key}» muss ein Text sein")
    return str(value).strip()


def _review_by(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise FileError("«review_by» muss ein Datum JJJJ-MM-TT sein") from error


def _category(slug: str) -> Category:
    category = db.session.execute(db.select(Category).where(Category.slug == slug)).scalar_one_or_none()
    if category is None:
        name = slug.replace("-", " ").replace("_", " ").strip().title() or slug
        category = Category(slug=slug, name_de=name, name_en=name)
        db.session.add(category)
        db.session.flush()
    return category


def import_file(path: Path, parsed: ParsedFile) -> str:
    """Upsert one parsed file; returns "created", "updated" or "unchanged". Raises FileError/DomainError."""
    meta = parsed.meta
    title = _text(meta, "title")
    if not title:
        raise FileError("Titel fehlt (title)")
    category_slug = _text(meta, "category")
    if not category_slug:
        raise FileError("Kategorie fehlt (category)")
    status = _text(meta, "status") or DEFAULT_STATUS
    if status not in ARTICLE_STATUSES:
        raise FileError(f"unbekannter Status «{status}» (erlaubt: {', '.join(ARTICLE_STATUSES)})")
    tags = meta.get("tags") or []
    if not isinstance(tags, (list, str)):
        raise FileError("«tags» muss eine Liste sein")
    slug = _text(meta, "slug") or path.stem
    article = db.session.execute(db.select(Article).where(Article.slug == slug)).scalar_one_or_none()
    if len(category_slug) > 80 or not SLUG.match(category_slug):
        raise FileError(f"ungültige Kategorie «{category_slug}»")
    data = ArticleData(title=title, slug=slug, summary=_text(meta, "summary"), category=_category(category_slug),
                       tags=parse_tags([str(t) for t in tags] if isinstance(tags, list) else tags),
                       lang=_text(meta, "lang") or "de", body_md=parsed.body,
                       review_by=_review_by(meta.get("review_by")))
    data = validate(data, article)
    if article is not None and not differs(article, data) and article.status == status:
        return "unchanged"
    outcome = "updated" if article is not None else "created"
    if article is None:
        article = Article(status=status, tags=[])
        apply(article, data)
        db.session.add(article)
        db.session.flush()
    else:
        apply(article, data)
        article.status = status
    if status == "published" and article.published_at is None:
        article.published_at = utcnow()
    write_revision(article, None, "Import")
    return outcome


def category_values(entry) -> dict:
    """One entry of categories.yaml → validated Category fields; raises FileError."""
    if not isinstance(entry, dict):
        raise FileError("Eintrag ist keine Zuordnung")
    values = {key: entry.get(key) for key in CATEGORY_FIELDS if entry.get(key) is not None}
    slug = str(values.get("slug") or "").strip()
    if not slug or len(slug) > 80 or not SLUG.match(slug):
        raise FileError(f"ungültige Kategorie «{slug}»")
    for key in ("name_de", "name_en", "icon", "description_de", "description_en"):
        if key in values and isinstance(values[key], (dict, list)):
            raise FileError(f"{slug}: «{key}» muss ein Text sein")
        if key in values:
            values[key] = str(values[key]).strip()
    if not values.get("name_de"):
        raise FileError(f"{slug}: «name_de» fehlt")
    if len(values["name_de"]) > 120 or len(values.get("name_en", "")) > 120:
        raise FileError(f"{slug}: Name zu lang (höchstens 120 Zeichen)")
    if "icon" in values and not ICON.match(values["icon"]):
        raise FileError(f"{slug}: ungültiges Symbol «{values['icon']}»")
    if "position" in values and (isinstance(values["position"], bool) or not isinstance(values["position"], int)):
        raise FileError(f"{slug}: «position» muss eine ganze Zahl sein")
    values["slug"] = slug
    values.setdefault("name_en", values["name_de"])
    return values


def _upsert_category(values: dict) -> str:
    category = db.session.execute(db.select(Category).where(Category.slug == values["slug"])).scalar_one_or_none()
    if category is None:
        db.session.add(Category(**values))
        db.session.flush()
        return "created"
    if all(getattr(category, key) == value for key, value in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(category, key, value)
    db.session.flush()
    return "updated"


def import_categories(path: Path, report: ImportReport, echo: Callable[[str], None]) -> None:
    """Upsert the categories of categories.yaml (one transaction; a bad entry is reported, the rest imports)."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        report.failed.append((path.name, "ungültiges YAML"))
        echo(f"{path.name}: FEHLER – ungültiges YAML")
        return
    if not isinstance(entries, list):
        report.failed.append((path.name, "erwartet wird eine Liste von Kategorien"))
        echo(f"{path.name}: FEHLER – erwartet wird eine Liste von Kategorien")
        return
    try:
        for entry in entries:
            try:
                values = category_values(entry)
            except FileError as error:
                report.failed.append((path.name, str(error)))
                echo(f"{path.name}: FEHLER – {error}")
                continue
            report.categories[_upsert_category(values)] += 1
        db.session.commit()
    except Exception as error:  # a database error: no category half-written, the articles still import
        db.session.rollback()
        report.categories = {"created": 0, "updated": 0, "unchanged": 0}
        report.failed.append((path.name, f"{type(error).__name__}"))
        echo(f"{path.name}: FEHLER – {type(error).__name__}")
        return
    echo(f"{path.name}: {report.categories_summary()}")


def import_folder(directory: Path, echo: Callable[[str], None] = print) -> ImportReport:
    """Import categories.yaml (when present), then every *.md file (sorted by name); each file commits on its own
    or rolls back on its own."""
    report = ImportReport()
    if (Path(directory) / CATEGORIES_FILE).is_file():
        import_categories(Path(directory) / CATEGORIES_FILE, report, echo)
    files = sorted(p for p in Path(directory).glob("*.md") if p.is_file())
    total = len(files)
    for index, path in enumerate(files, 1):
        prefix = f"[{index}/{total}] {path.name}:"
        try:
            parsed = parse_text(path.read_text(encoding="utf-8"))
            outcome = import_file(path, parsed)
            db.session.commit()
        except (FileError, DomainError, UnicodeDecodeError, OSError) as error:
            db.session.rollback()
            reason = getattr(error, "message", None) or str(error)
            if isinstance(error, DomainError) and isinstance(error.details, dict):
                reason = "; ".join(f"{key}: {value}" for key, value in error.details.items())
            if isinstance(error, UnicodeDecodeError):
                reason = "keine UTF-8-Datei"
            report.failed.append((path.name, reason))
            echo(f"{prefix} FEHLER – {reason}")
            continue
        except Exception as error:  # a database error must not stop the other files either
            db.session.rollback()
            reason = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            report.failed.append((path.name, reason))
            echo(f"{prefix} FEHLER – {reason}")
            continue
        getattr(report, outcome).append(path.name)
        echo(f"{prefix} {dict(created='neu', updated='aktualisiert', unchanged='unverändert')[outcome]}")
    return report


def article_to_text(article: Article) -> str:
    meta = {"title": article.title, "slug": article.slug, "category": article.category.slug,
            "tags": list(article.tags or []), "lang": article.lang, "status": article.status}
    if article.summary:
        meta["summary"] = article.summary
    if article.review_by:
        meta["review_by"] = article.review_by
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return f"---\n{front}---\n{normalize_body(article.body_md)}\n"


def categories_to_text() -> str:
    categories = db.session.execute(db.select(Category).order_by(Category.position, Category.slug)).scalars()
    entries = [{key: getattr(category, key) for key in CATEGORY_FIELDS} for category in categories]
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)


def export_folder(directory: Path, echo: Callable[[str], None] = print) -> int:
    """Write categories.yaml and one Markdown file per article; returns the number of articles."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CATEGORIES_FILE).write_text(categories_to_text(), encoding="utf-8")
    echo(f"{CATEGORIES_FILE}")
    articles = list(db.session.execute(db.select(Article).order_by(Article.slug)).scalars())
    for index, article in enumerate(articles, 1):
        target = directory / f"{article.slug}.md"
        target.write_text(article_to_text(article), encoding="utf-8")
        echo(f"[{index}/{len(articles)}] {target.name}")
    return len(articles)


DEMO_ARTICLES = Path(__file__).resolve().parent / "demo" / "articles"


def load_demo_articles(echo: Callable[[str], None] = print) -> str:
    """The `flask demo load` step: the demo articles through the same importer (idempotent)."""
    report = import_folder(DEMO_ARTICLES, echo=lambda line: None)
    for name, reason in report.failed:
        echo(f"  {name}: {reason}")
    return f"Artikel: {report.summary()}"
