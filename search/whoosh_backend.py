"""Whoosh implementation of the search backend.

Layout under SEARCH_INDEX_DIR: ``current`` (a symlink to the live generation directory ``gen-<ns>``),
``pending.log`` (keys whose indexing failed or came in during a rebuild, applied by the next writer), ``.lock``
(serialises creation), ``rebuild.lock`` (held while `flask search reindex` builds a new generation).

Whoosh facts this follows (whoosh-reloaded 2.7.5): never ``Searcher.refresh()`` (wrong results after merges and
deletes) — open a new searcher; one searcher per process, reopened only when ``up_to_date()`` is false or the
generation changed; a second writer gets ``LockError`` at once, so writers use ``writer(timeout=…, delay=…)``
and a writer that still cannot get the lock queues its keys in ``pending.log`` instead of failing the request.
"""
from __future__ import annotations

import bisect
import collections
import fcntl
import heapq
import itertools
import logging
import operator
import os
import shutil
import threading
import time
from array import array
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.matching import AndMaybeMatcher, IntersectionMatcher, NullMatcherClass, ReadTooFar, UnionMatcher
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.query import And, AndMaybe, Term
from whoosh.reading import SegmentReader
from whoosh.query import Or as _WhooshOr
from whoosh.util.numeric import byte_to_length

from search import analysis, whoosh_build
from search.backend import FEW_RESULTS, Document, Hit, Query, Results, SearchBackend, SearchUnavailable

log = logging.getLogger(__name__)


def _doc_field_length(self, docnum, fieldname, default=0):
    """W3PerDocReader.doc_field_length, reading a segment's whole length column once instead of seeking for one
    byte per call: Whoosh asks for each posting it writes and each document it scores (about a quarter of the
    reindex time went there). Same results: a zero byte still answers None, a missing column the default."""
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    tables = self.__dict__.setdefault("_helpcenter_lengths", {})
    table = tables.get(fieldname)
    if table is None:
        reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        table = tables[fieldname] = False if reader is None else reader._dbfile.get(reader._basepos, reader._count)
    if table is False:
        return default
    lbyte = table[docnum] if docnum < len(table) else 0
    return _LENGTHS[lbyte] if lbyte else None


_LENGTHS = [byte_to_length(b) for b in range(256)]
W3PerDocReader.doc_field_length = _doc_field_length


def _leaf_skip_to(self, targetid):
    """W3LeafMatcher.skip_to, finding the target in a block by bisection instead of one ``next()`` per posting:
    an And of a rare and a common word stepped through nearly every posting of the common one (most of the search
    time at 100k documents). Same position afterwards: the first posting at or after ``targetid``."""
    if not self.is_active():
        raise ReadTooFar
    if self._ids is None:
        self._read_ids()
    if targetid <= self._ids[self._i]:
        return
    while True:
        while targetid > self._maxid:
            self._next_block()
            if self._atend:
                return
        if self._ids is None:
            self._read_ids()
        ids = self._ids
        i = bisect.bisect_left(ids, targetid, self._i)
        if i < len(ids):
            self._i = i
            return
        self._i = len(ids) - 1  # (not reached: a block's last id is its maximum) on to the next block
        self.next()
        if not self.is_active():
            return


W3LeafMatcher.skip_to = _leaf_skip_to


class Or(_WhooshOr):
    """Union as a tree of matchers (Whoosh preloads whole arrays for small segments, which is slower here)."""

    matcher_type = _WhooshOr.DEFAULT_MATCHER


LANGS = ("de", "en")
# Title three times and tags twice in the one "text" field per language: title > tags > body with a single
# posting list per word and language (the separate title field serves the title-only matching of suggest).
FIELD_BOOSTS = {"text": 1.0}
TITLE_BOOST = 1.0
LANGUAGE_PREFERENCE = 2.0
WRITE_TIMEOUT = 10.0
WRITE_DELAY = 0.05
MAX_WORDS = 12
RARE_WORD_DOCS = 1  # a word in at most this many documents may be someone's typo
HIGHLIGHT_CHARS = 4000  # snippets come from the first part of long bodies (bounded work per hit)
DIRECT_SCORING = 400  # up to this many matches are scored directly (see WhooshBackend._top)
MASK_CACHE = 4096  # per-term bitmasks kept per searcher (12.5 kB each at 100k documents)
POSTINGS_CACHE = 4_000_000  # decoded postings kept per searcher for scoring (12 bytes each: 48 MB)

# Language features can be switched off for the relevance evaluation's with/without figures.
FEATURES = {"stemming": True, "decompounding": True, "synonyms": True, "ngrams": True, "correction": True}


def _text(analyzer):
    """A TEXT field (no positions) whose term counts come straight from the analyzer's word cache."""
    field = TEXT(analyzer=analyzer, phrase=False)
    field.format = analysis.TermCounts(field_boost=field.format.field_boost)
    return field


def _unscored(field):
    """A field only looked up, never ranked (the spelling vocabulary): no per-document lengths to write."""
    field.scorable = False
    return field


def make_schema(wordset: Iterable[str] = ()) -> Schema:
    wordset = set(wordset)
    fields = {
        "key": ID(unique=True, stored=True),
        "type": ID(stored=True, sortable=True),
        "category": ID(stored=True, sortable=True),
        "lang": ID(stored=True),
        "obj_id": STORED,
        "slug": STORED,
        "url": STORED,
        "title": STORED,
        "summary": STORED,
        "cues": STORED,
        "chapters": STORED,
        "version": STORED,
        "spell": _unscored(_text(analysis.plain_analyzer())),
        "ngram": _text(analysis.ngram_analyzer()),
        "prefix": _text(analysis.prefix_analyzer()),
    }
    fields["body"] = STORED  # for highlighting
    for lang in LANGS:
        options = {"stemming": FEATURES["stemming"], "decompound": FEATURES["decompounding"]}
        # One "text" field per language (title three times, tags twice, body) keeps matching to one posting list
        # per word and language; the short title field (negations kept) adds to the score of title matches.
        for name, keep in (("text", frozenset()), ("title", analysis.NEGATIONS)):
            fields[f"{name}_{lang}"] = _text(analysis.language_analyzer(lang, wordset, keep=keep, **options))
    return Schema(**fields)


def document_fields(doc: Document) -> dict:
    lang = doc.lang if doc.lang in LANGS else "de"
    tags = " ".join(doc.tags)
    body = "\n".join(p for p in (doc.summary, doc.body) if p)
    fields = {
        "key": doc.key, "type": doc.type, "category": doc.category or "-", "lang": lang,
        "obj_id": doc.obj_id, "slug": doc.slug, "url": doc.url, "title": doc.title, "summary": doc.summary,
        "cues": [list(c) for c in doc.cues], "chapters": [list(c) for c in doc.chapters], "version": doc.version,
        f"title_{lang}": doc.title, f"text_{lang}": f"{doc.title}\n{doc.title}\n{doc.title}\n{tags}\n{tags}\n{body}",
        "body": body,
        # spelling vocabulary: title, tags and summary (the body would double the analysis cost)
        "spell": f"{doc.title} {tags} {doc.summary}", "ngram": doc.title, "prefix": doc.title,
    }
    if doc.boost != 1.0:
        fields["_boost"] = doc.boost
    return fields


START, END = "\x01", "\x02"  # highlight markers (the PostgreSQL backend's ts_headline output uses them too)


def segments(marked: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for i, part in enumerate(marked.replace(END, START).split(START)):
        if part:
            out.append((part, i % 2 == 1))
    return out


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


_BIT = tuple(1 << n for n in range(8))


def _term_mask(searcher, field: str, text) -> int:
    """The live documents holding a term, as a bitmask (bit n: document number n). Whoosh 3 leaf matchers are
    read a block of ids at a time (one generator step per posting made cold masks cost tens of milliseconds at
    100k documents); other matchers go through all_ids()."""
    bits = bytearray(searcher.doc_count_all() // 8 + 1)
    mask = 0
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (field, text) not in reader:
            continue
        matcher = reader.postings(field, text)
        leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher  # deletions: masked below
        if isinstance(leaf, W3LeafMatcher):
            ids, weights = array("I"), array("d")  # kept for scoring (see _SegmentScores._postings)
            while leaf.is_active():
                if leaf._ids is None:
                    leaf._read_ids()
                if leaf._weights is None:
                    leaf._read_weights()
                ids.extend(leaf._ids)
                weights.extend(iter(leaf._weights))
                leaf._next_block()
            _keep_postings(searcher, (offset, leaf._term), (ids, weights))
            mask |= _ids_mask(ids, sub.doc_count_all()) << offset
        else:
            for n in matcher.all_ids():
                n += offset
                bits[n >> 3] |= _BIT[n & 7]
    return (int.from_bytes(bits, "little") | mask) & _live_mask(searcher)


def _ids_mask(ids, size: int) -> int:
    """A bitmask of document numbers below ``size``, in C loops: a byte per document set to 1, then each eighth
    of those bytes (documents 8i+j for one j) read as a number whose byte i is 0 or 1, shifted by j into place."""
    flags = bytearray(size)
    collections.deque(map(flags.__setitem__, ids, itertools.repeat(1)), maxlen=0)
    return reduce(operator.or_, (int.from_bytes(flags[j::8], "little") << j for j in range(8)))


def _read_ids(self):
    """W3LeafMatcher._read_ids with the delta decoding in C (itertools.accumulate; Whoosh's delta_decode is a
    generator, a Python step per posting). Same ids."""
    if self._data is None:
        self._read_data()
    ids = self._data[0]
    if not self._byteids:
        ids = tuple(itertools.accumulate(ids))
    self._ids = ids


W3LeafMatcher._read_ids = _read_ids


def _keep_postings(searcher, key, postings: tuple[array, array]) -> None:
    """Keep a term's decoded postings (document numbers, weights) of one segment with the searcher, at most
    POSTINGS_CACHE postings in all (12 bytes each)."""
    cache = getattr(searcher, "_helpcenter_postings", None)
    if cache is None:
        cache = searcher._helpcenter_postings = {}
        searcher._helpcenter_postings_kept = 0
    old = cache.pop(key, None)
    kept = searcher._helpcenter_postings_kept - (len(old[0]) if old else 0) + len(postings[0])
    if kept > POSTINGS_CACHE:
        cache.clear()
        kept = len(postings[0])
    cache[key] = postings
    searcher._helpcenter_postings_kept = kept


def _live_mask(searcher) -> int:
    cached = getattr(searcher, "_helpcenter_live", None)
    if cached is None:
        size = searcher.doc_count_all()
        cached = (1 << size) - 1
        if searcher.reader().has_deletions():
            bits = bytearray(size // 8 + 1)
            for n in searcher.reader().all_doc_ids():
                bits[n >> 3] |= _BIT[n & 7]
            cached = int.from_bytes(bits, "little")
        searcher._helpcenter_live = cached
    return cached


_BYTE_BITS = tuple(tuple(n for n in range(8) if byte >> n & 1) for byte in range(256))


def _bits(mask: int) -> list[int]:
    """The document numbers in a bitmask, ascending (byte by byte: taking off the lowest bit of a 100k-bit number
    thousands of times copied the whole number each time)."""
    if mask.bit_count() <= 32:
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    return [(i << 3) + n for i in itertools.compress(range(len(data)), data) for n in _BYTE_BITS[data[i]]]


class _Unsupported(Exception):
    """A matcher the exact scorer does not know: Whoosh's own search takes over."""


class _SegmentScores:
    """Whoosh's scores for chosen documents of one segment, read from the same matcher tree its search builds and
    added up in the same order (a union or intersection adds its left score to its right one, AndMaybe its
    optional part where it matches, a wrapper multiplies by its boost), so each score is the very float Whoosh's
    collector gets. The documents each node is asked for come from the per-term bitmasks, so a term is only looked
    up where it matches (a bisection in its decoded postings), never stepped through the postings in between; the
    documents a query matches are all scored, so the top k is exact (Whoosh's own top-k pruning, ``replace()``
    with the k-th score, sometimes dropped a document that belonged in it)."""

    def __init__(self, backend, searcher, sub, offset: int, size: int):
        self.backend, self.searcher, self.sub, self.offset = backend, searcher, sub, offset
        self.full = (1 << size) - 1
        self._masks: dict[int, int] = {}
        self._leaves: dict[tuple, dict[int, float]] = {}

    def mask(self, m) -> int:
        """The segment's (live) documents a matcher matches."""
        found = self._masks.get(id(m))
        if found is not None:
            return found
        kind = type(m)
        if kind is W3LeafMatcher:
            field, text = m._term
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            found = (self.backend._term_mask(self.searcher, field, text) >> self.offset) & self.full
        elif kind is UnionMatcher:
            found = self.mask(m.a) | self.mask(m.b)
        elif kind is IntersectionMatcher:
            found = self.mask(m.a) & self.mask(m.b)
        elif kind is AndMaybeMatcher:
            found = self.mask(m.a)
        elif kind is WrappingMatcher or kind is FilterMatcher:  # (a FilterMatcher leaves out deleted documents)
            found = self.mask(m.child)
        elif isinstance(m, NullMatcherClass):
            found = 0
        else:
            raise _Unsupported(kind.__name__)
        self._masks[id(m)] = found
        return found

    def scores(self, m, need: int) -> dict[int, float]:
        """Score of each document in ``need`` (documents ``m`` matches), by segment document number."""
        if not need:
            return {}
        kind = type(m)
        if kind is W3LeafMatcher:
            return self._leaf(m, need)
        if kind is UnionMatcher:
            a = self.scores(m.a, need & self.mask(m.a))
            b = self.scores(m.b, need & self.mask(m.b))
            if not b:
                return a
            if not a:
                return b
            out = dict(a)
            for doc, score in b.items():
                left = out.get(doc)
                out[doc] = score if left is None else left + score
            return out
        if kind is IntersectionMatcher:
            both = need & self.mask(m.a) & self.mask(m.b)
            a, b = self.scores(m.a, both), self.scores(m.b, both)
            return {doc: score + b[doc] for doc, score in a.items()}
        if kind is AndMaybeMatcher:
            a = self.scores(m.a, need)
            b = self.scores(m.b, need & self.mask(m.b))
            return {doc: (score + b[doc]) if doc in b else score for doc, score in a.items()}
        if kind is WrappingMatcher or kind is FilterMatcher:
            boost = m.boost
            return {doc: score * boost for doc, score in self.scores(m.child, need).items()}
        raise _Unsupported(kind.__name__)

    def _lengths(self, field: str):
        """The segment's length bytes of a field (what the scorer's ``dfl`` reads, through _doc_field_length), or
        None where the reader is not the usual one."""
        reader = self.sub.reader()
        perdoc = getattr(reader, "_perdoc", None)
        if type(reader).doc_field_length is not SegmentReader.doc_field_length or \
                type(perdoc).doc_field_length is not _doc_field_length or reader.is_closed:
            return None
        _doc_field_length(perdoc, 0, field, 1)
        table = perdoc.__dict__["_helpcenter_lengths"].get(field)
        return table if table else None  # no column: every length is the default

    def _postings(self, m) -> tuple[array, array]:
        """A term's document numbers and weights in this segment, decoded once per searcher (12 bytes a posting,
        POSTINGS_CACHE postings in all): queries keep coming back to the same words, and decoding posting blocks
        (zlib, pickle, delta decoding) was the larger part of scoring them."""
        key = (self.offset, m._term)
        found = getattr(self.searcher, "_helpcenter_postings", {}).get(key)
        if found is None:
            ids, weights = array("I"), array("d")
            m.reset()
            while m.is_active():
                if m._ids is None:
                    m._read_ids()
                if m._weights is None:
                    m._read_weights()
                ids.extend(m._ids)
                weights.extend(iter(m._weights))
                m._next_block()
            m.reset()
            found = (ids, weights)
            _keep_postings(self.searcher, key, found)
        return found

    def _leaf(self, m, need: int) -> dict[int, float]:
        key = (m._term, need)
        found = self._leaves.get(key)
        if found is not None:
            return found
        scorer = m.scorer
        direct = isinstance(scorer, scoring.WeightLengthScorer) and \
            type(scorer).score is scoring.WeightLengthScorer.score and hasattr(scorer, "dfl")
        table = self._lengths(m._term[0]) if direct else None
        if table is None:
            found = WhooshBackend._step_scores(m, _bits(need))
        else:
            # WeightLengthScorer.score(matcher) is _score(weight, dfl(doc)): the same two calls, once per distinct
            # (weight, length byte), at each document's posting (all of ``need`` are postings of the term)
            score_of, length_of = scorer._score, scorer.dfl
            ids, weights = self._postings(m)
            memo: dict[tuple, float] = {}
            found = {}
            k, n, size = 0, len(ids), len(table)
            if need.bit_count() == n:  # every posting of the term (need holds only postings): no lookups
                pairs = zip(ids, weights)
            else:
                pairs = []
                for doc in _bits(need):
                    k = bisect.bisect_left(ids, doc, k, n)
                    if k < n and ids[k] == doc:  # (always: the bitmask holds only postings of the term)
                        pairs.append((doc, weights[k]))
                        k += 1
            for doc, weight in pairs:
                wl = (weight, table[doc] if doc < size else 0)
                score = memo.get(wl)
                if score is None:
                    score = memo[wl] = score_of(wl[0], length_of(doc))
                found[doc] = score
        self._leaves[key] = found
        return found


def _exact_scores(backend, searcher, q, allowed: int) -> dict[int, float] | None:
    """Whoosh's score of every document in ``allowed`` (documents ``q`` matches), by document number: what its
    search would give each of them. None for a query with a matcher this does not handle."""
    out: dict[int, float] = {}
    context = searcher.context()
    try:
        for sub, offset in searcher.leaf_searchers():
            size = sub.doc_count_all()
            need = (allowed >> offset) & ((1 << size) - 1)
            if not need:
                continue
            part = _SegmentScores(backend, searcher, sub, offset, size)
            m = q.matcher(sub, context)
            need &= part.mask(m)
            for doc, score in part.scores(m, need).items():
                out[doc + offset] = score
    except _Unsupported:
        return None
    return out


class LanguageBM25F(scoring.BM25F):
    """BM25F whose per-language fields take their average length from that language's documents. Whoosh divides a
    field's total length by every document in the index, so the few English documents looked many times longer
    than average and an English title match was worth almost nothing. (Rarity, the IDF, stays global: a word in
    one English document is rare in the collection.)"""

    def scorer(self, searcher, fieldname, text, qf=1):
        lang = fieldname.rpartition("_")[2]
        if lang not in LANGS or not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return _LanguageScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf, lang)


class _LanguageScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf, lang):
        parent = searcher.get_parent()
        self.idf = parent.idf(fieldname, text)
        self.avgfl = parent.field_length(fieldname) / (parent.doc_frequency("lang", lang) or 1) or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


@dataclass
class Slot:
    """A query word with spelling corrections: ``applied`` ones (the word is unknown) change the results."""

    pos: int
    word: str
    fixes: list[str]
    applied: bool
    ngram: object = None


@dataclass
class Built:
    """A user's query as Whoosh clauses: ``clauses`` for the results (corrections and trigrams included),
    ``typed`` and ``fixed`` (every word as typed / every correction applied) for the "did you mean" decision."""

    words: list[str]
    lang: str | None = None  # the language the query's function words give away: its fields count more
    clauses: list = field(default_factory=list)
    typed: list = field(default_factory=list)
    fixed: list = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)  # applied to the results
    suggested: dict[str, str] = field(default_factory=dict)  # shown as "did you mean"

    slots: list[Slot] = field(default_factory=list)

    def title_words(self) -> list[str]:
        content = [self.corrections.get(w, w) for w in self.words if w not in analysis.ALL_STOPWORDS]
        return list(dict.fromkeys(content + [w for w in self.words if w in analysis.NEGATIONS]))[:MAX_WORDS]

    def add(self, clause, fixed=None, typed=None) -> None:
        self.clauses.append(clause)
        self.typed.append(typed if typed is not None else clause)
        self.fixed.append(fixed if fixed is not None else clause)


class WhooshBackend(SearchBackend):
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._lock = threading.RLock()
        self._ix = None
        self._ix_dir: Path | None = None
        self._searcher = None
        self._term_cache: dict[int, dict[str, frozenset[str]]] = {}
        self._unqueued: set[str] = set()  # keys the retry queue could not take (see _queue)

    # -- directories -------------------------------------------------------------------------------------------
    @contextmanager
    def _file_lock(self, name: str):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / name, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield fh
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def current_dir(self) -> Path | None:
        link = self.root / "current"
        try:
            return (self.root / os.readlink(link)).resolve()
        except OSError:
            return None

    def _swap(self, new_dir: Path) -> Path | None:
        old = self.current_dir()
        tmp = self.root / f"current.{os.getpid()}.tmp"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(new_dir.name, tmp)
        os.replace(tmp, self.root / "current")  # atomic on POSIX
        return old

    def ensure(self) -> Path:
        """The live generation directory, created empty on first use."""
        current = self.current_dir()
        if current is not None and current.exists():
            return current
        with self._file_lock(".lock"):
            current = self.current_dir()
            if current is not None and current.exists():
                return current
            new_dir = self.root / f"gen-{time.time_ns()}"
            new_dir.mkdir(parents=True)
            whoosh_index.create_in(str(new_dir), make_schema())
            self._swap(new_dir)
            return new_dir

    def _open(self):
        try:
            directory = self.ensure()
            if self._ix is None or self._ix_dir != directory:
                self._ix = whoosh_index.open_dir(str(directory))
                self._ix_dir = directory
                self._searcher = None
            return self._ix
        except (OSError, whoosh_index.IndexError, EOFError, ValueError) as exc:
            self._ix = None
            raise SearchUnavailable(str(exc)) from exc

    def searcher(self):
        """This process's searcher; a new one only when the index changed (never Searcher.refresh())."""
        with self._lock:
            ix = self._open()
            try:
                if self._searcher is None or not self._searcher.up_to_date():
                    self._searcher = ix.searcher(weighting=LanguageBM25F())
            except Exception as exc:  # a corrupt or half-deleted index must not break pages
                self._ix = None
                self._searcher = None
                raise SearchUnavailable(str(exc)) from exc
            return self._searcher

    # -- writing -------------------------------------------------------------------------------------------------
    def _queue(self, keys: Iterable[str]) -> None:
        """Append keys to the retry queue. If the queue cannot be written (read-only or broken index root) the
        keys stay in this process's memory for its next write, and the error is logged and reported by
        ``write_problem()`` (`flask search check`, /healthz) instead of being dropped silently."""
        keys = [k for k in keys if k]
        if not keys:
            return
        try:
            with self._file_lock("pending.log") as fh:
                fh.seek(0, os.SEEK_END)
                fh.write("".join(k + "\n" for k in keys))
        except OSError as exc:
            self._unqueued.update(keys)
            log.error("search: cannot write the retry queue in %s (%s); %d changes wait in this process only: %s",
                      self.root, exc, len(keys), ", ".join(keys[:20]))

    def pending(self) -> list[str]:
        path = self.root / "pending.log"
        try:
            queued = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        except OSError:
            queued = []
        return queued + sorted(self._unqueued - set(queued))

    def _take_pending(self) -> list[str]:
        keys = sorted(self._unqueued)
        self._unqueued.clear()
        if (self.root / "pending.log").is_file():
            with self._file_lock("pending.log") as fh:
                fh.seek(0)
                keys += [line.strip() for line in fh.read().splitlines() if line.strip()]
                fh.seek(0)
                fh.truncate()
        return keys

    def write_problem(self) -> str | None:
        """Why changes cannot be kept in step right now (the retry queue is not writable, or changes of this
        process are waiting in memory only), or None."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.root / "pending.log", "a"):
                pass
        except OSError as exc:
            return f"Warteschlange {self.root / 'pending.log'} nicht beschreibbar: {exc.strerror or exc}"
        if self._unqueued:
            return f"{len(self._unqueued)} Änderungen warten nur im Speicher dieses Prozesses"
        return None

    def health(self) -> str:
        problem = self.write_problem()
        if problem:
            raise SearchUnavailable(problem)
        return super().health()

    @contextmanager
    def _rebuilding(self):
        """Held for a whole rebuild: writers that find it taken queue their keys at once instead of waiting."""
        with self._file_lock("rebuild.lock"):
            yield

    def rebuild_running(self) -> bool:
        try:
            with open(self.root / "rebuild.lock", "a+") as fh:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fh, fcntl.LOCK_UN)
        except BlockingIOError:
            return True
        except OSError:
            return False
        return False

    def apply(self, load, keys=()) -> bool:
        keys = list(keys)
        if self.rebuild_running():
            # The new generation is being built: queue now (a save must not wait for the rebuild); the rebuild's
            # caller applies the queue to the new generation right after the swap.
            self._queue(keys)
            log.info("search: rebuild running; %d changes queued for after the swap", len(keys))
            return False
        for _attempt in range(3):
            try:
                ix = self._open()
                writer = ix.writer(timeout=WRITE_TIMEOUT, delay=WRITE_DELAY)
            except (LockError, SearchUnavailable, OSError) as exc:
                log.warning("search index busy or unavailable (%s); %d changes queued for retry", exc, len(keys))
                self._queue(keys)
                return False
            if self.current_dir() != self._ix_dir:  # a reindex swapped generations while we waited
                writer.cancel()
                continue
            retry: list[str] = []
            try:
                retry = self._take_pending()
                docs, deletes = load(retry)
                for key in deletes:
                    writer.delete_by_term("key", key)
                for doc in docs:
                    writer.update_document(**document_fields(doc))
                writer.commit(merge=True)
                return True
            except Exception:
                writer.cancel()
                self._queue(keys + retry)
                log.exception("search indexing failed; changes queued for retry")
                return False
        self._queue(keys)
        return False

    def rebuild(self, documents, vocabulary, progress=None, procs=1) -> int:
        """Build a fresh generation, swap it in atomically, drop the old one. Meanwhile incremental writers queue
        their keys at once (``rebuild_running()``); whoever rebuilds then applies the queue to the new generation
        (search.indexer.reindex does), so no change made during the rebuild is lost or waits for it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._rebuilding():
            old_dir = self.current_dir()
            old_writer = None
            if old_dir is not None and old_dir.exists():
                try:  # a write that started before the rebuild finishes first, so the rebuild reads its commit
                    old_writer = whoosh_index.open_dir(str(old_dir)).writer(timeout=60, delay=0.1)
                except Exception:  # corrupt old index: rebuild anyway
                    old_writer = None
            new_dir = self.root / f"gen-{time.time_ns()}"
            new_dir.mkdir(parents=True)
            try:
                ix = whoosh_index.create_in(str(new_dir), make_schema(analysis.build_wordset(vocabulary)))
                count = whoosh_build.build(ix, map(document_fields, documents), procs=procs, progress=progress)
                if progress:
                    progress(count)
                self._swap(new_dir)
            except BaseException:
                shutil.rmtree(new_dir, ignore_errors=True)
                raise
            finally:
                if old_writer is not None:
                    old_writer.cancel()
        if old_dir is not None and old_dir != new_dir:
            shutil.rmtree(old_dir, ignore_errors=True)
        with self._lock:
            self._ix = None
            self._searcher = None
        return count

    def versions(self) -> dict[str, str]:
        searcher = self.searcher()
        return {fields["key"]: fields.get("version", "") for fields in searcher.reader().all_stored_fields()}

    # -- querying ------------------------------------------------------------------------------------------------
    def _analyzers(self, schema):
        return {lang: schema[f"text_{lang}"].analyzer for lang in LANGS}

    def _word_clause(self, analyzers, word: str, prefer: str | None = None):
        subs = []
        for lang, analyzer in analyzers.items():
            tokens = [t.text for t in analyzer(word, mode="query")]
            if not tokens:
                continue
            whole, parts = tokens[0], tokens[1:]
            weight = LANGUAGE_PREFERENCE if lang == prefer else 1.0
            for name, field_boost in FIELD_BOOSTS.items():
                boost = field_boost * weight
                field = f"{name}_{lang}"
                subs.append(Term(field, whole, boost=boost))
                if parts:
                    subs.append(And([Term(field, p, boost=boost * 0.8) for p in parts]))
        return Or(subs) if subs else None

    def _ngram_clause(self, word: str, boost: float = 0.3):
        grams = {word[i:i + 3] for i in range(len(word) - 2)}
        return Or([Term("ngram", g, boost=boost) for g in sorted(grams)]) if grams else None

    def _can_match(self, searcher, q) -> bool:
        """Whether a clause matches any document: a compound's parts must occur together somewhere."""
        if isinstance(q, Term):
            return bool(searcher.doc_frequency(q.fieldname, q.text))
        if isinstance(q, And):
            return all(self._can_match(searcher, sub) for sub in q.subqueries) and self._mask(searcher, q) != 0
        return any(self._can_match(searcher, sub) for sub in q.subqueries)

    def _known_word(self, searcher, analyzers, word: str) -> bool:
        """The word (as the analyzers index it, stemmed) occurs in some document."""
        for lang, analyzer in analyzers.items():
            tokens = [t.text for t in analyzer(word, mode="query")]
            if tokens and searcher.doc_frequency(f"text_{lang}", tokens[0]):
                return True
        return False

    def _corrections(self, searcher, word: str, limit: int = 3) -> list[str]:
        """Spelling-vocabulary words within 1 (short words) or 2 edits, closest and most frequent first; swapping
        two neighbouring letters counts as one edit ("Rehcnugn" → "rechnung": two swaps). Kept per searcher: a
        long word without a close match builds one automaton per swap (up to 150 ms), and people repeat queries."""
        if len(word) < 4 or not word.isalpha() or word in analysis.ALL_STOPWORDS:
            return []
        cache = getattr(searcher, "_helpcenter_corrections", None)
        if cache is None:
            cache = searcher._helpcenter_corrections = {}
        key = (word, limit)
        if key not in cache:
            if len(cache) >= MASK_CACHE:
                cache.clear()
            cache[key] = self._find_corrections(searcher, word, limit)
        return list(cache[key])

    def _find_corrections(self, searcher, word: str, limit: int) -> tuple[str, ...]:
        maxdist = 1 if len(word) <= 5 else 2
        reader = searcher.reader()
        candidates = set(reader.terms_within("spell", word, maxdist, prefix=1))
        if not candidates and maxdist == 2:
            # Whoosh's automaton counts a swap as two edits: look around each one-swap variant as well.
            for i in range(len(word) - 1):
                variant = word[:i] + word[i + 1] + word[i] + word[i + 2:]
                candidates.update(reader.terms_within("spell", variant, 2, prefix=0 if i == 0 else 1))
        ranked = []
        for cand in candidates - {word}:
            dist = edit_distance(word, cand, maxdist)
            if dist <= maxdist:
                ranked.append((dist, -reader.doc_frequency("spell", cand), cand))
        return tuple(cand for _d, _f, cand in sorted(ranked)[:limit])

    def _rare_word_fixes(self, searcher, analyzers, word: str) -> list[str]:
        """Corrections for a word that is in the index but in hardly any document (someone else's typo in a post)
        when a close word is far more common: offered as "did you mean", the results stay for the word as typed."""
        if len(word) < 5 or word in analysis.ALL_STOPWORDS:
            return []
        freq = 0
        for lang, analyzer in analyzers.items():
            tokens = [t.text for t in analyzer(word, mode="query")]
            if tokens:
                freq += searcher.doc_frequency(f"text_{lang}", tokens[0])
        if freq > RARE_WORD_DOCS:
            return []
        return [fix for fix in self._corrections(searcher, word)
                if searcher.doc_frequency("spell", fix) >= 3 * max(freq, 1)]

    def build(self, searcher, text: str, synonyms: list[list[str]]) -> Built:
        """The Whoosh query for a user's text: one clause per word (or synonym phrase), every field and language
        (title > tags > body), unknown words corrected or matched by trigrams. Alongside, the clauses as typed
        and with every correction applied, to decide whether "did you mean" finds more."""
        analyzers = self._analyzers(searcher.schema)
        all_words = analysis.words(text)[:MAX_WORDS * 2]
        all_words = analysis.rejoin_separable(all_words, lambda w: self._known_word(searcher, analyzers, w))
        content = [w for w in all_words if w not in analysis.ALL_STOPWORDS]
        use = content or all_words
        use = use[:MAX_WORDS]
        built = Built(words=all_words, lang=analysis.query_language(all_words))
        i = 0
        de = analyzers["de"]

        def key(w: str) -> str:  # synonyms match on stems: "Lampen" finds the group of "Lampe"
            toks = [t.text for t in de(w)]
            return toks[0] if toks else w

        groups = [[tuple(analysis.words(p)) for p in group] for group in synonyms] if FEATURES["synonyms"] else []
        keyed = [[tuple(key(w) for w in phrase) for phrase in group] for group in groups]
        use_keys = [key(w) for w in use]
        while i < len(use):
            matched = None
            for group, kgroup in zip(groups, keyed):
                for kphrase in kgroup:
                    if kphrase and tuple(use_keys[i:i + len(kphrase)]) == kphrase and (
                            matched is None or len(kphrase) > matched[0]):
                        matched = (len(kphrase), group)
            if matched:
                alts = []
                for phrase in matched[1]:
                    parts = [c for c in (self._word_clause(analyzers, w, built.lang) for w in phrase
                                         if w not in analysis.ALL_STOPWORDS) if c is not None]
                    if parts:
                        alts.append(parts[0] if len(parts) == 1 else And(parts))
                if alts:
                    built.add(Or(alts))
                i += matched[0]
                continue
            word = use[i]
            i += 1
            clause = self._word_clause(analyzers, word, built.lang)
            if clause is None:
                continue
            if self._can_match(searcher, clause):
                fixes = self._rare_word_fixes(searcher, analyzers, word) if FEATURES["correction"] else []
                built.add(clause)
                if fixes:
                    built.slots.append(Slot(len(built.clauses) - 1, word, fixes, applied=False))
                continue
            fixes = self._corrections(searcher, word) if FEATURES["correction"] else []
            ngram = self._ngram_clause(word) if FEATURES["ngrams"] else None
            built.add(ngram if ngram is not None else clause, fixed=ngram if fixes else clause, typed=clause)
            if fixes:
                built.slots.append(Slot(len(built.clauses) - 1, word, fixes, applied=True, ngram=ngram))
        self._resolve(searcher, analyzers, built)
        return built

    def _resolve(self, searcher, analyzers, built: Built) -> None:
        """Pick each misspelt word's correction in the context of the other words: the candidate with which the
        whole query matches most documents ("Pasword ändern": "passwort", not the English "password")."""
        for slot in built.slots:
            best = None
            for rank, fix in enumerate(slot.fixes):
                clause = self._word_clause(analyzers, fix, built.lang)
                if clause is None:
                    continue
                trial = [*built.fixed[:slot.pos], clause, *built.fixed[slot.pos + 1:]]
                count = self._count(searcher, trial) if len(slot.fixes) > 1 else 0
                if best is None or count > best[0]:
                    best = (count, fix, clause)
            if best is None:
                continue
            _count, fix, clause = best
            built.fixed[slot.pos] = clause
            built.suggested[slot.word] = fix
            if slot.applied:
                built.corrections[slot.word] = fix
                built.clauses[slot.pos] = Or([clause, slot.ngram]) if slot.ngram is not None else clause

    def _title_clause(self, searcher, built: Built):
        """Optional: the query's content words and negations in titles ("no internet" → "No internet connection"
        first). Adds to the score of documents that match anyway; never decides which documents match."""
        subs = []
        for word in built.title_words():
            for lang in LANGS:
                field = f"title_{lang}"
                tokens = [t.text for t in searcher.schema[field].analyzer(word, mode="query")]
                if tokens and searcher.doc_frequency(field, tokens[0]):
                    weight = LANGUAGE_PREFERENCE if lang == built.lang else 1.0
                    subs.append(Term(field, tokens[0], boost=TITLE_BOOST * weight))
        return Or(subs) if subs else None

    def _count(self, searcher, clauses: list) -> int:
        if not clauses:
            return 0
        return reduce(operator.and_, (self._mask(searcher, c) for c in clauses)).bit_count()

    def suggestion(self, searcher, built: Built) -> str | None:
        """ "Did you mean": the query with its corrections, only when that finds more documents (every word
        matching) than the query as typed."""
        if not built.suggested:
            return None
        if self._count(searcher, built.fixed) <= self._count(searcher, built.typed):
            return None
        return " ".join(built.suggested.get(w, w) for w in built.words)

    def _reading(self, read, *args):
        """Run a read; an index that breaks under an open searcher (files truncated, corrupt, deleted) gives
        SearchUnavailable, and the next read opens the index afresh."""
        try:
            return read(*args)
        except SearchUnavailable:
            raise
        except Exception as exc:
            with self._lock:
                self._ix = self._searcher = None
                self._term_cache.clear()
            log.exception("search: reading the index failed")
            raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def search(self, query: Query) -> Results:
        return self._reading(self._search, query)

    def suggest(self, text: str, limit: int = 8) -> list[dict]:
        return self._reading(self._suggest, text, limit)

    def _search(self, query: Query) -> Results:
        searcher = self.searcher()
        results = Results(query=query.text, page=query.page, per_page=query.per_page)
        built = self.build(searcher, query.text, query.synonyms)
        clauses = built.clauses
        if not clauses:
            return results
        # Which documents match, as bitmasks (set algebra in C, per-term masks cached per searcher): every word;
        # when fewer than FEW_RESULTS have them all, those first and then the documents with some of the words.
        masks = [self._mask(searcher, c) for c in clauses]
        matched, q = reduce(operator.and_, masks), (And(clauses) if len(clauses) > 1 else clauses[0])
        complete, partial_q = matched, None
        if matched.bit_count() < FEW_RESULTS and len(clauses) > 1:
            matched, partial_q = reduce(operator.or_, masks), Or(clauses)
        facets = self._facet_masks(searcher)
        results.facets = {name: dict(sorted(((v, n) for v, m in values.items()
                                             if v != "-" and (n := (matched & m).bit_count())),
                                            key=lambda kv: (-kv[1], kv[0])))
                          for name, values in facets.items()}
        allowed = matched
        for name, value in (("type", query.type), ("category", query.category)):
            if value:
                allowed &= facets[name].get(value, 0)
        results.total = allowed.bit_count()
        results.suggestion = self.suggestion(searcher, built)
        results.corrected = bool(built.corrections) and results.suggestion is not None
        first = (max(query.page, 1) - 1) * query.per_page
        if first >= results.total:
            return results
        title = self._title_clause(searcher, built)
        with_title = (lambda x: AndMaybe(x, title)) if title is not None else (lambda x: x)
        need = first + query.per_page
        top = allowed & complete
        page = self._top(searcher, with_title(q), top, top.bit_count(), query, need) if top else []
        if partial_q is not None and len(page) < need:
            rest = allowed & ~complete  # (Whoosh's own top-k search, for big result sets, sees only the filters)
            more = self._top(searcher, with_title(partial_q), rest, rest.bit_count(), query, need)
            page += [(docnum, score) for docnum, score in more if not complete >> docnum & 1][:need - len(page)]
        page = page[first:]
        q = partial_q if partial_q is not None else q  # snippets mark any of the words
        terms_by_lang = {lang: {t for f, t in q.iter_all_terms() if f == f"text_{lang}"} for lang in LANGS}
        terms_by_lang = {lang: {(t.decode() if isinstance(t, bytes) else t) for t in ts}
                         for lang, ts in terms_by_lang.items()}
        analyzers = self._analyzers(searcher.schema)
        for docnum, score in page:
            fields = searcher.stored_fields(docnum)
            lang = fields.get("lang", "de")
            snippet: list[tuple[str, bool]] = []
            t = None
            if fields["type"] == "video":
                t, snippet = self._best_cue(fields, analyzers[lang], terms_by_lang.get(lang, set()))
            if not snippet and query.highlight:
                snippet = self._snippet((fields.get("body") or "")[:HIGHLIGHT_CHARS], analyzers[lang],
                                        terms_by_lang.get(lang, set()))
            if not snippet:
                snippet = [((fields.get("summary") or "")[:220], False)]
            results.hits.append(Hit(type=fields["type"], obj_id=fields["obj_id"], slug=fields.get("slug", ""),
                                    title=fields["title"], url=fields["url"],
                                    category="" if fields.get("category") == "-" else fields.get("category", ""),
                                    snippet=snippet, t=t, score=score))
        return results

    def _top(self, searcher, q, allowed: int, total: int, query: Query, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs among ``allowed``. A few hundred candidates are
        scored directly, each query term read at just those documents; more go to Whoosh's top-k search, which
        skips whole blocks of postings that cannot reach the top."""
        if total <= DIRECT_SCORING:
            scores = self._score(searcher, q, allowed)
            return heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        scores = _exact_scores(self, searcher, q, allowed)
        if scores is not None:  # what Whoosh's top-k search returns (best score, then lowest number), much faster
            return heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        filter_q = And([Term(n, v) for n, v in (("type", query.type), ("category", query.category)) if v]) \
            if (query.type or query.category) else None
        return [(hit.docnum, hit.score or 0.0) for hit in searcher.search(q, limit=limit, filter=filter_q)]

    def _score(self, searcher, q, allowed: int) -> dict[int, float]:
        """Whoosh's scores (BM25F, term boosts, document boosts) for the documents in ``allowed``: Or, And and
        AndMaybe add up their parts, an And only where all its parts match. Each term is read only at the
        documents it matches (from its bitmask), segment by segment, with the score its matcher gives there."""
        docs = _bits(allowed)
        leaf_scores: dict[Term, dict[int, float]] = {}
        leaves = [leaf for leaf in q.leaves() if isinstance(leaf, Term)]
        subs = searcher.leaf_searchers()
        context = searcher.context()
        for leaf in dict.fromkeys(leaves):
            need = allowed & self._mask(searcher, leaf)
            found: dict[int, float] = {}
            for sub, offset in subs:
                size = sub.doc_count_all()
                local = (need >> offset) & ((1 << size) - 1)
                if not local:
                    continue
                matcher = leaf.matcher(sub, context)
                part = _SegmentScores(self, searcher, sub, offset, size)
                try:
                    scores = part.scores(matcher, local & part.mask(matcher))
                except _Unsupported:
                    scores = self._step_scores(matcher, _bits(local))
                for doc, score in scores.items():
                    found[doc + offset] = score
            leaf_scores[leaf] = found

        def combine(node) -> dict[int, float]:
            if isinstance(node, Term):
                return leaf_scores.get(node, {})
            if isinstance(node, AndMaybe):
                base, extra = combine(node.a), combine(node.b)
                return {doc: score + extra.get(doc, 0.0) for doc, score in base.items()}
            parts = [combine(sub) for sub in node.subqueries]
            if isinstance(node, And):
                common = set(parts[0]).intersection(*parts[1:]) if parts else set()
                return {doc: sum(p[doc] for p in parts) for doc in common}
            total: dict[int, float] = {}
            for part in parts:
                for doc, score in part.items():
                    total[doc] = total.get(doc, 0.0) + score
            return total

        scores = combine(q)
        return {doc: scores.get(doc, 0.0) for doc in docs}

    @staticmethod
    def _step_scores(matcher, docs: list[int]) -> dict[int, float]:
        """A matcher's scores at ``docs`` (ascending), stepping it along (any kind of matcher)."""
        found: dict[int, float] = {}
        for doc in docs:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                found[doc] = matcher.score()
        return found

    def _mask(self, searcher, q) -> int:
        """The documents a clause matches, as a bitmask (bit n: document number n)."""
        if isinstance(q, Term):
            return self._term_mask(searcher, q.fieldname, q.text)
        masks = (self._mask(searcher, sub) for sub in q.subqueries)
        return reduce(operator.and_ if isinstance(q, And) else operator.or_, masks, -1 if isinstance(q, And) else 0)

    def _term_mask(self, searcher, field: str, text) -> int:
        cache = getattr(searcher, "_helpcenter_masks", None)
        if cache is None:
            cache = searcher._helpcenter_masks = {}
        key = (field, text)
        mask = cache.get(key)
        if mask is None:
            mask = _term_mask(searcher, field, text) if searcher.doc_frequency(field, text) else 0
            if len(cache) >= MASK_CACHE:
                cache.clear()
            cache[key] = mask
        return mask

    def _facet_masks(self, searcher) -> dict[str, dict[str, int]]:
        """Per searcher: for each facet value, the bitmask of its documents (built once from postings)."""
        cached = getattr(searcher, "_helpcenter_facets", None)
        if cached is None:
            reader = searcher.reader()
            cached = {name: {value: _term_mask(searcher, name, value) for value in reader.field_terms(name)}
                      for name in ("type", "category")}
            searcher._helpcenter_facets = cached
        return cached

    def _word_terms(self, analyzer, word: str) -> frozenset[str]:
        cache = self._term_cache.setdefault(id(analyzer), {})
        found = cache.get(word)
        if found is None:
            found = frozenset(tok.text for tok in analyzer(word))
            if len(cache) < 100_000:
                cache[word] = found
        return found

    def _mark(self, text: str, analyzer, terms: set[str]) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        pos = 0
        for m in analysis.WORD_RE.finditer(text):
            if m.start() > pos:
                out.append((text[pos:m.start()], False))
            out.append((m.group(), not self._word_terms(analyzer, m.group()).isdisjoint(terms)))
            pos = m.end()
        if pos < len(text):
            out.append((text[pos:], False))
        return out

    def _snippet(self, text: str, analyzer, terms: set[str], width: int = 32) -> list[tuple[str, bool]]:
        """The window of about ``width`` words with the most query matches, matches marked."""
        if not text or not terms:
            return []
        spans = [(m.start(), m.end()) for m in analysis.WORD_RE.finditer(text)]
        hits = [k for k, (a, b) in enumerate(spans) if not self._word_terms(analyzer, text[a:b]).isdisjoint(terms)]
        if not hits:
            return []
        best_start, best_n = 0, -1
        for k in hits:
            start = max(0, k - 6)
            n = bisect.bisect_left(hits, start + width) - bisect.bisect_left(hits, start)
            if n > best_n:
                best_start, best_n = start, n
        last = min(len(spans) - 1, best_start + width - 1)
        window = self._mark(text[spans[best_start][0]:spans[last][1]], analyzer, terms)
        if best_start > 0:
            window.insert(0, ("… ", False))
        if spans[last][1] < len(text):
            window.append((" …", False))
        return window

    def _best_cue(self, fields, analyzer, terms: set[str]):
        """The transcript cue (or chapter) that matches most query terms: its start second and its text."""
        if not terms:
            return None, []
        best = None
        for kind, items in ((0, fields.get("chapters") or []), (1, fields.get("cues") or [])):
            for start, text in items:
                found = set()
                for w in analysis.WORD_RE.findall(text):
                    found |= self._word_terms(analyzer, w) & terms
                if found and (best is None or len(found) > best[0]):
                    best = (len(found), int(start), text, kind)
        if best is None:
            return None, []
        return best[1], self._mark(best[2], analyzer, terms)

    def _suggest(self, text: str, limit: int) -> list[dict]:
        words = analysis.words(text)[:MAX_WORDS]
        if not words:
            return []
        searcher = self.searcher()
        cut = analysis.PREFIX_MAX
        last = words[-1][:cut]
        body = [w[:cut] for w in words[:-1] if w not in analysis.ALL_STOPWORDS and len(w) > 1]
        terms = [Term("prefix", w) for w in body] + ([Term("prefix", last)] if len(last) > 1 else [])
        if not terms:
            return []
        q = And(terms) if len(terms) > 1 else terms[0]
        matched = self._mask(searcher, q)
        if not matched and len(terms) > 1:
            q = Or(terms)
            matched = self._mask(searcher, q)
        if not matched:
            return []
        out = []
        for docnum, _score in self._top(searcher, q, matched, matched.bit_count(), Query(text=text), limit):
            fields = searcher.stored_fields(docnum)
            out.append({"type": fields["type"], "title": fields["title"], "url": fields["url"]})
        return out
