"""Test data for the knowledge base's customer side: status banners (videos: tests.factories_videos). Flush only."""
from __future__ import annotations

from core.extensions import db
from kb.models import StatusBanner


def make_banner(title: str = "Störung Internet", active: bool = True, level: str = "outage", **fields) -> StatusBanner:
    banner = StatusBanner(title=title, active=active, level=level, **fields)
    db.session.add(banner)
    db.session.flush()
    return banner
