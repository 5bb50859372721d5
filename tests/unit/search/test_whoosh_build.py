"""The fast full build (search/whoosh_build.py) writes the same index as Whoosh's own writer: every term, every
posting with its weight and value, every block statistic the scorer reads, every field length and stored field."""
from __future__ import annotations

import dataclasses
import os

import pytest
from whoosh import index as whoosh_index

from bench import corpus
from search import analysis, whoosh_build
from search.whoosh_backend import document_fields, make_schema


def _documents():
    docs = list(corpus.documents(400, seed=7))
    # English documents, a boosted one, empty optional fields: every path of document_fields
    docs[5] = dataclasses.replace(docs[5], lang="en", title="How to reset the router", body="Press the button.")
    docs[6] = dataclasses.replace(docs[6], boost=2.0, summary="", tags=[])
    return docs


def _snapshot(ix) -> dict:
    """The index as a searcher sees it, by document key (docnums depend on how the segments were written)."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        keys = {docnum: fields["key"] for docnum, fields in reader.iter_docs()}
        stored = {keys[docnum]: fields for docnum, fields in reader.iter_docs()}
        postings, infos, lengths = {}, {}, {}
        for fieldname in searcher.schema.names():
            if not searcher.schema[fieldname].indexed:
                continue
            for btext in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, btext)
                items = []
                while matcher.is_active():
                    items.append((keys[matcher.id()], round(matcher.weight(), 5), matcher.value()))
                    matcher.next()
                postings[(fieldname, btext)] = sorted(items)
                info = reader.term_info(fieldname, btext)
                infos[(fieldname, btext)] = (info.doc_frequency(), round(info.weight(), 3), info.min_length(),
                                             info.max_length(), round(info.max_weight(), 5))
            if searcher.schema[fieldname].scorable:
                lengths[fieldname] = ({keys[d]: reader.doc_field_length(d, fieldname) or 0 for d in keys},
                                      reader.field_length(fieldname))
        # (a segment without any English document answers 0 for text_en where one with some answers None)
        return {"stored": stored, "postings": postings, "infos": infos, "lengths": lengths,
                "doc_count": reader.doc_count()}


def _whoosh_writer_index(path, docs, wordset):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema(wordset))
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(**document_fields(doc))
    return ix


@pytest.mark.parametrize("procs", [1, 2])
def test_fast_build_writes_the_same_index_as_whoosh(tmp_path, procs):
    docs = _documents()
    wordset = analysis.build_wordset(f"{d.title} {d.body}" for d in docs)
    expected = _snapshot(_whoosh_writer_index(tmp_path / "whoosh", docs, wordset))
    (tmp_path / "fast").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "fast"), make_schema(wordset))
    seen = []
    count = whoosh_build.build(ix, map(document_fields, docs), procs=procs, progress=seen.append, every=100)
    assert count == len(docs) and seen == [100, 200, 300, 400]
    assert len(ix._segments()) == procs
    built = _snapshot(ix)
    assert len(built["postings"]) > 5000  # a real comparison, not two empty indexes
    for part in ("doc_count", "stored", "postings", "infos", "lengths"):
        assert built[part] == expected[part], part


def test_a_failing_writer_process_fails_the_build_and_commits_nothing(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema(()))
    docs = [document_fields(d) for d in _documents()[:50]]
    docs[30]["no_such_field"] = "x"  # Whoosh refuses unknown fields inside the writer process
    with pytest.raises(RuntimeError, match="writer process failed"):
        whoosh_build.build(ix, docs, procs=2)
    assert ix.doc_count() == 0
    with ix.writer(timeout=1) as writer:  # the lock was released
        writer.add_document(**document_fields(_documents()[0]))
    assert ix.doc_count() == 1


def test_a_writer_process_that_dies_fails_the_build(tmp_path, monkeypatch):
    ix = whoosh_index.create_in(str(tmp_path), make_schema(()))
    monkeypatch.setattr(whoosh_build, "_writer_process", lambda ix, jobs, results: os._exit(9))
    with pytest.raises(RuntimeError, match="died"):
        whoosh_build.build(ix, map(document_fields, _documents()), procs=2)
    assert ix.doc_count() == 0
