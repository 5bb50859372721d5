"""Each language feature of the analyzers, with examples."""
from search.analysis import build_wordset, fold, language_analyzer

VOCAB = build_wordset(["Router einrichten", "Passwort ändern", "WLAN Schlüssel", "Einrichtung Assistent"])


def terms(text, lang="de"):
    return [t.text for t in language_analyzer(lang, VOCAB)(text)]


def test_stemming_meets_inflected_forms():
    assert set(terms("Router einrichten")) == set(terms("Einrichtung des Routers"))
    assert terms("eingerichtet") == terms("einrichten")  # participle rule before the stemmer
    assert terms("gesperrt") == terms("sperren")


def test_english_stemming_for_english_text():
    assert terms("passwords", "en") == terms("password", "en")
    assert terms("setting up routers", "en") == terms("set up router", "en")


def test_umlaut_and_sharp_s_folding():
    assert fold("Schlüssel") == "schlussel"
    assert terms("Schlussel") == terms("Schlüssel")
    assert terms("Strasse") == terms("Straße")
    assert terms("Aenderung") != [] and terms("Änderung") == terms("Anderung")


def test_hyphenated_spaced_and_closed_compounds_meet():
    assert terms("WLAN-Passwort") == terms("WLAN Passwort")
    closed = terms("Routerpasswort")
    assert set(terms("Router Passwort")) <= set(closed)
    assert set(terms("WLAN Passwort")) <= set(terms("WLANPasswort"))


def test_linking_s_in_compounds():
    assert set(terms("Einrichtung Assistent")) <= set(terms("Einrichtungsassistent"))


def test_stopwords_dropped_but_content_words_kept():
    assert terms("Wie kann ich mein WLAN Passwort ändern?") == terms("WLAN Passwort ändern")
    assert terms("ändern")  # "andern" is a stopword; folded "ändern" must not be dropped


def test_wordset_comes_from_the_content_vocabulary():
    words = build_wordset(["Der Glasfaseranschluss und die Multimediadose"])
    assert "multimediadose" in words and "und" not in words
