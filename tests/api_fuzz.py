"""Schemathesis over (part of) the OpenAPI document, shared by the API fuzz tests: every operation is fuzzed and all
failures are reported together."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings


def own_app_context_per_request(app):
    """The WSGI app schemathesis calls: every request (its checks' unauthenticated replays too) in an app context
    of its own, as in production and as tests/conftest.py's IsolatedClient does for the test client."""
    def wsgi(environ, start_response):
        with app.app_context():
            return app(environ, start_response)
    return wsgi


def failures(operations, max_examples: int, **call_kwargs) -> list[str]:
    """Each operation's examples through ``case.call_and_validate(**call_kwargs)``; one line per failing operation."""
    found = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(**call_kwargs)
        try:
            check()
        except Exception as error:  # collect all, report together
            found.append(f"{operation.label}: {str(error)[:800]}")
    return found
