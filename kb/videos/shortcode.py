"""`[[video:ID]]` and `[[video:ID@90]]` in articles: the same trusted consent stand-in as the video page.

Articles store a marker and get this HTML when they are served (content.render.expand_shortcodes), so a video
hidden or shown later, and new asset hashes, show at once. Other Markdown (forum posts, the editor preview) is
rendered inline, possibly without a request (CLI), hence the test request context below.
"""
from __future__ import annotations

import re

from flask import current_app, has_request_context, render_template
from markupsafe import escape

from kb.videos import services

ARG = re.compile(r"^(?P<id>[A-Za-z0-9_-]{1,120})(?:@(?P<start>\d{1,6}))?$")


def render_video_shortcode(arg: str) -> str:
    match = ARG.match(arg or "")
    video = services.find_video(match["id"]) if match else None
    if video is None:
        label = escape(arg or "")
        return (f'<p class="notice video-embed--missing">Video «{label}» ist nicht verfügbar. / '
                f'Video “{label}” is not available.</p>')
    start = services.parse_start(match["start"], video.duration)
    if has_request_context():
        return _render(video, start)
    with current_app.test_request_context("/"):
        return _render(video, start)


def _render(video, start: int) -> str:
    from kb.videos.views import player_context

    return render_template("videos/_embed.html", **player_context(video, start))


def init_app(app) -> None:
    from content.render import register_shortcode

    register_shortcode("video", render_video_shortcode)
