"""Each language feature earns its place: switched off, the queries of its own kind do measurably worse.

The with/without table itself: `.venv/bin/python -m tests.search_eval.run --ablation`.
"""
import pytest

from search import whoosh_backend
from tests.search_eval import loader
from tests.search_eval.run import build_index, evaluate

OWN_KIND = {"stemming": "inflected", "decompounding": "compound", "synonyms": "synonym", "ngrams": "typo",
            "correction": "typo"}
AT_INDEX_TIME = {"stemming", "decompounding"}  # part of the analyzers stored with the index: rebuild


@pytest.mark.slow
def test_switching_off_a_feature_lowers_its_own_kind(app):
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    loader.load()
    build_index(app)
    full = evaluate(app)["table"]
    worse = {}
    for feature, kind in OWN_KIND.items():
        whoosh_backend.FEATURES[feature] = False
        try:
            if feature in AT_INDEX_TIME:
                build_index(app)
            off = evaluate(app)["table"]
        finally:
            whoosh_backend.FEATURES[feature] = True
        if feature in AT_INDEX_TIME:
            build_index(app)
        (s_on, mrr_on, _n), (s_off, mrr_off, _n) = full[kind], off[kind]
        detail = f"{kind}: s@3 {s_on:.2f}→{s_off:.2f}, MRR {mrr_on:.2f}→{mrr_off:.2f}"
        worse[feature] = (s_off < s_on or mrr_off < mrr_on, detail)
    assert all(lower for lower, _detail in worse.values()), worse
