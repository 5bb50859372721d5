"""Builders for video test data (flush only; tests commit when a request must see the data)."""
from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

from core.extensions import db
from kb.videos.models import Video

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "content" / "demo" / "videos"
MEDIA_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "media"
_seq = itertools.count(1)

VTT = """WEBVTT

00:00:00.500 --> 00:00:04.000
Willkommen! Heute richten wir das Modem ein.

00:00:04.000 --> 00:00:09.500
Stecken Sie zuerst das Koaxialkabel ein.

00:01:30.000 --> 00:01:35.000
Jetzt leuchtet die LED weiss.
"""


def make_video(provider_id: str | None = None, *, title: str = "Modem einrichten", provider: str = "youtube",
               status: str = "published", category=None, tags: list[str] | None = None, **fields) -> Video:
    n = next(_seq)
    video = Video(provider=provider, provider_id=provider_id or f"vid{n:08d}", title=title,
                  description=fields.pop("description", "So richten Sie das Modem ein."),
                  duration=fields.pop("duration", 120),
                  chapters=fields.pop("chapters", [{"start": 0.0, "end": 60.0, "title": "Anschliessen"},
                                                   {"start": 60.0, "end": 120.0, "title": "Testen"}]),
                  transcript=fields.pop("transcript", [{"start": 0.5, "end": 4.0, "text": "Willkommen!"},
                                                       {"start": 90.0, "end": 95.0, "text": "Die LED leuchtet."}]),
                  transcript_lang="de", transcript_kind="manual", status=status, category=category,
                  tags=tags if tags is not None else ["modem"], caption_tracks=fields.pop("caption_tracks", []),
                  **fields)
    db.session.add(video)
    db.session.flush()
    return video


def demo_info(name: str = "hcWlanPw01a") -> dict:
    return json.loads((DEMO_DIR / f"{name}.info.json").read_text(encoding="utf-8"))


def video_info(video_id: str = "abcDEF12345", **overrides) -> dict:
    """A minimal yt-dlp info dict for one YouTube video, with inline German subtitles."""
    info = {
        "_type": "video", "id": video_id, "title": "Router neu starten", "description": "Kurz erklärt.",
        "duration": 95.4, "upload_date": "20240131", "uploader": "Helpcenter", "tags": ["Router", "neustart"],
        "view_count": 1234, "language": "de", "extractor_key": "Youtube", "extractor": "youtube",
        "webpage_url": f"https://www.youtube.com/watch?v={video_id}",
        "chapters": [{"start_time": 0, "end_time": 30, "title": "Vorbereitung"},
                     {"start_time": 30, "end_time": 95.4, "title": "Neustart"}],
        "subtitles": {"de": [{"ext": "vtt", "data": VTT}]},
        "automatic_captions": {},
    }
    info.update(copy.deepcopy(overrides))
    return info


def playlist_info(*entries: dict) -> dict:
    return {"_type": "playlist", "id": "PLtest", "title": "Tutorials", "extractor_key": "YoutubeTab",
            "entries": list(entries)}
