"""Relevance gate: success@3 over the demo content must stay at or above 0.85 (target 0.90)."""
from tests.search_eval import loader
from tests.search_eval.run import build_index, evaluate, load_queries


def test_at_least_60_queries_of_every_kind():
    queries = load_queries()
    assert len(queries) >= 60
    assert {q["kind"] for q in queries} == {"inflected", "compound", "typo", "colloquial", "question", "english",
                                            "synonym"}


def test_success_at_3_over_the_demo_content(app):
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    loader.load()
    build_index(app)
    result = evaluate(app)
    success, mrr, n = result["table"]["all"]
    assert success >= 0.85, (success, result["misses"])
    assert mrr >= 0.75
