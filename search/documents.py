"""One small indexer per content type: which model it watches, which related models re-index it, and how a
record becomes a search Document. Only published / visible records ever become documents."""
from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import current_app, has_request_context, url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from content.render import html_to_text
from search.backend import Document


def build_url(endpoint: str, fallback: str, **values) -> str:
    """A URL for an endpoint if the app has it (also outside requests), else the fallback path."""
    try:
        if has_request_context():
            return url_for(endpoint, **values)
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except Exception:
        return fallback


@dataclass
class ContentIndexer:
    type: str
    model: type
    load: Callable[[Session, list[int]], dict[int, Document | None]]  # id → document (None: not searchable)
    all_ids: Callable[[Session], list[int]]
    related: dict[type, Callable[[object], list[int]]] = field(default_factory=dict)

    def keys_for(self, obj) -> list[str]:
        if isinstance(obj, self.model):
            return [f"{self.type}:{obj.id}"] if getattr(obj, "id", None) is not None else []
        for cls, fn in self.related.items():
            if isinstance(obj, cls):
                return [f"{self.type}:{i}" for i in fn(obj) if i is not None]
        return []


def _stamp(value) -> str:
    return value.isoformat() if value else ""


def _version(record, *more) -> str:
    """Changes whenever what the index holds of the record changes: its own update time plus what comes from
    related records (the category slug, a question's answers), so `flask search check` sees those go stale."""
    return "|".join([_stamp(getattr(record, "updated_at", None)), *(str(m) for m in more)])


def _category_slug(record) -> str:
    category = getattr(record, "category", None)
    return category.slug if category is not None else ""


# -- articles -----------------------------------------------------------------------------------------------------
def _article_indexer() -> ContentIndexer:
    from kb.models import Article

    def load(session: Session, ids: list[int]) -> dict[int, Document | None]:
        out: dict[int, Document | None] = dict.fromkeys(ids)
        for a in session.execute(select(Article).where(Article.id.in_(ids))).scalars():
            if a.status != "published":
                continue
            out[a.id] = Document(
                key=f"article:{a.id}", type="article", obj_id=a.id, slug=a.slug, title=a.title,
                url=build_url("kb.article", f"/artikel/{a.slug}", slug=a.slug), lang=a.lang or "de",
                category=_category_slug(a), tags=list(a.tags or []), summary=a.summary or "",
                body=html_to_text(a.body_html), version=_version(a, _category_slug(a)))
        return out

    def all_ids(session: Session) -> list[int]:
        return list(session.execute(select(Article.id).where(Article.status == "published")).scalars())

    return ContentIndexer("article", Article, load, all_ids)


# -- videos -------------------------------------------------------------------------------------------------------
def _video_indexer() -> ContentIndexer | None:
    if importlib.util.find_spec("kb.videos.models") is None:
        return None
    from kb.videos.models import Video

    def load(session: Session, ids: list[int]) -> dict[int, Document | None]:
        out: dict[int, Document | None] = dict.fromkeys(ids)
        for v in session.execute(select(Video).where(Video.id.in_(ids))).scalars():
            if v.status != "published":
                continue
            chapters = [(int(c.get("start") or 0), str(c.get("title") or "")) for c in (v.chapters or [])]
            cues = [(int(c.get("start") or 0), str(c.get("text") or "")) for c in (v.transcript or [])]
            body = "\n".join([v.description or "", *(t for _, t in chapters), *(t for _, t in cues)])
            out[v.id] = Document(
                key=f"video:{v.id}", type="video", obj_id=v.id, slug=v.provider_id, title=v.title,
                url=build_url("videos.detail", f"/videos/{v.provider_id}", id=v.provider_id), lang=v.lang or "de",
                category=_category_slug(v), tags=list(v.tags or []), summary=(v.description or "")[:300],
                body=body, cues=cues, chapters=chapters, version=_version(v, _category_slug(v)))
        return out

    def all_ids(session: Session) -> list[int]:
        return list(session.execute(select(Video.id).where(Video.status == "published")).scalars())

    return ContentIndexer("video", Video, load, all_ids)


# -- forum questions ----------------------------------------------------------------------------------------------
SOLVED_BOOST = 1.5


def _question_indexer() -> ContentIndexer | None:
    if importlib.util.find_spec("community.models") is None:
        return None
    module = importlib.import_module("community.models")
    Question = getattr(module, "Question", None)
    Answer = getattr(module, "Answer", None)
    if Question is None:
        return None

    def load(session: Session, ids: list[int]) -> dict[int, Document | None]:
        out: dict[int, Document | None] = dict.fromkeys(ids)
        for q in session.execute(select(Question).where(Question.id.in_(ids))).scalars():
            if not q.is_visible:
                continue
            visible = [a for a in q.answers if a.is_visible]
            latest = max((a.updated_at for a in q.answers if a.updated_at), default=None)
            # answers are indexed with their question: their number, visibility and edits make its version
            version = _version(q, _category_slug(q), f"{len(visible)}/{len(q.answers)}", _stamp(latest),
                               "solved" if q.is_solved else "open", ",".join(q.tag_names))
            out[q.id] = Document(
                key=f"question:{q.id}", type="question", obj_id=q.id, slug=str(q.id), title=q.title,
                url=build_url("community.question", f"/community/fragen/{q.id}", question_id=q.id), lang="de",
                category=_category_slug(q), tags=list(q.tag_names), summary=html_to_text(q.body_html)[:300],
                body="\n".join([html_to_text(q.body_html), *(html_to_text(a.body_html) for a in visible)]),
                boost=SOLVED_BOOST if q.is_solved else 1.0, version=version)
        return out

    def all_ids(session: Session) -> list[int]:
        return list(session.execute(select(Question.id).where(Question.is_hidden.is_(False))).scalars())

    related = {Answer: lambda a: [a.question_id]} if Answer is not None else {}
    return ContentIndexer("question", Question, load, all_ids, related=related)


_registry: list[ContentIndexer] | None = None


def registry() -> list[ContentIndexer]:
    global _registry
    if _registry is None:
        _registry = [i for i in (_article_indexer(), _video_indexer(), _question_indexer()) if i is not None]
    return _registry


def keys_for(obj, new: bool = False) -> list[str]:
    """The index keys a changed record touches. A category whose slug changed gives "category:<id>", which
    load_keys expands to everything filed under it (resolving that here would lazy-load inside the flush);
    a ``new`` category has nothing filed under it yet."""
    from kb.models import Category

    if isinstance(obj, Category):
        renamed = not new and inspect(obj).attrs.slug.history.has_changes()
        return [f"category:{obj.id}"] if obj.id is not None and renamed else []
    for indexer in registry():
        keys = indexer.keys_for(obj)
        if keys:
            return keys
    return []


def load_keys(session: Session, keys: list[str]) -> tuple[list[Document], list[str]]:
    """Documents for the searchable records among ``keys``; every other key (deleted, unpublished, hidden)
    is returned for deletion."""
    by_type: dict[str, list[int]] = {}
    for key in set(keys):
        kind, _, raw = key.partition(":")
        if raw.isdigit():
            by_type.setdefault(kind, []).append(int(raw))
    categories = by_type.pop("category", [])
    if categories:
        for indexer in registry():
            column = getattr(indexer.model, "category_id", None)
            if column is not None:
                by_type.setdefault(indexer.type, []).extend(
                    session.execute(select(indexer.model.id).where(column.in_(categories))).scalars())
    docs: list[Document] = []
    deletes: list[str] = []
    for indexer in registry():
        ids = by_type.get(indexer.type)
        if not ids:
            continue
        for i, doc in indexer.load(session, sorted(set(ids))).items():
            if doc is None:
                deletes.append(f"{indexer.type}:{i}")
            else:
                docs.append(doc)
    return docs, deletes


def iter_all(session: Session, batch: int = 200) -> Iterator[Document]:
    for indexer in registry():
        ids = indexer.all_ids(session)
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            for doc in indexer.load(session, chunk).values():
                if doc is not None:
                    yield doc
            session.expunge_all()


def count_all(session: Session) -> int:
    return sum(len(indexer.all_ids(session)) for indexer in registry())


def vocabulary(session: Session) -> Iterator[str]:
    """The texts the decompounding word list is built from: everything that gets indexed."""
    for doc in iter_all(session):
        yield f"{doc.title} {' '.join(doc.tags)} {doc.summary} {doc.body}"
