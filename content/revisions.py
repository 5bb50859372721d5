"""Revisions: a full snapshot per save, a readable diff between any two, and the numbering."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from core.extensions import db
from kb.models import Article, ArticleRevision, Category

SNAPSHOT_FIELDS = ("title", "slug", "summary", "category_id", "tags", "lang", "body_md", "status")


def next_number(article: Article) -> int:
    if article.id is None:
        return 1
    current = db.session.execute(
        db.select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)).scalar()
    return (current or 0) + 1


def write_revision(article: Article, actor, note: str, *, proposal=None) -> ArticleRevision:
    """Snapshot the article as it is now (call after the change); numbers count up per article.

    With ``proposal`` (validated ArticleData) the snapshot holds that data instead, marked as proposed: a change
    to a published article that waits for review while the article itself stays as it is."""
    db.session.flush()
    values = {name: (list(getattr(article, name) or []) if name == "tags" else getattr(article, name))
              for name in SNAPSHOT_FIELDS}
    if proposal is not None:
        values.update(title=proposal.title, slug=proposal.slug, summary=proposal.summary,
                      category_id=proposal.category.id, tags=list(proposal.tags), lang=proposal.lang,
                      body_md=proposal.body_md)
    revision = ArticleRevision(
        article_id=article.id, number=next_number(article), author_id=getattr(actor, "id", None), note=note[:200],
        proposed=proposal is not None, **values)
    db.session.add(revision)
    db.session.flush()
    return revision


def revisions_of(article: Article) -> list[ArticleRevision]:
    return list(db.session.execute(
        db.select(ArticleRevision).where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.number.desc())).scalars())


def get_revision(article: Article, number: int) -> ArticleRevision | None:
    return db.session.execute(db.select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number == number)).scalar_one_or_none()


def live_revision_number(article: Article) -> int | None:
    """The newest revision that was the article itself (not a proposal): what customers see now."""
    return db.session.execute(db.select(func.max(ArticleRevision.number)).where(
        ArticleRevision.article_id == article.id, ArticleRevision.proposed.is_(False))).scalar()


FIELD_LABELS = {
    "title": _l("Titel"), "slug": _l("Adresse (Slug)"), "summary": _l("Zusammenfassung"),
    "category": _l("Kategorie"), "tags": _l("Schlagwörter"), "lang": _l("Sprache"), "status": _l("Status"),
}


@dataclass
class DiffLine:
    kind: str  # "same" | "del" | "ins" | "gap"
    old_no: int | None = None
    new_no: int | None = None
    text: str = ""


@dataclass
class RevisionDiff:
    old: ArticleRevision
    new: ArticleRevision
    fields: list[tuple[str, str, str, str]] = field(default_factory=list)  # (key, label, old, new)
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.fields and not any(line.kind in ("del", "ins") for line in self.lines)


def _field_value(revision: ArticleRevision, key: str) -> str:
    if key == "category":
        category = db.session.get(Category, revision.category_id)
        return category.slug if category else str(revision.category_id)
    if key == "tags":
        return ", ".join(revision.tags or [])
    return str(getattr(revision, key) or "")


def diff_revisions(old: ArticleRevision, new: ArticleRevision, context: int = 3) -> RevisionDiff:
    """Changed fields plus a line-based diff of the Markdown (plain text; templates escape it)."""
    result = RevisionDiff(old=old, new=new)
    for key, label in FIELD_LABELS.items():
        before, after = _field_value(old, key), _field_value(new, key)
        if before != after:
            result.fields.append((key, str(label), before, after))
    a, b = (old.body_md or "").splitlines(), (new.body_md or "").splitlines()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(context))
    for index, group in enumerate(groups):
        if index or (group and (group[0][1] > 0 or group[0][3] > 0)):
            result.lines.append(DiffLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result.lines.extend(DiffLine("same", i + 1, j1 + (i - i1) + 1, a[i]) for i in range(i1, i2))
                continue
            if tag in ("replace", "delete"):
                result.lines.extend(DiffLine("del", i + 1, None, a[i]) for i in range(i1, i2))
            if tag in ("replace", "insert"):
                result.lines.extend(DiffLine("ins", None, j + 1, b[j]) for j in range(j1, j2))
    if groups and groups[-1][-1][2] < len(a):
        result.lines.append(DiffLine("gap"))
    return result
