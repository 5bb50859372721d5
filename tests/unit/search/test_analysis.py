"""Each language feature of the analyzers, with examples."""
from search.analysis import NEGATIONS, build_wordset, fold, language_analyzer, query_language, rejoin_separable, words

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


def test_compound_parts_may_be_the_singular_of_a_plural_in_the_content():
    vocab = build_wordset(["Batterien der Fernbedienung wechseln"])
    analyzer = language_analyzer("de", vocab)
    closed = [t.text for t in analyzer("Fernbedienungsbatterie")]
    assert set(terms("Fernbedienung") + [t.text for t in analyzer("Batterien")]) <= set(closed)
    assert {t.text for t in analyzer("Batterien wechseln")} <= {t.text for t in analyzer("Batteriewechsel")}


def test_eln_verbs_meet_their_noun():
    assert terms("wechseln") == terms("Wechsel")
    assert terms("Kabeln") == terms("Kabel")


def test_separable_verb_particle_is_joined_to_its_verb_when_the_index_knows_the_word():
    known = {"neustarte", "mitnehme"}.__contains__
    assert rejoin_separable(words("Wie starte ich das Modem neu?"), known) == ["wie", "neustarte", "ich", "das",
                                                                               "modem"]
    assert "mitnehme" in rejoin_separable(words("Wie nehme ich meine Nummer mit?"), known)
    assert rejoin_separable(words("Wie lege ich den Hörer auf?"), known) == words("Wie lege ich den Hörer auf?")
    assert rejoin_separable(words("Modem neu"), known) == ["modem", "neu"]  # too short to be a clause
    # no subject after the word: not a verb ("Hochrechnung" is a word, but "rechnung zu hoch" means too high)
    assert rejoin_separable(words("rechnung zu hoch"), {"hochrechnung"}.__contains__) == ["rechnung", "zu", "hoch"]
    assert rejoin_separable(words("Wie setze ich die Box zurück?"), {"zurucksetze"}.__contains__)[1] == "zurucksetze"


def test_query_language_from_function_words():
    assert query_language(words("no internet")) == "en"
    assert query_language(words("how to set up my router")) == "en"
    assert query_language(words("Wie starte ich das Modem neu?")) == "de"
    assert query_language(words("WLAN Passwort")) is None


def test_negations_can_be_kept_for_titles():
    assert terms("Kein Freizeichen") == terms("Freizeichen")
    title = [t.text for t in language_analyzer("de", VOCAB, keep=NEGATIONS)("Kein Freizeichen")]
    assert len(title) == 2
