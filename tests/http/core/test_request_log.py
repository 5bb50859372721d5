"""One structured log line per request (LOG_FORMAT=json), and one entry per unhandled error with its path."""
import json
import logging

import pytest

REQUEST_LOG = logging.getLogger("helpcenter.request")


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def request_log():
    handler = Collect()
    REQUEST_LOG.addHandler(handler)
    yield handler.lines
    REQUEST_LOG.removeHandler(handler)


@pytest.fixture
def crashing_route(app):
    app.add_url_rule("/_test/absturz", "test_crash", lambda: {}["fehlender-schluessel-4711"])
    return app


@pytest.mark.app_config(LOG_FORMAT="json")
def test_one_json_line_per_request(client, request_log):
    client.get("/")
    client.get("/gibt-es-nicht?x=1")
    client.post("/abmelden")
    assert len(request_log) == 3, request_log
    entries = [json.loads(line) for line in request_log]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/", 200), ("GET", "/gibt-es-nicht", 404), ("POST", "/abmelden", 302)]
    for entry in entries:
        assert set(entry) == {"method", "path", "status", "duration_ms"}
        assert isinstance(entry["duration_ms"], float) and 0 <= entry["duration_ms"] < 60_000


@pytest.mark.app_config(LOG_FORMAT="json")
def test_an_unhandled_error_is_logged_once_with_its_path(crashing_route, client, request_log, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.get("/_test/absturz")
    assert response.status_code == 500
    entries = [json.loads(line) for line in request_log]
    errors = [e for e in entries if e.get("event") == "unhandled_error"]
    assert len(errors) == 1, entries
    assert errors[0]["path"] == "/_test/absturz" and errors[0]["method"] == "GET"
    assert "KeyError" in errors[0]["error"] and "fehlender-schluessel-4711" in errors[0]["traceback"]
    assert [e for e in entries if "status" in e] == [
        {"method": "GET", "path": "/_test/absturz", "status": 500, "duration_ms": entries[-1]["duration_ms"]}]
    # no second copy through Flask's own logger or any other
    copies = [r for r in caplog.records if "fehlender-schluessel-4711" in r.getMessage() + str(r.exc_info)]
    assert [r.name for r in copies] == ["helpcenter.request"]


@pytest.mark.app_config(LOG_FORMAT="text")
def test_text_format_is_one_readable_line(crashing_route, client, request_log):
    client.get("/")
    assert len(request_log) == 1
    method, path, status, duration = request_log[0].split(" ")
    assert (method, path, status) == ("GET", "/", "200") and duration.endswith("ms")
    client.get("/_test/absturz")
    error_lines = [line for line in request_log[1:] if "Unhandled error on GET /_test/absturz" in line]
    assert len(error_lines) == 1 and "KeyError" in error_lines[0]  # with its traceback


def test_tests_log_nothing_unless_asked(client, request_log):
    client.get("/")
    assert request_log == []
