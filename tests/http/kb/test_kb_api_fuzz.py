"""Schemathesis against the articles part of the OpenAPI document: no 5xx, only documented status codes and
responses that match their schemas."""
import pytest
from hypothesis import HealthCheck, given, settings

from core.extensions import db
from kb.models import SlugRedirect
from tests.factories import make_article, make_category

schemathesis = pytest.importorskip("schemathesis")


def test_articles_api_matches_its_openapi_document(app):
    category = make_category("wlan")
    article = make_article("WLAN-Passwort ändern", category=category, tags=["wlan"], slug="wlan-passwort")
    make_article("Change the Wi-Fi password", category=category, lang="en")
    db.session.add(SlugRedirect(old_slug="wlan-alt", article_id=article.id))
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app).include(path_regex="^/api/v1/articles")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 2
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate()
        try:
            check()
        except Exception as error:  # collect all, report together
            failures.append(f"{operation.label}: {str(error)[:800]}")
    assert not failures, "\n\n".join(failures)
