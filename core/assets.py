"""Content-hashed static URLs (css/app.css → css/app.3f2a9c1b.css) served with a one-year immutable cache.

url_for("static", filename=...) yields the hashed name; the static view maps it back. Unknown or stale hashes
fall through to the plain file with a short cache, so an old page never breaks.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, send_from_directory

ONE_YEAR = 365 * 24 * 3600
STALE_MAX_AGE = 300
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")


def build_manifest(static_dir: Path) -> dict[str, str]:
    manifest = {}
    for path in static_dir.rglob("*"):
        if path.is_file():
            rel = path.relative_to(static_dir).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            manifest[rel] = f"{path.parent.relative_to(static_dir).as_posix()}/{path.stem}.{digest}{path.suffix}".lstrip("./")
    return manifest


def init_app(app: Flask) -> None:
    if app.debug or not app.static_folder:
        return
    manifest = build_manifest(Path(app.static_folder))
    reverse = {hashed: plain for plain, hashed in manifest.items()}
    original_view = app.view_functions["static"]

    @app.url_defaults
    def hashed_static(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    def static_view(filename: str):
        plain = reverse.get(filename)
        if plain is not None:
            # max_age given to send_from_directory (not set afterwards) so werkzeug drops its default no-cache.
            response = send_from_directory(app.static_folder, plain, max_age=ONE_YEAR)
            response.cache_control.immutable = True
            return response
        stale = _HASHED.match(filename)
        if stale and f"{stale['stem']}{stale['ext']}" in manifest:
            # A page from before a deploy asks for the old hash: today's file, cached briefly, never immutable.
            return send_from_directory(app.static_folder, f"{stale['stem']}{stale['ext']}", max_age=STALE_MAX_AGE)
        return original_view(filename=filename)

    app.view_functions["static"] = static_view
