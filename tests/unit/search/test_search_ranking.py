"""Ranking (DESIGN §6): a title match beats a tags match beats a body match; English titles count as much as
German ones although English documents are few."""
from __future__ import annotations

from core.extensions import db
from search import service
from tests.factories import make_article, make_category
from tests.search_backends import both

FILLER = "Prüfen Sie die Kabel und die Steckdose, warten Sie zwei Minuten und versuchen Sie es erneut."


def titles(text):
    return [h.title for h in service.run(text, log_it=False).results.hits]


@both
def test_title_beats_tags_beats_body(app):
    cat = make_category("internet")
    # each mentions "Powerline" once, in a different place; otherwise the same length and words
    make_article(title="Adapter im Haus verbinden", tags=["steckdose"], body=f"Powerline. {FILLER}", category=cat)
    make_article(title="Adapter im Haus einstecken", tags=["powerline"], body=f"Netzwerk. {FILLER}", category=cat)
    make_article(title="Powerline im Haus einrichten", tags=["steckdose"], body=f"Netzwerk. {FILLER}", category=cat)
    db.session.commit()
    assert titles("Powerline") == ["Powerline im Haus einrichten", "Adapter im Haus einstecken",
                                   "Adapter im Haus verbinden"]


@both
def test_an_english_title_match_is_not_drowned_by_german_documents(app):
    cat = make_category("internet")
    for n in range(12):
        make_article(title=f"Internet Anleitung {n}", body=f"Internet einrichten. {FILLER}", category=cat)
    make_article(title="No internet connection", body="Restart the modem and check the internet cables.",
                 lang="en", category=cat)
    make_article(title="Set up your internet", body="Connect the modem to the internet socket.", lang="en",
                 category=cat)
    db.session.commit()
    assert titles("no internet")[0] == "No internet connection"


def test_direct_scoring_ranks_like_whoosh(app, monkeypatch):
    """Few matches are scored by WhooshBackend._score, many by Whoosh's own top-k search: same order."""
    from search import whoosh_backend
    cat = make_category("internet")
    words = ["Router", "Modem", "WLAN", "Passwort", "Kanal", "Neustart"]
    for n in range(24):
        picked = " ".join(words[(n + k) % len(words)] for k in range(1 + n % 4))
        make_article(title=f"{words[n % len(words)]} Hilfe {n}", tags=[words[(n + 2) % len(words)].lower()],
                     body=f"{picked}. {FILLER} {picked if n % 3 else ''}", category=cat)
    make_article(title="Router ohne Modem", body="No modem.", lang="en", category=cat)
    db.session.commit()
    for text in ("Router", "Router Modem", "WLAN Passwort ändern", "Kanal Neustart", "Ruter", "no modem"):
        monkeypatch.setattr(whoosh_backend, "DIRECT_SCORING", 10_000)
        direct = [(h.obj_id, round(h.score, 6)) for h in service.run(text, log_it=False).results.hits]
        monkeypatch.setattr(whoosh_backend, "DIRECT_SCORING", 0)
        whoosh = [(h.obj_id, round(h.score, 6)) for h in service.run(text, log_it=False).results.hits]
        assert direct == whoosh and direct, text


def test_cached_field_lengths_match_whoosh(app):
    """The length-column cache (whoosh_backend._doc_field_length) answers what Whoosh's own reader answers."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length
    cat = make_category("internet")
    for n in range(5):
        make_article(title="Router " * (n + 1), body="Modem " * (3 * n + 1), category=cat)
    db.session.commit()
    for segment, _offset in app.extensions["search"].backend.searcher().reader().leaf_readers():
        perdoc = segment._perdoc
        for field in ("text_de", "title_de", "spell", "nonexistent"):
            column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            for docnum in range(segment.doc_count_all()):
                if column is None:
                    expected = "default"
                else:
                    expected = byte_to_length(column[docnum]) if column[docnum] else None
                assert perdoc.doc_field_length(docnum, field, default="default") == expected, (field, docnum)


def test_match_masks_are_exactly_whooshs_matches_after_deletions(app):
    from whoosh.query import Term

    from search import whoosh_backend
    cat = make_category("internet")
    articles = [make_article(title=f"Router {n}", body="Modem " * (n % 3 + 1), category=cat) for n in range(40)]
    db.session.commit()
    for article in articles[::3]:  # deleted documents stay in their segment until a merge: masked out
        article.status = "archived"
        db.session.commit()
    backend = app.extensions["search"].backend
    searcher = backend.searcher()
    assert searcher.reader().has_deletions() or searcher.doc_count_all() == searcher.doc_count()
    analyzer = searcher.schema["text_de"].analyzer
    stems = [next(iter(analyzer(word))).text for word in ("Router", "Modem")]
    for term in (*(Term("text_de", stem) for stem in stems), Term("type", "article"), Term("ngram", "rou")):
        expected = set(searcher.docs_for_query(term))
        assert whoosh_backend._bits(backend._mask(searcher, term)) == sorted(expected), term
        assert expected
