"""The fast scoring paths of the Whoosh backend return exactly what Whoosh's own (exhaustive) search returns: the
same documents, the same float scores, the same order (best score, then lowest document number), over several
segments with deleted documents."""
from __future__ import annotations

import heapq
import operator
import random
from functools import reduce

import pytest
from whoosh.query import And, AndMaybe, Term

from search import whoosh_backend
from search.backend import Document, Query
from search.synonyms import DEFAULT_SYNONYMS
from search.whoosh_backend import WhooshBackend, document_fields

TOPICS = ["WLAN", "Router", "Passwort", "TV-Box", "Rechnung", "Gast-WLAN", "SIM-Karte", "Kündigung"]
VERBS = ["einrichten", "ändern", "sperren", "verbinden", "neu starten", "kündigen"]
WORDS = "Kabel Dose Taste Lampe Signal Empfang Sender Liste Vertrag Abo Wohnung Router Modem neu Netz".split()
QUERIES = ["WLAN", "Router einrichten", "TV-Box sperren", "Gast-WLAN verbinden", "Kündigung", "Kabel neu",
           "SIM-Karte Kabel ändern", "Rechnung Vertrag", "Passwort", "Pasword ändern", "Modem neu starten"]


def _documents(n: int, seed: int = 3):
    rng = random.Random(seed)
    for i in range(n):
        topic, verb = rng.choice(TOPICS), rng.choice(VERBS)
        body = " ".join(rng.choices(WORDS + [topic], k=rng.randint(10, 60)))
        kind = ("article", "video", "question")[i % 3]
        yield Document(key=f"{kind}:{i}", type=kind, obj_id=i, title=f"{topic} {verb}: {rng.choice(WORDS)}",
                       url=f"/x/{i}", category=rng.choice(["internet", "tv"]), tags=[topic.lower()],
                       summary=body[:40], body=body, boost=1.5 if i % 7 == 0 else 1.0)


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    backend = WhooshBackend(tmp_path_factory.mktemp("exact-scores"))
    docs = list(_documents(900))
    backend.rebuild(docs[:600], (f"{d.title} {d.body}" for d in docs), procs=1)
    ix = backend._open()
    for part in (docs[600:750], docs[750:]):  # more segments, and deleted documents in the first one
        writer = ix.writer()
        for doc in part:
            writer.add_document(**document_fields(doc))
        for n in range(0, 600, 11):
            writer.delete_by_term("key", docs[n].key)
        writer.commit(merge=False)
    searcher = backend.searcher()
    assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    return backend


def _scored_query(backend, searcher, text):
    built = backend.build(searcher, text, DEFAULT_SYNONYMS)
    masks = [backend._mask(searcher, c) for c in built.clauses]
    matched, q = reduce(operator.and_, masks), (And(built.clauses) if len(built.clauses) > 1 else built.clauses[0])
    if not matched and len(built.clauses) > 1:
        matched, q = reduce(operator.or_, masks), whoosh_backend.Or(built.clauses)
    title = backend._title_clause(searcher, built)
    return (AndMaybe(q, title) if title is not None else q), matched


@pytest.mark.parametrize("text", QUERIES)
def test_exact_scores_are_whooshs_scores(backend, text):
    searcher = backend.searcher()
    q, matched = _scored_query(backend, searcher, text)
    assert matched
    whoosh = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    assert whoosh_backend._exact_scores(backend, searcher, q, matched) == whoosh
    assert backend._score(searcher, q, matched) == pytest.approx(whoosh, rel=1e-12)
    video = matched & backend._facet_masks(searcher)["type"]["video"]
    filtered = {hit.docnum: hit.score for hit in searcher.search(q, limit=None, filter=Term("type", "video"))}
    assert whoosh_backend._exact_scores(backend, searcher, q, video) == filtered


@pytest.mark.parametrize("text", QUERIES)
def test_top_is_the_head_of_whooshs_full_ranking(backend, text, monkeypatch):
    searcher = backend.searcher()
    q, matched = _scored_query(backend, searcher, text)
    ranking = [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]
    monkeypatch.setattr(whoosh_backend, "DIRECT_SCORING", 0)  # the path for many matches
    top = backend._top(searcher, q, matched, matched.bit_count(), Query(text=text), 25)
    assert top == ranking[:25]
    assert top == heapq.nlargest(25, ranking, key=lambda kv: (kv[1], -kv[0]))


def test_bits_lists_a_mask_in_order():
    rng = random.Random(5)
    for density in (0.0005, 0.01, 0.5):
        docs = sorted({n for n in range(20_000) if rng.random() < density})
        mask = reduce(operator.or_, (1 << n for n in docs), 0)
        assert whoosh_backend._bits(mask) == docs
