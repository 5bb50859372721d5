"""Ranking (DESIGN §6): a title match beats a tags match beats a body match; English titles count as much as
German ones although English documents are few."""
from __future__ import annotations

from core.extensions import db
from search import service
from tests.factories import make_article, make_category

FILLER = "Prüfen Sie die Kabel und die Steckdose, warten Sie zwei Minuten und versuchen Sie es erneut."


def titles(text):
    return [h.title for h in service.run(text, log_it=False).results.hits]


def test_title_beats_tags_beats_body(app):
    cat = make_category("internet")
    # each mentions "Powerline" once, in a different place; otherwise the same length and words
    make_article(title="Adapter im Haus verbinden", tags=["steckdose"], body=f"Powerline. {FILLER}", category=cat)
    make_article(title="Adapter im Haus einstecken", tags=["powerline"], body=f"Netzwerk. {FILLER}", category=cat)
    make_article(title="Powerline im Haus einrichten", tags=["steckdose"], body=f"Netzwerk. {FILLER}", category=cat)
    db.session.commit()
    assert titles("Powerline") == ["Powerline im Haus einrichten", "Adapter im Haus einstecken",
                                   "Adapter im Haus verbinden"]


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
