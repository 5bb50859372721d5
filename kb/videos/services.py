"""Video queries and editor actions. Functions that change data add to the session; the caller commits."""
from __future__ import annotations

import ipaddress
import json
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import update
from werkzeug.security import safe_join

from core.errors import DomainError, NotFound, PermissionDenied
from core.extensions import db
from core.models import AuditLog
from core.permissions import is_editor
from kb.models import Article, Category
from kb.videos.models import Video, VideoImport

STATUSES = ("published", "hidden")
TAG_RE = re.compile(r"^[\w][\w .+-]{0,39}$", re.UNICODE)
PLACEHOLDER = "img/video-placeholder.svg"
RELATED_LIMIT = 5
EMBED_BASE = "https://www.youtube-nocookie.com/embed/"


# --- queries ---------------------------------------------------------------------------------------------------

def published_videos(category: Category | None = None, *, include_hidden: bool = False):
    query = db.select(Video)
    if not include_hidden:
        query = query.where(Video.status == "published")
    if category is not None:
        query = query.where(Video.category_id == category.id)
    return query.order_by(Video.title)


def find_video(provider_id: str, *, include_hidden: bool = False) -> Video | None:
    """By provider id (YouTube first when two providers share an id); hidden only for editors' views."""
    if not provider_id or len(provider_id) > 120:
        return None
    query = db.select(Video).where(Video.provider_id == provider_id)
    if not include_hidden:
        query = query.where(Video.status == "published")
    videos = list(db.session.execute(query).scalars())
    videos.sort(key=lambda v: (v.provider != "youtube", v.id))
    return videos[0] if videos else None


def visible_video(provider_id: str, user) -> Video:
    """The video for this visitor: hidden ones exist only for editors."""
    video = find_video(provider_id, include_hidden=is_editor(user))
    if video is None:
        raise NotFound(_("Video nicht gefunden."))
    return video


def count_view(video: Video) -> None:
    """Our own view counter: one cheap UPDATE, no read-modify-write race. updated_at stays as it is (its
    onupdate would otherwise move every viewed video to the top of the "new content" feed)."""
    db.session.execute(update(Video).where(Video.id == video.id)
                       .values(view_count=Video.view_count + 1, updated_at=Video.updated_at)
                       .execution_options(synchronize_session=False))


def related_articles(video: Video, limit: int = RELATED_LIMIT) -> list[Article]:
    """Published articles sharing the category or a tag; most shared tags first, same category next."""
    tags = {t.lower() for t in video.tags or []}
    query = db.select(Article).where(Article.status == "published")
    if video.category_id is None and not tags:
        return []
    candidates = list(db.session.execute(query.order_by(Article.title)).scalars()) if tags else list(
        db.session.execute(query.where(Article.category_id == video.category_id).order_by(Article.title)).scalars())

    def rank(article: Article):
        overlap = len(tags & {t.lower() for t in article.tags or []})
        return (-overlap, article.category_id != video.category_id, article.lang != video.lang, article.title)

    related = [a for a in candidates if a.category_id == video.category_id
               or tags & {t.lower() for t in a.tags or []}]
    return sorted(related, key=rank)[:limit]


def parse_start(raw: str | None, duration: int | None = None) -> int:
    """?t=SECONDS (also 90s or 1m30s); anything else means the beginning."""
    if not raw:
        return 0
    raw = raw.strip().lower()
    match = re.fullmatch(r"(?:(\d{1,4})m)?(\d{1,6})s?", raw) or re.fullmatch(r"(\d{1,4})m()", raw)
    if not match:
        return 0
    seconds = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if duration and seconds >= duration:
        return 0
    return seconds


def format_time(seconds) -> str:
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds) -> str:
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


# --- URLs and files ---------------------------------------------------------------------------------------------

def local_url(endpoint: str, **values) -> str:
    """url_for in a request; outside one (the CLI) a plain path without SERVER_NAME, with the same URL defaults
    (hashed static file names)."""
    if has_request_context():
        return url_for(endpoint, **values)
    current_app.inject_url_defaults(endpoint, values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def detail_url(video: Video, start: int = 0, external: bool = False) -> str:
    values = {"id": video.provider_id}
    if start:
        values["t"] = start
    if external and has_request_context():
        return url_for("videos.detail", _external=True, **values)
    return local_url("videos.detail", **values)


def is_self_hosted(video: Video) -> bool:
    return bool(video.media_path and media_file(video.media_path))


def can_embed(video: Video) -> bool:
    return video.provider == "youtube" and bool(re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video.provider_id))


def is_demo(video: Video) -> bool:
    """Demo fixtures (ids starting with "hc") have no real video behind them."""
    return video.provider_id.startswith("hc")


def embed_url(video: Video) -> str:
    return EMBED_BASE + video.provider_id


def poster_url(video: Video) -> str:
    if video.thumbnail_path and media_file(video.thumbnail_path):
        return local_url("videos.thumbnail", id=video.provider_id)
    return local_url("static", filename=PLACEHOLDER)


def media_file(relative: str | None) -> Path | None:
    """A stored relative path resolved safely under MEDIA_DIR (None if it escapes or does not exist)."""
    if not relative:
        return None
    joined = safe_join(current_app.config["MEDIA_DIR"], relative)
    if joined is None:
        return None
    path = Path(joined)
    return path if path.is_file() else None


def caption_tracks(video: Video) -> list[dict]:
    tracks = []
    for index, track in enumerate(video.caption_tracks or []):
        if isinstance(track, dict) and media_file(track.get("path")):
            tracks.append({**track, "index": index,
                           "url": local_url("videos.caption", id=video.provider_id, index=index)})
    return tracks


# --- structured data --------------------------------------------------------------------------------------------

def json_ld(video: Video) -> str:
    """VideoObject with a Clip per chapter; safe inside <script type="application/ld+json">."""
    page = detail_url(video, external=True)
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": video.title,
        "description": video.description or video.title,
        "thumbnailUrl": [url_for("static", filename=PLACEHOLDER, _external=True)
                         if not (video.thumbnail_path and media_file(video.thumbnail_path))
                         else url_for("videos.thumbnail", id=video.provider_id, _external=True)],
        "uploadDate": (video.upload_date or video.created_at.date()).isoformat(),
        "url": page,
        "inLanguage": video.lang,
        "interactionStatistic": {"@type": "InteractionCounter",
                                 "interactionType": {"@type": "WatchAction"},
                                 "userInteractionCount": video.view_count or 0},
    }
    if video.duration:
        data["duration"] = iso_duration(video.duration)
    if is_self_hosted(video):
        data["contentUrl"] = url_for("videos.media", id=video.provider_id, _external=True)
    elif can_embed(video):
        data["embedUrl"] = embed_url(video)
    if video.transcript:
        data["transcript"] = " ".join(cue["text"] for cue in video.transcript)[:5000]
    clips = []
    for chapter in video.chapters or []:
        start = int(chapter["start"])
        clip = {"@type": "Clip", "name": chapter["title"], "startOffset": start,
                "url": detail_url(video, start=start, external=True)}
        if chapter.get("end") is not None:
            clip["endOffset"] = int(round(chapter["end"]))
        clips.append(clip)
    if clips:
        data["hasPart"] = clips
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- editor actions ---------------------------------------------------------------------------------------------

def parse_tags(raw: str | list | None) -> list[str]:
    items = raw if isinstance(raw, list) else re.split(r"[,\n]", raw or "")
    tags: list[str] = []
    for item in items:
        tag = str(item).strip().lower()
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise DomainError(_("Ungültiges Schlagwort: %(tag)s", tag=tag[:40]), code="invalid_tag")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > 20:
        raise DomainError(_("Höchstens 20 Schlagwörter."), code="too_many_tags")
    return tags


def curate(actor, video: Video, *, category_slug: str | None, tags: str | list | None,
           status: str | None = None) -> Video:
    """An editor sets category and tags (imports keep them from now on) and optionally the status."""
    if not is_editor(actor):
        raise PermissionDenied("Nur für Redaktion.")
    category = None
    if category_slug:
        category = db.session.execute(db.select(Category).where(Category.slug == category_slug)).scalar_one_or_none()
        if category is None:
            raise DomainError(_("Unbekannte Kategorie."), code="invalid_category")
    new_tags = parse_tags(tags)
    before = {"category": video.category.slug if video.category else None, "tags": list(video.tags or []),
              "status": video.status}
    video.category = category
    video.tags = new_tags
    video.editor_curated = True
    if status is not None:
        set_status(actor, video, status, audit=False)
    db.session.add(AuditLog(actor_id=actor.id, action="video.curate", target_type="video", target_id=video.id,
                            details={"before": before, "after": {"category": category_slug or None,
                                                                 "tags": new_tags, "status": video.status}}))
    return video


def set_status(actor, video: Video, status: str, *, audit: bool = True) -> Video:
    if not is_editor(actor):
        raise PermissionDenied("Nur für Redaktion.")
    if status not in STATUSES:
        raise DomainError(_("Ungültiger Status."), code="invalid_status")
    if audit and status != video.status:
        db.session.add(AuditLog(actor_id=actor.id, action=f"video.{'hide' if status == 'hidden' else 'show'}",
                                target_type="video", target_id=video.id,
                                details={"before": video.status, "after": status}))
    video.status = status
    return video


# --- imports from the editor page ---------------------------------------------------------------------------

IMPORT_URL_MAX = 1000


def check_import_url(raw: str | None) -> str:
    """An http(s) address of a video, playlist or channel (files on the server are for the CLI only)."""
    url = (raw or "").strip()
    parts = urlsplit(url) if len(url) <= IMPORT_URL_MAX else None
    if (parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.hostname
            or any(ch.isspace() or ord(ch) < 32 for ch in url)):
        raise DomainError(_("Bitte geben Sie die vollständige Adresse (http:// oder https://) eines Videos, einer "
                            "Playlist oder eines Kanals an."), code="invalid_url", status=422,
                          details={"source": "invalid_url"})
    refuse_internal_host(parts.hostname)
    return url


def refuse_internal_host(host: str) -> None:
    """No imports from our own network (server-side request forgery): a host that resolves to a loopback,
    private, link-local or otherwise non-public address is refused unless VIDEO_IMPORT_ALLOWED_HOSTS (comma
    separated) names it. A host that does not resolve passes here; the import then fails with a network error."""
    allowed = {h.strip().lower() for h in str(current_app.config.get("VIDEO_IMPORT_ALLOWED_HOSTS") or "").split(",")}
    if host.lower() in allowed - {""}:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise DomainError(_("Diese Adresse zeigt ins interne Netz (%(address)s); von dort importieren wir "
                                "nicht.", address=address), code="internal_address", status=422,
                              details={"source": "internal_address"})


def start_import(actor, source: str, *, download: bool = False, category_slug: str | None = None) -> VideoImport:
    """Record an import request (the caller commits, then enqueues kb.videos.jobs:import_source)."""
    if not is_editor(actor):
        raise PermissionDenied(_("Nur die Redaktion darf Videos importieren."))
    url = check_import_url(source)
    if category_slug and db.session.execute(
            db.select(Category.id).where(Category.slug == category_slug)).first() is None:
        raise DomainError(_("Unbekannte Kategorie."), code="invalid_category", status=422)
    record = VideoImport(source=url, download=bool(download), category_slug=category_slug or None,
                         requested_by_id=actor.id, status="queued", messages=[])
    db.session.add(record)
    db.session.flush()
    return record


def recent_imports(limit: int = 10) -> list[VideoImport]:
    return list(db.session.execute(db.select(VideoImport).order_by(VideoImport.created_at.desc(),
                                                                   VideoImport.id.desc()).limit(limit)).scalars())
