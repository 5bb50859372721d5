"""A local HTTP server on 127.0.0.1 serving the tiny committed video, its VTT and thumbnail, and an HTML page
with a <video> element (yt-dlp's generic/HTML5 extractor). No test touches any other host."""
from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories_videos import MEDIA_FIXTURES

PAGE = """<!doctype html><html lang="de"><head><title>Modem anschliessen</title></head><body>
<video controls poster="thumb.jpg"><source src="tiny.mp4" type="video/mp4">
<track kind="captions" src="tiny.de.vtt" srclang="de" label="Deutsch"></video></body></html>"""
# yt-dlp's generic extractor reads a page with two <video> elements as a playlist; the second file is missing.
TWO_VIDEOS = """<!doctype html><html lang="de"><head><title>Zwei Anleitungen</title></head><body>
<video controls><source src="tiny.mp4" type="video/mp4"></video>
<video controls><source src="fehlt.mp4" type="video/mp4"></video></body></html>"""
# The only format is 1080p (the non-standard res attribute, which yt-dlp reads as the height).
ONLY_1080P = """<!doctype html><html lang="de"><head><title>Nur in Full HD</title></head><body>
<video controls><source src="tiny.mp4" type="video/mp4" res="1080"></video></body></html>"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def media_server(tmp_path, app):
    """A local HTTP server with the tiny fixture video; 127.0.0.1 allowed past the internal-address guard."""
    app.config["VIDEO_IMPORT_ALLOWED_HOSTS"] = "127.0.0.1"
    root = tmp_path / "served"
    shutil.copytree(MEDIA_FIXTURES, root)
    (root / "tutorial.html").write_text(PAGE, encoding="utf-8")
    (root / "zwei.html").write_text(TWO_VIDEOS, encoding="utf-8")
    (root / "fullhd.html").write_text(ONLY_1080P, encoding="utf-8")
    (root / "leer.html").write_text("<!doctype html><title>Nichts</title><p>Kein Video hier.</p>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url(app):
    """A URL on 127.0.0.1 where nothing listens: a real network error without leaving the machine."""
    import socket
    app.config["VIDEO_IMPORT_ALLOWED_HOSTS"] = "127.0.0.1"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/video.mp4"
