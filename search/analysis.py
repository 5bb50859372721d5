"""Text analysis for the search index: German first, English too.

Per language (LanguageAnalyzer): words → lower-case → fold umlauts, ß and accents ("Schlüssel" and "Schlussel"
become the same term; "Straße" and "Strasse" too) → drop stopwords → split compounds with a word list built from
the content's own vocabulary ("Routerpasswort" also yields "router" and "passwort") → stem (Snowball, per
language, German verb forms first). Hyphenated words ("WLAN-Passwort") are split by the tokenizer already, so
"WLAN-Passwort", "WLAN Passwort" and "WLANPasswort" meet on the same terms.

The decompounding word set is pickled into the index schema (Whoosh stores analyzers with the index), so the
same list serves indexing and querying; `flask search reindex` rebuilds it from the current content.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

from whoosh.analysis import Analyzer, Filter, Token
from whoosh.formats import Frequency
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.system import pack_uint

WORD_RE = re.compile(r"\w+", re.UNICODE)
MIN_PART = 4  # shortest compound part taken from the vocabulary
MIN_COMPOUND = 7  # shorter words are never split
PREFIX_MAX = 12  # suggest: edge n-grams of title words, 2 to 12 letters

# Short or important parts that the vocabulary alone would miss; folded, lower-case.
BASE_WORDS = {
    "wlan", "wifi", "lan", "tv", "sim", "esim", "pin", "puk", "app", "box", "modem", "router", "passwort",
    "kennwort", "netz", "name", "kanal", "band", "gast", "einrichtung", "internet", "telefon", "festnetz",
    "handy", "nummer", "rufnummer", "sender", "suchlauf", "liste", "fernbedienung", "rechnung", "konto",
    "kunde", "kunden", "vertrag", "umzug", "anschluss", "dose", "kabel", "signal", "empfang", "daten",
    "volumen", "speed", "test", "reichweite", "repeater", "mesh", "schutz", "jugend", "code", "anruf",
    "umleitung", "sperre", "werbung", "werbe", "karte", "ausland", "store", "stoerung", "storung", "mail",
    "ansage", "leuchte", "leuchten", "lampe", "neustart", "start", "update", "firmware", "glas", "faser",
    "steckdose", "adapter", "geraet", "gerat", "bild", "ton", "zahlung", "mahnung", "ebill", "login",
    "schlussel", "adresse", "wohnort", "strasse", "ort", "tarif", "abo", "option", "menu",
}

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "å": "a"})


def fold(text: str) -> str:
    """Lower-case, umlauts to their base letter, ß to ss, other accents removed."""
    text = text.lower().translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text, in order (the tokenizer's view, without stemming)."""
    return WORD_RE.findall(fold(text or ""))


def part_forms(wordset: frozenset[str]) -> frozenset[str]:
    """The words a compound may be built from: the vocabulary plus the singular or noun form of its plurals and
    -eln/-ern verbs ("Batterien" gives "batterie" for "Fernbedienungsbatterie", "wechseln" gives "wechsel" for
    "Batteriewechsel"): content mostly uses the plural, compounds the singular."""
    return wordset | {w[:-1] for w in wordset if len(w) >= 6 and w.endswith(("en", "ln", "rn"))}


class Decompounder:
    """Splits a compound into parts from a word list ("routerpasswort" → ["router", "passwort"]).

    Parts must be in ``wordset`` (folded words); a linking "s", "n", "en" or "es" between parts is allowed
    (Einrichtungsassistent = einrichtung + s + assistent). Fewest parts win, then the longest first part.
    """

    LINKS = ("", "s", "n", "en", "es", "e")

    def __init__(self, wordset: Iterable[str] = ()):
        self.wordset = frozenset(wordset)
        self._parts = part_forms(self.wordset)
        self._memo: dict[str, list[str] | None] = {}

    def __eq__(self, other):
        return isinstance(other, Decompounder) and self.wordset == other.wordset

    def __getstate__(self):
        return {"wordset": self.wordset}

    def __setstate__(self, state):
        self.wordset = state["wordset"]
        self._parts = part_forms(self.wordset)
        self._memo = {}

    def split(self, word: str, top: bool = True) -> list[str] | None:
        if not top and word in self._parts:
            return [word]
        if len(word) < (MIN_COMPOUND if top else MIN_PART):
            return None
        key = word if top else "\0" + word
        if key in self._memo:
            return self._memo[key]
        best: list[str] | None = None
        for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head = word[:i]
            if head not in self._parts:
                continue
            for link in self.LINKS:
                rest = word[i:]
                if link:
                    if not rest.startswith(link):
                        continue
                    rest = rest[len(link):]
                tail = self.split(rest, top=False)
                if tail and (best is None or len(tail) + 1 < len(best)):
                    best = [head, *tail]
            if best is not None and len(best) == 2:
                break
        # short domain parts (tv, sim, pin, box) at the start: "tvbox", "simkarte"
        if best is None:
            for short in ("tv", "sim", "pin", "puk", "lan", "app", "box", "wlan"):
                if word.startswith(short) and len(word) - len(short) >= MIN_PART:
                    tail = self.split(word[len(short):], top=False)
                    if tail:
                        best = [short, *tail]
                        break
        if len(self._memo) < 200_000:
            self._memo[key] = best
        return best


# Stopwords that, once folded, collide with content words ("andern" vs "ändern").
_NOT_STOPWORDS = {"andern", "anderen", "andere", "anderer", "anderes", "anderem", "ander", "anderm"}


def _stoplist(lang: str) -> frozenset[str]:
    return frozenset(fold(w) for w in stopwords_for_language("de" if lang == "de" else "en")) - _NOT_STOPWORDS


_PARTICIPLE = re.compile(r"^(ein|an|auf|aus|ab|zu|um|vor|zuruck|mit|nach|weg|her|hin|los|frei|fest|)ge"
                         r"([a-z]{3,}?)(et|t)$")


def german_verb_form(word: str) -> str:
    """German verb forms the Snowball stemmer leaves apart, fixed before it runs: past participles to their verb
    stem ("eingerichtet" → "einricht", "gesperrt" → "sperr", meeting "einrichten"/"Einrichtung" and "sperren"),
    and -eln verbs and dative plurals to their noun ("wechseln" → "wechsel", "Kabeln" → "kabel")."""
    if len(word) >= 7:
        m = _PARTICIPLE.match(word)
        if m:
            word = m.group(1) + m.group(2)
    if len(word) >= 6 and word.endswith("eln"):
        word = word[:-1]
    return word


class ParticipleFilter(Filter):
    """german_verb_form() as a Whoosh filter (the PostgreSQL backend runs it before PostgreSQL stems)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = german_verb_form(t.text)
            yield t


STOPWORDS = {"de": _stoplist("de") | {"gehts", "eigentlich", "bitte", "hallo", "mal", "immer", "mehr", "mein",
                                      "meine", "meinem", "meinen", "meiner", "finde", "finden"},
             "en": _stoplist("en") | {"how", "can", "my", "please"}}
ALL_STOPWORDS = STOPWORDS["de"] | STOPWORDS["en"]


# Negations are stopwords in running text but tell titles apart: "No internet connection", "Kein Freizeichen".
NEGATIONS = frozenset({"no", "not", "without", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nicht",
                       "nichts", "ohne"})


class WordAnalyzer(Analyzer):
    """An analyzer as one pass over the words with a per-word cache: each word gives a tuple of index terms
    (``word_terms`` of the folded word). Content follows Zipf's law, so nearly every word comes from the cache;
    a chain of Whoosh filters costs several generator steps per word and filter, which made reindexing slow."""

    CACHE = 200_000

    def __init__(self):
        self._setup()

    def _setup(self) -> None:
        self._raw: dict[str, tuple[str, ...]] = {}

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other):
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The index terms of one folded word."""
        raise NotImplementedError

    def raw_terms(self, word: str) -> tuple[str, ...]:
        """The index terms of a word as written (cached as written: no folding for words seen before)."""
        found = self._raw.get(word)
        if found is None:
            found = self.word_terms(fold(word))
            if len(self._raw) < self.CACHE:
                self._raw[word] = found
        return found

    def counts(self, value: str) -> dict[str, int]:
        """Each index term of a text with its frequency (what Whoosh's Frequency format counts, without a Token
        per word)."""
        out: dict[str, int] = {}
        raw_terms = self.raw_terms
        for word in WORD_RE.findall(value):
            for term in raw_terms(word):
                out[term] = out.get(term, 0) + 1
        return out

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in WORD_RE.finditer(value if tokenize else value.replace(" ", "_")):
            for term in self.raw_terms(match.group()):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
                yield token
            pos += 1


class PlainAnalyzer(WordAnalyzer):
    """Folded, unstemmed words (the spelling-correction vocabulary)."""

    def word_terms(self, word: str) -> tuple[str, ...]:
        return (word,)


class TrigramAnalyzer(WordAnalyzer):
    """Trigrams of folded words: a typo still shares most of them with the right word."""

    def word_terms(self, word: str) -> tuple[str, ...]:
        return tuple(word[i:i + 3] for i in range(len(word) - 2))


class PrefixAnalyzer(WordAnalyzer):
    """Edge n-grams of folded words, 2 to PREFIX_MAX letters, for suggest-as-you-type."""

    def word_terms(self, word: str) -> tuple[str, ...]:
        return tuple(word[:n] for n in range(2, min(len(word), PREFIX_MAX) + 1))


class LanguageAnalyzer(WordAnalyzer):
    """The index-and-query analyzer for one language ("de" or "en"): words → lower case → folded → stopwords
    dropped (but ``keep``) → the word, then its compound parts → each stemmed (German verb forms first)."""

    def __init__(self, lang: str, wordset: Iterable[str] = (), *, stemming: bool = True, decompound: bool = True,
                 keep: frozenset[str] = frozenset()):
        self.lang = "de" if lang == "de" else "en"
        self.wordset = frozenset(wordset)
        self.stemming, self.decompound, self.keep = stemming, decompound, frozenset(keep)
        super().__init__()

    def _setup(self) -> None:
        super()._setup()
        self._stop = STOPWORDS[self.lang] - self.keep
        self._splitter = Decompounder(self.wordset | BASE_WORDS) if self.decompound else None
        self._stem = stemmer_for_language(self.lang) if self.stemming else None
        self._cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self):
        return {k: getattr(self, k) for k in ("lang", "wordset", "stemming", "decompound", "keep")}

    def terms(self, word: str) -> tuple[str, ...]:
        """A folded word's index terms: the whole word first, then its compound parts; () for a stopword."""
        found = self._cache.get(word)
        if found is not None:
            return found
        if word in self._stop:
            found = ()
        else:
            parts = (self._splitter.split(word) or []) if self._splitter else []
            found = tuple(self._normalise(w) for w in (word, *parts))
        if len(self._cache) < self.CACHE:
            self._cache[word] = found
        return found

    word_terms = terms

    def _normalise(self, word: str) -> str:
        if self._stem is None:
            return word
        return self._stem(german_verb_form(word) if self.lang == "de" else word)


_PACKED = [pack_uint(n) for n in range(256)]  # shared value bytes: a full build keeps millions of them


class TermCounts(Frequency):
    """Whoosh's Frequency format (term frequency per document), counted by a WordAnalyzer straight from its word
    cache: the same postings for a good part less indexing work."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, WordAnalyzer) or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((term, n, n * boost, _PACKED[n] if n < 256 else pack_uint(n))
                for term, n in analyzer.counts(value).items())


def language_analyzer(lang: str, wordset: Iterable[str] = (), *, stemming: bool = True,
                      decompound: bool = True, keep: frozenset[str] = frozenset()) -> LanguageAnalyzer:
    """The index-and-query analyzer for one language ("de" or "en"); ``keep``: stopwords to index anyway."""
    return LanguageAnalyzer(lang, wordset, stemming=stemming, decompound=decompound, keep=keep)


def plain_analyzer() -> PlainAnalyzer:
    return PlainAnalyzer()


def ngram_analyzer() -> TrigramAnalyzer:
    return TrigramAnalyzer()


def prefix_analyzer() -> PrefixAnalyzer:
    return PrefixAnalyzer()


def build_wordset(texts: Iterable[str], min_docs: int = 1) -> set[str]:
    """The decompounding word list from the content's own vocabulary: folded words of at least MIN_PART
    letters that are not stopwords. Compounds in the vocabulary are harmless: a part must itself be a word."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(words(text)))
    return {w for w, n in counts.items()
            if n >= min_docs and len(w) >= MIN_PART and w.isalpha() and w not in ALL_STOPWORDS} | BASE_WORDS


# German separable verbs put their particle at the end of the clause: "Wie starte ich das Modem neu?" means
# "neu starten", "Wie nehme ich meine Nummer mit?" means "mitnehmen". Many particles are stopwords, so without
# this the question loses its verb.
SEPARABLE_PARTICLES = frozenset({
    "ab", "an", "auf", "aus", "bei", "ein", "fest", "frei", "her", "hin", "hoch", "los", "mit", "nach", "neu",
    "um", "vor", "weg", "weiter", "zu", "zuruck", "zusammen", "durch", "runter", "herunter", "raus", "rein"})


# The subject right after the verb is what makes a query a clause ("Wie setze ich die Box zurück?"): without it,
# "rechnung zu hoch" would become the known word "hochrechnung".
SUBJECTS = frozenset({"ich", "man", "du", "sie", "wir", "er", "es", "ihr"})


def rejoin_separable(folded: list[str], known: Callable[[str], bool]) -> list[str]:
    """Join a clause-final particle to the first earlier verb, followed by its subject, that forms a known word
    with it (["starte", "ich", "modem", "neu"] → ["neustarte", "ich", "modem"] when "neustarte" is indexed)."""
    if len(folded) < 3 or folded[-1] not in SEPARABLE_PARTICLES:
        return folded
    particle = folded[-1]
    for i, word in enumerate(folded[:-2]):
        if word in ALL_STOPWORDS or len(word) < 3 or not word.isalpha() or folded[i + 1] not in SUBJECTS:
            continue
        if known(particle + word):
            return [*folded[:i], particle + word, *folded[i + 1:-1]]
    return folded


_ONLY_STOPWORDS = {"de": STOPWORDS["de"] - STOPWORDS["en"], "en": STOPWORDS["en"] - STOPWORDS["de"]}


def query_language(folded: list[str]) -> str | None:
    """The language a query's function words give away ("no internet", "how to set up my router": "en";
    "Wie starte ich das Modem neu": "de"), or None when they don't tell."""
    counts = {lang: sum(1 for w in folded if w in only) for lang, only in _ONLY_STOPWORDS.items()}
    if counts["de"] == counts["en"]:
        return None
    return max(counts, key=counts.get)
