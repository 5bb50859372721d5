"""Schemathesis against the community part of the OpenAPI document: no 5xx, only documented status codes,
responses that match their schemas, and 401/403 without authentication. Business rules (unknown category, the
personal data guard) legitimately refuse some schema-valid bodies, so that one check is left out."""
import pytest

from core.accounts import issue_token
from core.extensions import db
from tests.factories import make_category, make_user
from tests.factories_notify import accept, make_answer, make_question

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from tests.api_fuzz import failures, own_app_context_per_request  # noqa: E402

COMMUNITY_PATHS = "^/api/v1/(questions|answers|users|badges|community)"


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
    found = failures(operations, 25, headers={"Authorization": f"Bearer {token}"},
                     excluded_checks=[positive_data_acceptance])
    assert not found, "\n\n".join(found)
