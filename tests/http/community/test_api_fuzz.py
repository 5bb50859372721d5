"""Schemathesis against the community part of the OpenAPI document: no 5xx, only documented status codes,
responses that match their schemas, and 401/403 without authentication. Business rules (unknown category, the
personal data guard) legitimately refuse some schema-valid bodies, so that one check is left out."""
import pytest
from hypothesis import HealthCheck, given, settings

from core.accounts import issue_token
from core.extensions import db
from tests.factories import make_category, make_user
from tests.factories_notify import accept, make_answer, make_question

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

COMMUNITY_PATHS = "^/api/v1/(questions|answers|users|badges|community)"


def own_app_context_per_request(app):
    """The WSGI app schemathesis calls: every request (its checks' unauthenticated replays too) in an app context
    of its own, as in production and as tests/conftest.py's IsolatedClient does for the test client."""
    def wsgi(environ, start_response):
        with app.app_context():
            return app(environ, start_response)
    return wsgi


def test_community_api_matches_its_openapi_document(app):
    make_category("internet")
    question = make_question(make_user(username="kunde1"))
    accept(question, make_answer(question))
    token = issue_token(make_user())
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", own_app_context_per_request(app)).include(
        path_regex=COMMUNITY_PATHS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                   excluded_checks=[positive_data_acceptance])
        try:
            check()
        except Exception as error:  # collect all, report together
            failures.append(f"{operation.label}: {str(error)[:800]}")
    assert not failures, "\n\n".join(failures)
