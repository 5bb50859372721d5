"""Atom feeds of new and updated content.

Other packages add entries to ``/feeds/neu.atom`` without kb importing them: they call
``register_feed_source(fn)`` in their ``init_app``, where ``fn(limit) -> list[FeedEntry]`` runs inside the request
(so it may use url_for with _external=True). The XML is built with xml.etree, which escapes every text.
"""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _

from core.extensions import db

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_LIMIT = 50

bp = Blueprint("feeds", __name__, url_prefix="/feeds")


@dataclass
class FeedEntry:
    kind: str  # article | video | question | …
    key: str  # stable per record within its kind, e.g. the primary key
    title: str
    url: str  # absolute
    updated: datetime  # naive UTC (core.models.utcnow)
    published: datetime | None = None
    summary: str = ""
    lang: str | None = None
    category: str | None = None


FeedSource = Callable[[int], list[FeedEntry]]
_sources: dict[str, FeedSource] = {}


def register_feed_source(fn: FeedSource, name: str | None = None) -> FeedSource:
    """Add a source to the "new content" feed; registering the same function again replaces it (idempotent)."""
    _sources[name or f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def feed_sources() -> dict[str, FeedSource]:
    return dict(_sources)


# --- kb's own sources --------------------------------------------------------------------------------------

def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def article_entries(limit: int) -> list[FeedEntry]:
    from content.render import html_to_text
    from kb.models import Article

    query = (db.select(Article).where(Article.status == "published")
             .order_by(Article.updated_at.desc(), Article.id.desc()).limit(limit))
    return [FeedEntry(kind="article", key=str(a.id), title=a.title,
                      url=url_for("kb.article", slug=a.slug, _external=True), updated=a.updated_at,
                      published=a.published_at or a.created_at,
                      summary=_excerpt(a.summary or html_to_text(a.body_html)), lang=a.lang,
                      category=a.category.name_de if a.category else None)
            for a in db.session.execute(query).scalars()]


def video_entries(limit: int) -> list[FeedEntry]:
    from kb.videos.models import Video

    query = (db.select(Video).where(Video.status == "published")
             .order_by(Video.updated_at.desc(), Video.id.desc()).limit(limit))
    return [FeedEntry(kind="video", key=str(video.id), title=video.title,
                      url=url_for("videos.detail", id=video.provider_id, _external=True),
                      updated=video.updated_at, published=video.created_at, summary=_excerpt(video.description),
                      lang=video.lang, category=video.category.name_de if video.category else None)
            for video in db.session.execute(query).scalars()]


register_feed_source(article_entries, "kb.articles")
register_feed_source(video_entries, "kb.videos")


# --- Atom ---------------------------------------------------------------------------------------------------

def _timestamp(value: datetime) -> str:
    return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _entry_id(entry: FeedEntry) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{request.host_url}#{entry.kind}/{entry.key}"))


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def atom_document(title: str, self_url: str, entries: list[FeedEntry]) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: "de"})
    _sub(feed, "title", title)
    _sub(feed, "id", self_url)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=url_for("kb.home", _external=True))
    _sub(feed, "updated", _timestamp(max((e.updated for e in entries), default=datetime(2024, 1, 1))))
    author = _sub(feed, "author")
    _sub(author, "name", current_app.config["SITE_NAME"])
    _sub(feed, "generator", "Hilfe-Center")
    for entry in entries:
        item = _sub(feed, "entry")
        if entry.lang:
            item.set(XML_LANG, entry.lang)
        _sub(item, "id", _entry_id(entry))
        _sub(item, "title", entry.title)
        _sub(item, "link", rel="alternate", type="text/html", href=entry.url)
        _sub(item, "updated", _timestamp(entry.updated))
        if entry.published:
            _sub(item, "published", _timestamp(entry.published))
        _sub(item, "category", term=entry.kind)
        if entry.category:
            _sub(item, "category", term=entry.category)
        if entry.summary:
            _sub(item, "summary", entry.summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _newest(entries: list[FeedEntry], limit: int = FEED_LIMIT) -> list[FeedEntry]:
    return sorted(entries, key=lambda e: e.updated, reverse=True)[:limit]


def _atom_response(body: bytes) -> Response:
    """Feed readers poll: an ETag lets them get a 304 instead of the whole document."""
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/neu.atom")
def new_content():
    entries: list[FeedEntry] = []
    for source in feed_sources().values():
        entries.extend(source(FEED_LIMIT))
    return _atom_response(atom_document(_("Neue Inhalte im Hilfe-Center"),
                                        url_for("feeds.new_content", _external=True), _newest(entries)))


@bp.route("/artikel.atom")
def articles():
    return _atom_response(atom_document(_("Neue und aktualisierte Artikel"),
                                        url_for("feeds.articles", _external=True),
                                        _newest(article_entries(FEED_LIMIT))))
