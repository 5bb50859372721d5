"""PostgreSQL full-text implementation of the search backend (SEARCH_BACKEND=postgres): the index lives in the
application's own PostgreSQL database, so several app servers share it without a shared Whoosh directory.

Tables (search/models.py, migration 0009): ``search_documents`` (one row per item: a weighted tsvector, title A >
tags B > body C, built with the ``hc_german`` or ``hc_english`` configuration of the item's language, plus what a
hit shows), ``search_words`` (the folded vocabulary with exact document counts: spelling candidates found by
pg_trgm similarity, and the decompounding word list) and ``search_pending`` (keys whose indexing failed, retried
by the next writer).

Query behaviour follows the Whoosh backend and its tests: every word must match (after fewer than FEW_RESULTS such
documents, those with some of the words follow); unknown words are corrected (one or two edits, a swap counting as
one, chosen by how many documents the whole query then finds) and also match their nearest vocabulary words;
"did you mean" only when the corrected query finds more; a title match of the query's words (negations included)
and the query's language add to the rank.

The analysis is shared with Whoosh where PostgreSQL has nothing equivalent: Python (search/analysis.py) drops
stopwords, folds umlauts, splits compounds with the content's own word list and maps German participles to their
verb; PostgreSQL stems (snowball without its own stopword lists), ranks (ts_rank_cd) and highlights (ts_headline).
User input reaches a tsquery only as quoted folded ``\\w+`` words, so no query syntax can cause an error.

Writers serialise on one advisory lock and read the database inside it (the last writer writes the newest
committed state); a writer that cannot get the lock within WRITE_TIMEOUT queues its keys instead of failing the
request. A rebuild replaces every row in one transaction: readers see the old index until it commits.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Engine, bindparam, cast, delete, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from search import analysis
from search.backend import (FEW_RESULTS, Document, Hit, Query, Results, SearchBackend, SearchUnavailable,
                            synonym_spans)
from search.models import SearchDocument, SearchPending, SearchWord
from search.whoosh_backend import END, START, edit_distance, segments

log = logging.getLogger(__name__)

CONFIGS = {"de": "hc_german", "en": "hc_english"}
LANGUAGES = {"hc_german": "german", "hc_english": "english"}
# The configuration of each row, for ts_headline and cue matching.
ROW_CONFIG = ("(CASE {t}.lang WHEN 'en' THEN 'hc_english'::regconfig ELSE 'hc_german'::regconfig END)")
# ts_rank weights for D, C, B, A: body (C) counts a fifth of the title (A), tags (B) two fifths.
RANK = "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.tsv, q.q, 1)"
LOCK_ID = 0x5EA2C4  # pg_advisory_xact_lock: one writer at a time
WRITE_TIMEOUT_MS = 10_000
REBUILD_TIMEOUT_MS = 60_000
MAX_WORDS = 12
HIGHLIGHT_CHARS = 4000  # snippets come from the first part of long bodies (bounded work per hit)
SNIPPET = (f"StartSel={START}, StopSel={END}, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, "
           'FragmentDelimiter=" … "')
WHOLE = f"StartSel={START}, StopSel={END}, HighlightAll=true"
SIMILAR = 3  # unknown words also match this many of their closest vocabulary words (trigram similarity)
RARE_WORD_DOCS = 1  # a word in at most this many documents may be someone's typo: offer a common spelling
LANGUAGE_PREFERENCE = 2.0  # documents in the language the query's function words give away count this much more
TITLE_BONUS = 1.0  # the query's words (negations included) in a title: added to the rank of a document that matches
WORDSET_TTL = 60.0  # seconds a process keeps the decompounding list (a rebuild elsewhere changes it)
BATCH = 500
GIN_INDEXES = ("ix_search_documents_tsv", "ix_search_documents_title_tsv", "ix_search_words_trgm")


def install_text_search(conn) -> None:
    """The extensions and the hc_german / hc_english configurations, idempotently (create_all and tests; the
    migration holds its own copy). Snowball stemmers without stopword lists: Python drops stopwords, and
    PostgreSQL's German list would drop "ändern" once unaccent made it "andern". unaccent is optional."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        filters = "unaccent, "
    except DBAPIError:
        log.warning("search: extension unaccent unavailable; highlighting ignores umlaut variants")
        filters = ""
    for name, language in LANGUAGES.items():
        if conn.execute(text("SELECT 1 FROM pg_ts_config WHERE cfgname = :n"), {"n": name}).first():
            continue
        conn.exec_driver_sql(f"CREATE TEXT SEARCH DICTIONARY {name}_stem (TEMPLATE = snowball, Language = {language})")
        conn.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})")
        conn.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR asciiword, asciihword, "
                             f"hword_asciipart, word, hword, hword_part WITH {filters}{name}_stem")


def quote(word: str) -> str:
    """A folded word as a quoted tsquery operand ('' when nothing is left). Words come from ``\\w+`` and cannot
    hold quotes or backslashes; stripping them anyway keeps the builder safe on its own."""
    word = word.replace("'", "").replace("\\", "")
    return f"'{word}'" if word else ""


def _clean(value: str) -> str:
    """Stored text never contains the highlight markers, so splitting ts_headline output on them is exact."""
    return (value or "").replace(START, " ").replace(END, " ")


class Analysis:
    """The Python half of the analysis for one decompounding word list: stopwords, folding, compound parts and
    (German) participles, no stemming; PostgreSQL stems what this produces."""

    def __init__(self, wordset: Iterable[str] = ()):
        wordset = set(wordset)
        self.analyzers = {lang: analysis.language_analyzer(lang, wordset, stemming=False) for lang in CONFIGS}
        # titles keep negations: "No internet connection" is not "Internet connection"
        self.title_analyzers = {lang: analysis.language_analyzer(lang, wordset, stemming=False,
                                                                 keep=analysis.NEGATIONS) for lang in CONFIGS}
        for analyzers in (self.analyzers, self.title_analyzers):
            analyzers["de"] = analyzers["de"] | analysis.ParticipleFilter()

    def index_text(self, value: str, lang: str, title: bool = False) -> str:
        analyzer = (self.title_analyzers if title else self.analyzers)[lang]
        return " ".join(t.text for t in analyzer(value or ""))

    def word_query(self, word: str) -> str:
        """A word as tsquery alternatives: the whole word (German and English view) or all its compound parts."""
        alternatives: list[str] = []
        for analyzer in self.analyzers.values():
            tokens = [quote(t.text) for t in analyzer(word, mode="query")]
            tokens = [t for t in tokens if t]
            if not tokens:
                continue
            alternatives.append(tokens[0])
            if len(tokens) > 1:
                alternatives.append("(" + " & ".join(tokens[1:]) + ")")
        return " | ".join(dict.fromkeys(alternatives))


_STEM = analysis.language_analyzer("de", (), decompound=False)
# Suggest: the edge n-grams of title words (2 to PREFIX_MAX letters) are the lexemes, so each typed prefix is one
# exact GIN lookup; a ':*' prefix query would expand to every lexeme starting with it (slow for "ro", "wl").
_PREFIXES = analysis.prefix_analyzer()


@lru_cache(maxsize=50_000)
def synonym_key(word: str) -> str:
    """Synonym groups match on German stems ("Lampen" finds the group of "Lampe"), as in the Whoosh backend."""
    tokens = [t.text for t in _STEM(word)]
    return tokens[0] if tokens else word


@dataclass
class Clause:
    """One query word or synonym group: tsquery alternatives, OR-ed."""

    alternatives: list[str]
    word: str | None = None  # the typed word (None for a synonym group): a candidate for correction
    words: list[str] = field(default_factory=list)  # folded words behind the alternatives

    @property
    def text(self) -> str:
        return " | ".join(f"({a})" for a in dict.fromkeys(self.alternatives))


def plan(words: list[str], synonyms: list[list[str]], an: Analysis) -> list[Clause]:
    """The clauses for a query's folded words: content words (stopwords only when nothing else is left), synonym
    phrases replaced by their whole group, at most MAX_WORDS."""
    use = [w for w in words if w not in analysis.ALL_STOPWORDS] or words
    use = use[:MAX_WORDS]
    groups = [[tuple(analysis.words(p)) for p in group] for group in synonyms]
    clauses: list[Clause] = []
    for word, group in synonym_spans(use, groups, synonym_key):
        if group is None:
            query = an.word_query(word)
            if query:
                clauses.append(Clause([query], word, [word]))
            continue
        alternatives, phrase_words = [], []
        for phrase in group:
            content = [w for w in phrase if w not in analysis.ALL_STOPWORDS]
            parts = [p for p in (an.word_query(w) for w in content) if p]
            if parts:
                alternatives.append(" & ".join(f"({p})" for p in parts))
                phrase_words.extend(content)
        if alternatives:
            clauses.append(Clause(alternatives, None, phrase_words))
    return clauses


@dataclass
class Slot:
    """A query word with spelling corrections: ``applied`` ones (the word matches nothing) change the results;
    the others (a rare word, perhaps someone's typo in a post) are only offered as "did you mean"."""

    pos: int
    word: str
    fixes: list[str]
    applied: bool
    near: list[str] = field(default_factory=list)  # closest vocabulary words, matched too when applied


@dataclass
class Plan:
    """A query as clauses: ``clauses`` for the results (corrections and near words included), ``typed`` and
    ``fixed`` (every word as typed / every correction applied) for the "did you mean" decision."""

    words: list[str]
    lang: str | None = None
    clauses: list[Clause] = field(default_factory=list)
    typed: list[Clause] = field(default_factory=list)
    fixed: list[Clause] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)  # applied to the results
    suggested: dict[str, str] = field(default_factory=dict)  # shown as "did you mean"
    slots: list[Slot] = field(default_factory=list)

    def add(self, clause: Clause, fixed: Clause | None = None, typed: Clause | None = None) -> None:
        self.clauses.append(clause)
        self.fixed.append(fixed or clause)
        self.typed.append(typed or clause)

    def title_query(self) -> str:
        """The content words (corrected) and negations, for the title bonus."""
        content = [self.corrections.get(w, w) for w in self.words if w not in analysis.ALL_STOPWORDS]
        title = dict.fromkeys(content + [w for w in self.words if w in analysis.NEGATIONS])
        return " | ".join(q for q in (quote(w) for w in list(title)[:MAX_WORDS]) if q)


def swaps(word: str) -> list[str]:
    """The word with each pair of neighbouring letters swapped: typing "hc" for "ch" shares no trigram."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1) if word[i] != word[i + 1]]


def tsquery_sql(clauses: list[Clause], op: str, params: dict, prefix: str = "c") -> str:
    """SQL for the clauses joined by ``op`` ("&&" or "||"): each clause parsed with both configurations (a query
    word may be German or English; once when both give the same), every user-derived string a bound parameter."""
    parts = []
    for n, clause in enumerate(clauses):
        name = f"{prefix}{n}"
        params[name] = clause.text
        parts.append(f"(SELECT CASE WHEN g = e THEN g ELSE g || e END FROM (SELECT to_tsquery('hc_german', :{name}) "
                     f"AS g, to_tsquery('hc_english', :{name}) AS e) AS parsed)")
    return f" {op} ".join(parts)


class PostgresBackend(SearchBackend):
    def __init__(self, engine: Callable[[], Engine]):
        self._engine = engine
        self._lock = threading.Lock()
        self._analysis: tuple[float, Analysis] | None = None
        self._unsaved: set[str] = set()  # keys that could not even be queued (database down)

    # -- plumbing ------------------------------------------------------------------------------------------------
    @contextmanager
    def _connect(self):
        """A connection of its own (never the request's session); database trouble becomes SearchUnavailable.
        Sequential scans are off for its transaction: the planner doesn't price detoasting every tsvector and
        picked one for common words (measured at 10k documents: 85 ms instead of about 5 through the GIN index)."""
        try:
            with self._engine().connect() as conn:
                conn.execute(text("SET LOCAL enable_seqscan = off"))
                yield conn
        except (DBAPIError, PoolTimeout) as exc:
            raise SearchUnavailable(str(exc).splitlines()[0]) from exc

    def current_analysis(self, conn) -> Analysis:
        """This process's analysis with the decompounding list from ``search_words`` (reloaded after WORDSET_TTL)."""
        cached = self._analysis
        if cached is None or time.monotonic() - cached[0] > WORDSET_TTL:
            words = conn.execute(select(SearchWord.word).where(SearchWord.part.is_(True))).scalars().all()
            cached = (time.monotonic(), Analysis(words))
            self._analysis = cached
        return cached[1]

    @staticmethod
    def _take_lock(conn, timeout_ms: int) -> None:
        conn.execute(text(f"SET LOCAL lock_timeout = {int(timeout_ms)}"))
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})

    # -- writing -------------------------------------------------------------------------------------------------
    def _rows(self, docs: Iterable[Document], an: Analysis) -> list[dict]:
        rows = []
        for doc in docs:
            lang = doc.lang if doc.lang in CONFIGS else "de"
            body = "\n".join(p for p in (doc.summary, doc.body) if p)
            rows.append({
                "p_key": doc.key, "p_type": doc.type, "p_obj_id": str(doc.obj_id), "p_slug": doc.slug or "",
                "p_title": doc.title, "p_url": doc.url, "p_lang": lang, "p_category": doc.category or "",
                "p_summary": _clean(doc.summary), "p_body": _clean(body[:HIGHLIGHT_CHARS]),
                "p_cues": [[int(s), _clean(t)] for s, t in doc.cues],
                "p_chapters": [[int(s), _clean(t)] for s, t in doc.chapters],
                "p_boost": float(doc.boost), "p_version": doc.version or "", "p_config": CONFIGS[lang],
                "p_spelling": " ".join(sorted(self.spell_words(doc))),
                "p_a": an.index_text(doc.title, lang, title=True), "p_b": an.index_text(" ".join(doc.tags), lang),
                "p_c": an.index_text(body, lang), "p_t": " ".join(t.text for t in _PREFIXES(doc.title)),
            })
        return rows

    @staticmethod
    def _upsert_statement():
        t = SearchDocument.__table__
        config = cast(bindparam("p_config"), REGCONFIG)

        def weighted(name: str, weight: str):
            return func.setweight(func.to_tsvector(config, bindparam(name)), literal_column(f"'{weight}'"))

        plain = ("key", "type", "obj_id", "slug", "title", "url", "lang", "category", "summary", "body", "cues",
                 "chapters", "boost", "version", "spelling")
        values = {name: bindparam(f"p_{name}", type_=t.c[name].type) for name in plain}
        values["tsv"] = weighted("p_a", "A").op("||")(weighted("p_b", "B")).op("||")(weighted("p_c", "C"))
        values["title_tsv"] = func.to_tsvector(literal_column("'simple'::regconfig"), bindparam("p_t"))
        stmt = pg_insert(t).values(**values)
        return stmt.on_conflict_do_update(index_elements=[t.c.key],
                                          set_={c.name: stmt.excluded[c.name] for c in t.columns if c.name != "key"})

    @staticmethod
    def spell_words(doc: Document) -> set[str]:
        """Spelling vocabulary, as in Whoosh: title, tags and summary (the body would flood it)."""
        return {w for w in analysis.words(f"{doc.title} {' '.join(doc.tags)} {doc.summary}")
                if 3 <= len(w) <= 64 and w.isalpha()}

    def _write(self, conn, docs: list[Document], deletes: Iterable[str], an: Analysis) -> None:
        keys = {d.key for d in docs} | set(deletes)
        before = conn.execute(select(SearchDocument.spelling).where(SearchDocument.key.in_(sorted(keys)))).scalars()
        counts: Counter[str] = Counter()
        for spelling in before:
            counts.subtract(spelling.split())
        for doc in docs:
            counts.update(self.spell_words(doc))
        gone = set(deletes) - {d.key for d in docs}
        if gone:
            conn.execute(delete(SearchDocument).where(SearchDocument.key.in_(sorted(gone))))
        if docs:
            conn.execute(self._upsert_statement(), self._rows(docs, an))
        self._count_words(conn, counts)

    @staticmethod
    def _count_words(conn, counts: Counter[str]) -> None:
        """Keep ``search_words.df`` exact: how many documents have each spelling word (the ranking of
        corrections and the "far more common" test of rare words depend on it)."""
        more = [{"word": w, "df": n, "part": False} for w, n in sorted(counts.items()) if n > 0]
        fewer = [{"w": w, "n": -n} for w, n in sorted(counts.items()) if n < 0]
        if more:
            stmt = pg_insert(SearchWord).values(more)
            conn.execute(stmt.on_conflict_do_update(index_elements=[SearchWord.word],
                                                    set_={"df": SearchWord.df + stmt.excluded.df}))
        if fewer:
            conn.execute(text("UPDATE search_words SET df = greatest(df - :n, 0) WHERE word = :w"), fewer)

    def _queue(self, keys: Iterable[str]) -> None:
        keys = sorted({k for k in keys if k})
        if not keys:
            return
        try:
            with self._engine().begin() as conn:
                conn.execute(pg_insert(SearchPending).values([{"key": k} for k in keys]).on_conflict_do_nothing())
        except (DBAPIError, PoolTimeout):
            log.warning("search: could not queue %d keys in the database; kept in this process", len(keys))
            with self._lock:
                self._unsaved.update(keys)

    def _take_pending(self, conn) -> list[str]:
        with self._lock:
            unsaved, self._unsaved = self._unsaved, set()
        taken = conn.execute(delete(SearchPending).returning(SearchPending.key)).scalars().all()
        return sorted(set(taken) | unsaved)

    def apply(self, load, keys=()) -> bool:
        keys = list(keys)
        retry: list[str] = []
        try:
            with self._engine().begin() as conn:
                self._take_lock(conn, WRITE_TIMEOUT_MS)
                retry = self._take_pending(conn)
                docs, deletes = load(retry)
                self._write(conn, docs, deletes, self.current_analysis(conn))
            return True
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available: a rebuild holds the lock
                log.warning("search index busy; %d changes queued for retry", len(keys))
            else:
                log.exception("search indexing failed; changes queued for retry")
        except Exception:
            log.exception("search indexing failed; changes queued for retry")
        self._queue(keys + retry)  # the taken pending rows came back with the rollback; this re-adds the rest
        return False

    def rebuild(self, documents, vocabulary, progress=None, procs=1) -> int:
        """Replace every row in one transaction (readers keep the old index until commit). ``procs`` is unused:
        PostgreSQL does the heavy part of the indexing in its own process."""
        wordset = analysis.build_wordset(vocabulary)
        an = Analysis(wordset)
        spelling: Counter[str] = Counter()
        count = 0
        with self._engine().begin() as conn:
            self._take_lock(conn, REBUILD_TIMEOUT_MS)
            conn.execute(delete(SearchDocument))
            conn.execute(delete(SearchWord))
            upsert = self._upsert_statement()
            batch: list[Document] = []
            for doc in documents:
                batch.append(doc)
                spelling.update(self.spell_words(doc))
                count += 1
                if len(batch) >= BATCH:
                    conn.execute(upsert, self._rows(batch, an))
                    batch.clear()
                    if progress:
                        progress(count)
            if batch:
                conn.execute(upsert, self._rows(batch, an))
            if progress:
                progress(count)
            rows = [{"word": w, "df": spelling.get(w, 0), "part": w in wordset}
                    for w in sorted(set(spelling) | {w for w in wordset if len(w) <= 64})]
            for start in range(0, len(rows), 5000):
                conn.execute(SearchWord.__table__.insert(), rows[start:start + 5000])
        self._analysis = (time.monotonic(), an)
        self._settle()
        return count

    def _settle(self) -> None:
        """After a bulk load: move the GIN indexes' pending lists into the index proper (every search scans them
        linearly until autovacuum does; measured: suggest p50 11 → 5 ms at 10k documents) and refresh statistics."""
        try:
            with self._engine().begin() as conn:
                for index in GIN_INDEXES:
                    conn.execute(text("SELECT gin_clean_pending_list(CAST(:ix AS regclass))"), {"ix": index})
                conn.execute(text("ANALYZE search_documents"))
                conn.execute(text("ANALYZE search_words"))
        except DBAPIError:  # e.g. not the tables' owner: autovacuum does the same, later
            log.warning("search: could not clean the GIN pending lists after the rebuild", exc_info=True)

    def versions(self) -> dict[str, str]:
        with self._connect() as conn:
            return dict(conn.execute(select(SearchDocument.key, SearchDocument.version)).all())

    def pending(self) -> list[str]:
        with self._connect() as conn:
            keys = set(conn.execute(select(SearchPending.key)).scalars())
        return sorted(keys | self._unsaved)

    def health(self) -> str:
        with self._connect() as conn:
            conn.execute(select(SearchDocument.key).limit(1)).all()
        return "postgres"

    # -- querying ------------------------------------------------------------------------------------------------
    def _counts(self, conn, queries: list[list[Clause]], cap: int | None = None) -> list[int]:
        """How many documents match each query (its clauses AND-ed), in one round trip; at most ``cap``."""
        if not queries:
            return []
        params: dict = {}
        probes = []
        for n, clauses in enumerate(queries):
            if not clauses:
                probes.append("0")
                continue
            expr = tsquery_sql(clauses, "&&", params, prefix=f"n{n}_")
            limit = f" LIMIT {int(cap)}" if cap else ""
            probes.append(f"(SELECT count(*) FROM (SELECT 1 FROM search_documents WHERE tsv @@ ({expr}){limit}) s)")
        return list(conn.execute(text(f"SELECT {', '.join(probes)}"), params).one())

    def _neighbours(self, conn, words: list[str]) -> dict[str, list[tuple[str, int]]]:
        """Per word: spelling-vocabulary words sharing enough trigrams (pg_trgm), as (word, documents), the most
        similar first."""
        if not words:
            return {}
        rows = conn.execute(text(
            "SELECT u.w, s.word, s.df FROM unnest(CAST(:words AS text[])) AS u(w) CROSS JOIN LATERAL ("
            "  SELECT word, df, similarity(word, u.w) AS sim FROM search_words"
            "  WHERE df > 0 AND word % u.w AND word <> u.w ORDER BY sim DESC, df DESC, word LIMIT 12) AS s"),
            {"words": sorted(set(words))}).all()
        found: dict[str, list[tuple[str, int]]] = {}
        for w, cand, df in rows:
            found.setdefault(w, []).append((cand, df))
        return found

    def _corrections(self, conn, words: list[str], limit: int = 3) -> dict[str, tuple[list[str], list[str]]]:
        """Per word: spellings within 1 (short words) or 2 edits, closest and most frequent first (a swap of
        neighbours is one edit: "Rehcnugn" → "rechnung"), and the other near vocabulary words."""
        words = [w for w in words if len(w) >= 3]
        near = self._neighbours(conn, words)
        far = [w for w in words if len(w) > 5 and not self._within(w, near.get(w, []))]
        if far:  # no shared trigram to find them by: look around each one-swap variant as well
            variants = {w: swaps(w) for w in far}
            around = self._neighbours(conn, [v for vs in variants.values() for v in vs])
            for w, vs in variants.items():
                near[w] = near.get(w, []) + [c for v in vs for c in around.get(v, [])]
        found = {}
        for w in words:
            fixes = self._within(w, near.get(w, []))[:limit]
            others = [c for c, _df in near.get(w, []) if c not in fixes]
            found[w] = (fixes, list(dict.fromkeys(others))[:SIMILAR])
        return found

    @staticmethod
    def _within(word: str, candidates: list[tuple[str, int]]) -> list[str]:
        if len(word) < 4 or not word.isalpha() or word in analysis.ALL_STOPWORDS:
            return []
        maxdist = 1 if len(word) <= 5 else 2
        ranked = {(edit_distance(word, cand, maxdist), -df, cand) for cand, df in candidates}
        return [cand for dist, _df, cand in sorted(ranked) if dist <= maxdist]

    def _matching_words(self, conn, words: list[str]) -> set[str]:
        """The words (as whole words, stemmed) that occur in some document."""
        clauses = [[Clause([quote(w)], w, [w])] for w in words if quote(w)]
        return {c[0].word for c, n in zip(clauses, self._counts(conn, clauses, cap=1)) if n}

    def _build(self, conn, text_: str, synonyms: list[list[str]], an: Analysis) -> Plan:
        """The plan for a user's text: separable verbs rejoined, one clause per word or synonym phrase, unknown
        words corrected (and matched by their nearest vocabulary words), rare words offered a common spelling."""
        words = analysis.words(text_)[:MAX_WORDS * 2]
        asked: list[str] = []
        analysis.rejoin_separable(words, lambda w: asked.append(w) or False)  # which verbs would it try?
        if asked:
            known = self._matching_words(conn, asked)
            words = analysis.rejoin_separable(words, known.__contains__)
        built = Plan(words=words, lang=analysis.query_language(words))
        clauses = plan(words, synonyms, an)
        counts = self._counts(conn, [[c] if c.word is not None else [] for c in clauses], cap=RARE_WORD_DOCS + 1)
        unknown = [c.word for c, n in zip(clauses, counts) if c.word is not None and n == 0]
        rare = [c.word for c, n in zip(clauses, counts) if c.word is not None and 0 < n <= RARE_WORD_DOCS
                and len(c.word) >= 5 and c.word not in analysis.ALL_STOPWORDS]
        fixes = self._corrections(conn, unknown + rare)
        frequent = self._spelling_frequency(conn, [f for w in rare for f in fixes.get(w, ([], []))[0]])
        for pos, (clause, n) in enumerate(zip(clauses, counts)):
            word = clause.word
            if word in rare:
                built.add(clause)
                common = [f for f in fixes.get(word, ([], []))[0] if frequent.get(f, 0) >= 3 * max(n, 1)]
                if common:
                    built.slots.append(Slot(pos, word, common, applied=False))
            elif word is not None and n == 0:
                spellings, near = fixes.get(word, ([], []))
                alternatives = [q for q in (an.word_query(w) for w in near) if q]
                matched = Clause(alternatives, word, near) if alternatives else clause
                built.add(matched, fixed=matched if spellings else clause, typed=clause)
                if spellings:
                    built.slots.append(Slot(pos, word, spellings, applied=True, near=near))
            else:
                built.add(clause)
        self._resolve(conn, built, an)
        return built

    def _spelling_frequency(self, conn, words: list[str]) -> dict[str, int]:
        if not words:
            return {}
        return dict(conn.execute(select(SearchWord.word, SearchWord.df).where(SearchWord.word.in_(set(words)))).all())

    def _resolve(self, conn, built: Plan, an: Analysis) -> None:
        """Pick each misspelt word's correction in the context of the other words: the candidate with which the
        whole query matches most documents ("Pasword ändern": "passwort", not the English "password")."""
        for slot in built.slots:
            options = [(fix, Clause([q], slot.word, [fix])) for fix, q in ((f, an.word_query(f)) for f in slot.fixes)
                       if q]
            if not options:
                continue
            if len(options) > 1:
                trials = [[*built.fixed[:slot.pos], clause, *built.fixed[slot.pos + 1:]] for _fix, clause in options]
                counts = self._counts(conn, trials)
                fix, clause = options[max(range(len(options)), key=lambda i: (counts[i], -i))]
            else:
                fix, clause = options[0]
            built.fixed[slot.pos] = clause
            built.suggested[slot.word] = fix
            if slot.applied:
                built.corrections[slot.word] = fix
                near = [q for q in (an.word_query(w) for w in slot.near) if q]
                built.clauses[slot.pos] = Clause([clause.alternatives[0], *near], slot.word, [fix, *slot.near])

    def _suggestion(self, conn, built: Plan) -> str | None:
        """ "Did you mean": the query with its corrections, only when that finds more documents (every word
        matching) than the query as typed."""
        if not built.suggested:
            return None
        fixed, typed = self._counts(conn, [built.fixed, built.typed])
        if fixed <= typed:
            return None
        return " ".join(built.suggested.get(w, w) for w in built.words)

    def search(self, query: Query) -> Results:
        results = Results(query=query.text, page=query.page, per_page=query.per_page)
        with self._connect() as conn:
            an = self.current_analysis(conn)
            built = self._build(conn, query.text, query.synonyms, an)
            clauses = built.clauses
            if not clauses:
                return results
            results.suggestion = self._suggestion(conn, built)
            results.corrected = bool(built.corrections) and results.suggestion is not None
            # every word; when fewer than FEW_RESULTS have them all, those first, then documents with some words
            params: dict = {}
            q_sql = complete_sql = tsquery_sql(clauses, "&&", params)
            groups = self._groups(conn, q_sql, params)
            if len(clauses) > 1 and sum(n for *_, n in groups) < FEW_RESULTS:
                q_sql = tsquery_sql(clauses, "||", params, prefix="o")
                groups = self._groups(conn, q_sql, params)
            else:
                complete_sql = None
            facets: dict[str, Counter] = {"type": Counter(), "category": Counter()}
            for kind, category, n in groups:
                facets["type"][kind] += n
                if category:
                    facets["category"][category] += n
                if (not query.type or kind == query.type) and (not query.category or category == query.category):
                    results.total += n
            results.facets = {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
                              for name, c in facets.items()}
            first = (max(query.page, 1) - 1) * query.per_page
            if first >= results.total:
                return results
            results.hits = self._page(conn, query, q_sql, params, first, built, complete_sql)
        return results

    @staticmethod
    def _groups(conn, q_sql: str, params: dict) -> list:
        return conn.execute(text(
            f"WITH q AS (SELECT {q_sql} AS q) SELECT d.type, d.category, count(*) FROM search_documents d, q "
            f"WHERE d.tsv @@ q.q GROUP BY d.type, d.category"), params).all()

    def _page(self, conn, query: Query, q_sql: str, params: dict, first: int, built: Plan,
              complete_sql: str | None = None) -> list[Hit]:
        filters = ""
        params = {**params, "limit": query.per_page, "offset": first, "opts": SNIPPET,
                  "highlight": bool(query.highlight), "pref": built.lang or "", "title": built.title_query()}
        # optional parts of the score: never decide what matches, only the order of what does
        title = (f" + {TITLE_BONUS} * ts_rank('{{0, 0, 0, 1}}', d.tsv, (to_tsquery('hc_german', :title) || "
                 f"to_tsquery('hc_english', :title)))") if params["title"] and TITLE_BONUS else ""
        preference = f"(CASE WHEN d.lang = :pref THEN {LANGUAGE_PREFERENCE} ELSE 1 END)"
        if query.type:
            filters += " AND d.type = :type"
            params["type"] = query.type
        if query.category:
            filters += " AND d.category = :category"
            params["category"] = query.category
        # Snippets highlight any query word: ts_headline picks its fragments from spans that satisfy the query, and
        # with every word required a body that has only some of them (the rest is in the title) would get none.
        any_word = tsquery_sql(built.clauses, "||", params, prefix="h")
        # documents with every word before those with some (when the query fell back to those: complete_sql)
        complete = "d.tsv @@ q.a" if complete_sql else "TRUE"
        rows = conn.execute(text(
            f"WITH q AS (SELECT {q_sql} AS q, {any_word} AS h, {complete_sql or 'NULL'} AS a), page AS ("
            f"  SELECT d.key, d.type, d.obj_id, d.slug, d.title, d.url, d.category, d.lang, d.summary, d.body,"
            f"         ({RANK}{title}) * d.boost * {preference} AS score, {complete} AS complete"
            f"  FROM search_documents d, q WHERE d.tsv @@ q.q{filters}"
            f"  ORDER BY complete DESC, score DESC, d.key LIMIT :limit OFFSET :offset) "
            f"SELECT page.*, CASE WHEN :highlight THEN ts_headline({ROW_CONFIG.format(t='page')}, page.body, q.h, "
            f"  :opts) END AS headline FROM page, q ORDER BY page.complete DESC, page.score DESC, page.key"),
            params).mappings().all()
        cues = self._best_cues(conn, [r["key"] for r in rows if r["type"] == "video"], q_sql, params, built.clauses)
        hits = []
        for r in rows:
            t, snippet = cues.get(r["key"], (None, []))
            if not snippet and r["headline"] and START in r["headline"]:
                snippet = segments(r["headline"])
            if not snippet:  # the match is in the title, or in a form only our analysis knows ("eingerichtet")
                snippet = [((r["summary"] or r["headline"] or "")[:220], False)]
            obj_id = r["obj_id"]
            hits.append(Hit(type=r["type"], obj_id=int(obj_id) if obj_id.isdigit() else obj_id, slug=r["slug"],
                            title=r["title"], url=r["url"], category=r["category"], snippet=snippet, t=t,
                            score=float(r["score"] or 0.0)))
        return hits

    def _best_cues(self, conn, keys: list[str], q_sql: str, params: dict, clauses: list[Clause]):
        """Per video: the chapter or transcript cue with the most query words (chapters first on a tie, then the
        earliest), as (start second, highlighted segments)."""
        if not keys:
            return {}
        words = " ".join(w for c in clauses for w in c.words)
        config = ROW_CONFIG.format(t="d")
        rows = conn.execute(text(
            f"WITH q AS (SELECT {q_sql} AS q), lex AS (SELECT tsvector_to_array("
            f"  to_tsvector('hc_german', :words) || to_tsvector('hc_english', :words)) AS l) "
            f"SELECT DISTINCT ON (d.key) d.key, c.start, ts_headline({config}, c.text, q.q, :whole) AS marked "
            f"FROM search_documents d CROSS JOIN q CROSS JOIN lex CROSS JOIN LATERAL ("
            f"  SELECT 0 AS kind, e.n, (e.item->>0)::int AS start, e.item->>1 AS text "
            f"  FROM json_array_elements(d.chapters) WITH ORDINALITY AS e(item, n) UNION ALL "
            f"  SELECT 1, e.n, (e.item->>0)::int, e.item->>1 "
            f"  FROM json_array_elements(d.cues) WITH ORDINALITY AS e(item, n)"
            f") AS c CROSS JOIN LATERAL (SELECT count(*) AS hits FROM unnest(tsvector_to_array(to_tsvector({config}, "
            f"  c.text))) AS x WHERE x = ANY(lex.l)) AS m "
            f"WHERE d.key = ANY(CAST(:keys AS text[])) AND m.hits > 0 ORDER BY d.key, m.hits DESC, c.kind, c.n"),
            {**params, "words": words, "keys": keys, "whole": WHOLE}).all()
        return {key: (int(start), segments(marked)) for key, start, marked in rows}

    def suggest(self, text_: str, limit: int = 8) -> list[dict]:
        words = analysis.words(text_)[:MAX_WORDS]
        if not words:
            return []
        last = words[-1]
        body = [w for w in words[:-1] if w not in analysis.ALL_STOPWORDS and len(w) > 1]
        terms = [q for q in (quote(w[:analysis.PREFIX_MAX]) for w in body + ([last] if len(last) > 1 else [])) if q]
        if not terms:
            return []
        sql = text("SELECT type, title, url FROM search_documents, to_tsquery('simple', :q) AS q "
                   "WHERE title_tsv @@ q ORDER BY ts_rank(title_tsv, q) DESC, boost DESC, length(title), key "
                   "LIMIT :limit")
        with self._connect() as conn:
            rows = conn.execute(sql, {"q": " & ".join(terms), "limit": limit}).all()
            if not rows and len(terms) > 1:
                rows = conn.execute(sql, {"q": " | ".join(terms), "limit": limit}).all()
        return [{"type": kind, "title": title, "url": url} for kind, title, url in rows]
