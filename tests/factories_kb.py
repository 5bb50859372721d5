"""Test data for the knowledge base's customer side: videos (read-only use), banners. Flush only."""
from __future__ import annotations

import itertools

from core.extensions import db
from kb.models import StatusBanner
from kb.videos.models import Video

_seq = itertools.count(1)


def make_video(category=None, title: str = "Router einrichten", duration: int | None = 125,
               status: str = "published", **fields) -> Video:
    n = next(_seq)
    video = Video(provider=fields.pop("provider", "youtube"), provider_id=fields.pop("provider_id", f"vid{n:08d}"),
                  title=title, duration=duration, status=status, category=category, **fields)
    db.session.add(video)
    db.session.flush()
    return video


def make_banner(title: str = "Störung Internet", active: bool = True, level: str = "outage", **fields) -> StatusBanner:
    banner = StatusBanner(title=title, active=active, level=level, **fields)
    db.session.add(banner)
    db.session.flush()
    return banner
