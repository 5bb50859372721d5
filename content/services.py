"""Creating and editing articles: validation, slugs (old ones keep working), rendering on save, revisions.
Every change to an Article record goes through here or content.workflow; callers commit."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import has_request_context
from flask_babel import gettext
from slugify import slugify
from sqlalchemy.orm.attributes import flag_modified

from content import permissions
from content.render import render_markdown
from content.revisions import get_revision, write_revision
from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import AuditLog, utcnow
from kb.models import ARTICLE_STATUSES, LANGUAGES, Article, ArticleRevision, Category, SlugRedirect



def _(message: str, **values) -> str:
    """gettext in requests; plain German (with the values filled in) in CLI commands and tests."""
    if has_request_context():
        return gettext(message, **values)
    return message % values if values else message


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 160
TITLE_MAX = 200
SUMMARY_MAX = 400
TAG_MAX = 40
TAGS_MAX = 20
UMLAUTS = [["ä", "ae"], ["ö", "oe"], ["ü", "ue"], ["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ß", "ss"]]


@dataclass
class ArticleData:
    """The editable fields of an article, as a form or a Markdown file supplies them."""

    title: str
    category: Category
    body_md: str = ""
    slug: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    lang: str = "de"
    review_by: date | None = None


def normalize_body(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def parse_tags(value) -> list[str]:
    """A list or a comma-separated string → trimmed, lower-case, unique tags in order."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    tags: list[str] = []
    for item in items:
        tag = " ".join(str(item).split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def make_slug(title: str) -> str:
    return slugify(title or "", replacements=UMLAUTS, max_length=SLUG_MAX, word_boundary=True) or "artikel"


def _article_by_slug(slug: str) -> Article | None:
    return db.session.execute(db.select(Article).where(Article.slug == slug)).scalar_one_or_none()


def _redirect_for(slug: str) -> SlugRedirect | None:
    return db.session.execute(db.select(SlugRedirect).where(SlugRedirect.old_slug == slug)).scalar_one_or_none()


def slug_problem(slug: str, article: Article | None = None) -> str | None:
    """Why this slug cannot be used for the article (None when it can)."""
    if not slug:
        return _("Bitte geben Sie eine Adresse (Slug) an.")
    if len(slug) > SLUG_MAX or not SLUG.match(slug):
        return _("Die Adresse darf nur Kleinbuchstaben (a–z), Ziffern und Bindestriche enthalten.")
    other = _article_by_slug(slug)
    if other is not None and (article is None or other.id != article.id):
        return _("Diese Adresse verwendet bereits der Artikel «%(title)s».", title=other.title)
    moved = _redirect_for(slug)
    if moved is not None and (article is None or moved.article_id != article.id):
        return _("Diese Adresse leitet bereits auf einen anderen Artikel weiter.")
    return None


def unique_slug(title: str, article: Article | None = None) -> str:
    base = make_slug(title)[:SLUG_MAX - 4].strip("-") or "artikel"
    candidate, n = base, 2
    while slug_problem(candidate, article):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def validate(data: ArticleData, article: Article | None = None) -> ArticleData:
    """Check and normalise the fields; raises DomainError(details={field: message}) on bad input."""
    errors: dict[str, str] = {}
    data.title = " ".join((data.title or "").split())
    if not data.title:
        errors["title"] = _("Bitte geben Sie einen Titel an.")
    elif len(data.title) > TITLE_MAX:
        errors["title"] = _("Der Titel darf höchstens %(n)d Zeichen lang sein.", n=TITLE_MAX)
    data.summary = " ".join((data.summary or "").split())
    if len(data.summary) > SUMMARY_MAX:
        errors["summary"] = _("Die Zusammenfassung darf höchstens %(n)d Zeichen lang sein.", n=SUMMARY_MAX)
    data.slug = (data.slug or "").strip()
    if not data.slug and data.title and "title" not in errors:
        data.slug = article.slug if article is not None else unique_slug(data.title)
    problem = slug_problem(data.slug, article)
    if problem:
        errors["slug"] = problem
    if data.category is None:
        errors["category"] = _("Bitte wählen Sie eine Kategorie.")
    if data.lang not in LANGUAGES:
        errors["lang"] = _("Unbekannte Sprache.")
    data.tags = parse_tags(data.tags)
    if len(data.tags) > TAGS_MAX or any(len(tag) > TAG_MAX for tag in data.tags):
        errors["tags"] = _("Höchstens %(n)d Schlagwörter mit je höchstens %(m)d Zeichen.", n=TAGS_MAX, m=TAG_MAX)
    data.body_md = normalize_body(data.body_md)
    if errors:
        raise DomainError(next(iter(errors.values())), code="invalid_article", details=errors)
    return data


def _render(article: Article) -> None:
    # Shortcodes stay markers in the stored HTML; kb expands them when serving (content.render.expand_shortcodes).
    rendered = render_markdown(article.body_md, defer_shortcodes=True)
    article.body_html = rendered.html
    article.toc_html = rendered.toc_html


def change_slug(article: Article, new_slug: str) -> None:
    """Move the article to a new slug; the old one answers 301 from now on."""
    old = article.slug
    if not old or old == new_slug:
        article.slug = new_slug
        return
    stale = _redirect_for(new_slug)
    if stale is not None:  # moving back to a former slug of this article
        db.session.delete(stale)
        db.session.flush()
    if _redirect_for(old) is None:
        db.session.add(SlugRedirect(old_slug=old, article_id=article.id))
    article.slug = new_slug


def _content(data: ArticleData) -> tuple:
    """What customers see of an article (the review date is internal)."""
    return (data.title, data.slug, data.summary, data.category.id if data.category else None, list(data.tags),
            data.lang, normalize_body(data.body_md))


def _article_content(article: Article) -> tuple:
    return (article.title, article.slug, article.summary or "", article.category_id, list(article.tags or []),
            article.lang, normalize_body(article.body_md))


def differs(article: Article, data: ArticleData) -> bool:
    return (_article_content(article), article.review_by) != (_content(data), data.review_by)


def apply(article: Article, data: ArticleData) -> None:
    """Copy validated data onto the article and render it (no permission check, no revision)."""
    if article.id is not None:
        change_slug(article, data.slug)
    else:
        article.slug = data.slug
    article.title = data.title
    article.summary = data.summary
    article.category = data.category
    article.category_id = data.category.id
    article.tags = list(data.tags)
    article.lang = data.lang
    article.review_by = data.review_by
    if article.body_md != data.body_md or not article.body_html:
        article.body_md = data.body_md
        _render(article)
    article.updated_at = utcnow()


def create_article(actor, data: ArticleData) -> Article:
    if not permissions.can_create(actor):
        raise PermissionDenied(_("Nur die Redaktion darf Artikel anlegen."))
    data = validate(data)
    article = Article(status="draft", author_id=actor.id, tags=[])
    apply(article, data)
    db.session.add(article)
    db.session.flush()
    write_revision(article, actor, "Erstellt")
    return article


# What a save did: SAVED (the article changed), PROPOSED (a change to a published article waits for review),
# UNCHANGED (nothing to save, no revision written).
SAVED, PROPOSED, UNCHANGED = "saved", "proposed", "unchanged"


def data_from_revision(revision: ArticleRevision, article: Article) -> ArticleData:
    return ArticleData(title=revision.title, slug=revision.slug, summary=revision.summary or "",
                       category=db.session.get(Category, revision.category_id), tags=list(revision.tags or []),
                       lang=revision.lang, body_md=revision.body_md, review_by=article.review_by)


def pending_data(article: Article) -> ArticleData | None:
    """The content of the change waiting for review (None when there is none)."""
    if article.pending_revision is None:
        return None
    revision = get_revision(article, article.pending_revision)
    return data_from_revision(revision, article) if revision is not None else None


def keep_updated_at(article: Article) -> None:
    """Changes that customers don't see (a proposal, a review date) must not move the article up in feeds."""
    article.updated_at = article.updated_at
    flag_modified(article, "updated_at")


def clear_pending(article: Article) -> None:
    article.pending_revision = None
    article.pending_by_id = None


def propose_change(actor, article: Article, data: ArticleData, note: str) -> str:
    """Record validated data as a change to the published article that another editor must publish. The
    review date is internal and applies at once; everything customers see stays as it is."""
    review_changed = article.review_by != data.review_by
    article.review_by = data.review_by
    current = pending_data(article)
    if _content(data) == (_content(current) if current is not None else _article_content(article)):
        if not review_changed:
            return UNCHANGED
        keep_updated_at(article)
        return SAVED
    revision = write_revision(article, actor, note, proposal=data)
    article.pending_revision = revision.number
    article.pending_by_id = actor.id
    keep_updated_at(article)
    db.session.add(AuditLog(actor_id=actor.id, action="article.propose_change", target_type="article",
                            target_id=article.id, details={"slug": article.slug, "revision": revision.number}))
    return PROPOSED


def _save(actor, article: Article, data: ArticleData, note: str) -> str:
    """Shared by edit and restore: a non-admin's change to a published article becomes a proposal; otherwise
    it is applied at once (an admin's save of a published article also settles a pending proposal)."""
    if permissions.edit_needs_review(actor, article):
        return propose_change(actor, article, data, note)
    had_pending = article.pending_revision is not None
    if not differs(article, data):
        if had_pending:  # an admin saved the live version as it is: the proposal is thereby declined
            clear_pending(article)
            keep_updated_at(article)
            return SAVED
        return UNCHANGED
    live_before = article.slug if article.status == "published" else None
    apply(article, data)
    clear_pending(article)
    revision = write_revision(article, actor, note)
    if live_before is not None:
        # Only admins get here for a published article: their edit goes live at once, traceably.
        db.session.add(AuditLog(actor_id=actor.id, action="article.edit_published", target_type="article",
                                target_id=article.id, details={"slug": article.slug, "revision": revision.number}))
    return SAVED


def update_article(actor, article: Article, data: ArticleData, note: str = "Bearbeitet") -> str:
    """Save an edit; returns SAVED, PROPOSED (published article, non-admin: waits for review) or UNCHANGED."""
    if not permissions.can_edit(actor, article):
        raise PermissionDenied(_("Nur die Redaktion darf Artikel bearbeiten."))
    data = validate(data, article)
    return _save(actor, article, data, note)


def restore_revision(actor, article: Article, number: int) -> str:
    """One-click restore: the old version's content becomes a new revision (the status stays as it is); for a
    published article edited by a non-admin that new revision is a proposal waiting for review."""
    if not permissions.can_restore(actor, article):
        raise PermissionDenied(_("Nur die Redaktion darf Versionen wiederherstellen."))
    revision = get_revision(article, number)
    if revision is None:
        raise NotFound(_("Diese Version gibt es nicht."))
    data = data_from_revision(revision, article)
    try:
        data = validate(data, article)
    except DomainError as error:
        raise DomainError(_("Version %(n)d kann nicht wiederhergestellt werden: %(reason)s", n=number,
                            reason=error.message), code="restore_failed") from error
    return _save(actor, article, data, f"Wiederhergestellt aus Version {number}")


def get_article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound(_("Diesen Artikel gibt es nicht."))
    return article


def categories() -> list[Category]:
    return list(db.session.execute(db.select(Category).order_by(Category.position, Category.name_de)).scalars())


STATUSES = ARTICLE_STATUSES


@dataclass
class Dashboard:
    my_drafts: list[Article]
    to_review: list[Article]
    changes_to_review: list[Article]
    due: list[Article]
    recent: list[Article]
    today: date


def _filtered(query, status: str | None, category_id: int | None):
    if status in ARTICLE_STATUSES:
        query = query.where(Article.status == status)
    if category_id:
        query = query.where(Article.category_id == category_id)
    return query


def dashboard(user, *, status: str | None = None, category_id: int | None = None, today: date | None = None,
              limit: int = 50) -> Dashboard:
    """The editor's start page: own drafts, others' submissions and changes to published articles this user may
    approve, articles due for review (review_by today or within 14 days, or overdue) and recently published ones."""
    from datetime import timedelta

    today = today or utcnow().date()

    def rows(query):
        return list(db.session.execute(_filtered(query, status, category_id).limit(limit)).scalars())

    my_drafts = rows(db.select(Article).where(Article.status == "draft", Article.author_id == user.id)
                     .order_by(Article.updated_at.desc()))
    waiting = rows(db.select(Article).where(Article.status == "review").order_by(Article.updated_at))
    changes = rows(db.select(Article).where(Article.pending_revision.is_not(None)).order_by(Article.title))
    due = rows(db.select(Article).where(Article.review_by.is_not(None), Article.status != "archived",
                                        Article.review_by <= today + timedelta(days=14))
               .order_by(Article.review_by, Article.title))
    recent = rows(db.select(Article).where(Article.status == "published", Article.published_at.is_not(None))
                  .order_by(Article.published_at.desc()).limit(10))
    return Dashboard(my_drafts=my_drafts, to_review=[a for a in waiting if permissions.can_publish(user, a)],
                     changes_to_review=[a for a in changes if permissions.can_publish_change(user, a)], due=due, recent=recent, today=today)


def article_list(*, status: str | None = None, category_id: int | None = None, q: str = ""):
    query = _filtered(db.select(Article), status, category_id)
    q = (q or "").strip()[:100]
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Article.title.ilike(pattern, escape="\\") | Article.slug.ilike(pattern, escape="\\"))
    return query.order_by(Article.updated_at.desc(), Article.id.desc())
