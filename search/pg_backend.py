"""PostgreSQL full-text implementation of the search backend (SEARCH_BACKEND=postgres): the index lives in the
application's own PostgreSQL database, so several app servers share it without a shared Whoosh directory.

Tables (search/models.py, migration 0008): ``search_documents`` (one row per item: a weighted tsvector, title A >
tags B > body C, built with the ``hc_german`` or ``hc_english`` configuration of the item's language, plus what a
hit shows), ``search_words`` (the folded vocabulary: spelling candidates found by pg_trgm similarity, and the
decompounding word list) and ``search_pending`` (keys whose indexing failed, retried by the next writer).

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
from search.backend import Document, Hit, Query, Results, SearchBackend, SearchUnavailable, synonym_spans
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
WORDSET_TTL = 60.0  # seconds a process keeps the decompounding list (a rebuild elsewhere changes it)
BATCH = 500


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
        self.analyzers["de"] = self.analyzers["de"] | analysis.ParticipleFilter()

    def index_text(self, value: str, lang: str) -> str:
        return " ".join(t.text for t in self.analyzers[lang](value or ""))

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
        return " | ".join(f"({a})" for a in self.alternatives)


def plan(text_: str, synonyms: list[list[str]], an: Analysis) -> list[Clause]:
    """The clauses for a user's text: content words (stopwords only when nothing else is left), synonym phrases
    replaced by their whole group, at most MAX_WORDS."""
    all_words = analysis.words(text_)[:MAX_WORDS * 2]
    use = [w for w in all_words if w not in analysis.ALL_STOPWORDS] or all_words
    use = use[:MAX_WORDS]
    groups = [[tuple(analysis.words(p)) for p in group] for group in synonyms]
    clauses: list[Clause] = []
    for word, group in synonym_spans(use, groups, synonym_key):
        if group is None:
            query = an.word_query(word)
            if query:
                clauses.append(Clause([query], word, [word]))
            continue
        alternatives, words = [], []
        for phrase in group:
            content = [w for w in phrase if w not in analysis.ALL_STOPWORDS]
            parts = [p for p in (an.word_query(w) for w in content) if p]
            if parts:
                alternatives.append(" & ".join(f"({p})" for p in parts))
                words.extend(content)
        if alternatives:
            clauses.append(Clause(alternatives, None, words))
    return clauses


def tsquery_sql(clauses: list[Clause], op: str, params: dict, prefix: str = "c") -> str:
    """SQL for the clauses joined by ``op`` ("&&" or "||"): each clause parsed with both configurations (a query
    word may be German or English), every user-derived string a bound parameter."""
    parts = []
    for n, clause in enumerate(clauses):
        name = f"{prefix}{n}"
        params[name] = clause.text
        parts.append(f"(to_tsquery('hc_german', :{name}) || to_tsquery('hc_english', :{name}))")
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
        """A connection of its own (never the request's session); database trouble becomes SearchUnavailable."""
        try:
            with self._engine().connect() as conn:
                yield conn
        except (DBAPIError, PoolTimeout) as exc:
            raise SearchUnavailable(str(exc).splitlines()[0]) from exc

    def analysis(self, conn) -> Analysis:
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
                "p_a": an.index_text(doc.title, lang), "p_b": an.index_text(" ".join(doc.tags), lang),
                "p_c": an.index_text(body, lang), "p_t": " ".join(analysis.words(doc.title)),
            })
        return rows

    @staticmethod
    def _upsert_statement():
        t = SearchDocument.__table__
        config = cast(bindparam("p_config"), REGCONFIG)

        def weighted(name: str, weight: str):
            return func.setweight(func.to_tsvector(config, bindparam(name)), literal_column(f"'{weight}'"))

        plain = ("key", "type", "obj_id", "slug", "title", "url", "lang", "category", "summary", "body", "cues",
                 "chapters", "boost", "version")
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
        gone = set(deletes) - {d.key for d in docs}
        if gone:
            conn.execute(delete(SearchDocument).where(SearchDocument.key.in_(sorted(gone))))
        if docs:
            conn.execute(self._upsert_statement(), self._rows(docs, an))
            # New words become spelling candidates at once; counts and removals wait for the next rebuild.
            words = sorted(set().union(*(self.spell_words(d) for d in docs)))
            if words:
                conn.execute(pg_insert(SearchWord).values([{"word": w, "df": 1, "part": False} for w in words])
                             .on_conflict_do_nothing())

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
                self._write(conn, docs, deletes, self.analysis(conn))
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
        return count

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
    def _unknown(self, conn, clauses: list[Clause]) -> list[int]:
        """Indexes of word clauses that match no document (typos, words the content doesn't use)."""
        candidates = [n for n, c in enumerate(clauses) if c.word is not None]
        if not candidates:
            return []
        params: dict = {}
        probes = []
        for n in candidates:
            expr = tsquery_sql([clauses[n]], "&&", params, prefix=f"k{n}_")
            probes.append(f"EXISTS (SELECT 1 FROM search_documents WHERE tsv @@ ({expr}))")
        known = conn.execute(text(f"SELECT {', '.join(probes)}"), params).one()
        return [n for n, ok in zip(candidates, known) if not ok]

    def _neighbours(self, conn, words: list[str]) -> dict[str, list[tuple[str, int, float]]]:
        """Per word: vocabulary words sharing enough trigrams (pg_trgm), as (word, document frequency,
        similarity), most similar first."""
        rows = conn.execute(text(
            "SELECT u.w, s.word, s.df, s.sim FROM unnest(CAST(:words AS text[])) AS u(w) CROSS JOIN LATERAL ("
            "  SELECT word, df, similarity(word, u.w) AS sim FROM search_words"
            "  WHERE df > 0 AND word % u.w AND word <> u.w ORDER BY sim DESC, df DESC, word LIMIT 12) AS s"),
            {"words": words}).all()
        found: dict[str, list[tuple[str, int, float]]] = {}
        for w, cand, df, sim in rows:
            found.setdefault(w, []).append((cand, df, sim))
        return found

    @staticmethod
    def correction(word: str, neighbours: list[tuple[str, int, float]]) -> str | None:
        """The closest spelling (one edit for short words, two for longer ones), the more frequent on a tie."""
        if len(word) < 4 or not word.isalpha():
            return None
        maxdist = 1 if len(word) <= 5 else 2
        ranked = sorted((edit_distance(word, cand, maxdist), -df, cand) for cand, df, _sim in neighbours)
        return next((cand for dist, _df, cand in ranked if dist <= maxdist), None)

    def _forgive(self, conn, clauses: list[Clause], an: Analysis) -> dict[str, str]:
        """Unknown words become their correction or their nearest vocabulary words. Returns the corrections."""
        unknown = self._unknown(conn, clauses)
        if not unknown:
            return {}
        neighbours = self._neighbours(conn, [clauses[n].word for n in unknown])
        corrections: dict[str, str] = {}
        for n in unknown:
            clause = clauses[n]
            near = neighbours.get(clause.word, [])
            fix = self.correction(clause.word, near)
            replacements = ([fix] if fix else []) + [c for c, _df, _sim in near if c != fix][:SIMILAR]
            alternatives = [q for q in (an.word_query(r) for r in replacements) if q]
            if fix:
                corrections[clause.word] = fix
            if alternatives:  # otherwise the word stays unmatched and the any-word fallback finds the rest
                clauses[n] = Clause(alternatives, clause.word, replacements)
        return corrections

    def search(self, query: Query) -> Results:
        results = Results(query=query.text, page=query.page, per_page=query.per_page)
        with self._connect() as conn:
            an = self.analysis(conn)
            clauses = plan(query.text, query.synonyms, an)
            if not clauses:
                return results
            corrections = self._forgive(conn, clauses, an)
            if corrections:
                results.suggestion = " ".join(corrections.get(w, w) for w in analysis.words(query.text)[:MAX_WORDS * 2])
                results.corrected = True
            # every word first; if nothing has them all, any word (ranked by how many match)
            for op in ("&&", "||") if len(clauses) > 1 else ("&&",):
                params: dict = {}
                q_sql = tsquery_sql(clauses, op, params)
                groups = conn.execute(text(
                    f"WITH q AS (SELECT {q_sql} AS q) SELECT d.type, d.category, count(*) FROM search_documents d, q "
                    f"WHERE d.tsv @@ q.q GROUP BY d.type, d.category"), params).all()
                if groups:
                    break
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
            results.hits = self._page(conn, query, q_sql, params, first, clauses)
        return results

    def _page(self, conn, query: Query, q_sql: str, params: dict, first: int, clauses: list[Clause]) -> list[Hit]:
        filters = ""
        params = {**params, "limit": query.per_page, "offset": first, "opts": SNIPPET,
                  "highlight": bool(query.highlight)}
        if query.type:
            filters += " AND d.type = :type"
            params["type"] = query.type
        if query.category:
            filters += " AND d.category = :category"
            params["category"] = query.category
        rows = conn.execute(text(
            f"WITH q AS (SELECT {q_sql} AS q), page AS ("
            f"  SELECT d.key, d.type, d.obj_id, d.slug, d.title, d.url, d.category, d.lang, d.summary, d.body,"
            f"         {RANK} * d.boost AS score"
            f"  FROM search_documents d, q WHERE d.tsv @@ q.q{filters}"
            f"  ORDER BY score DESC, d.key LIMIT :limit OFFSET :offset) "
            f"SELECT page.*, CASE WHEN :highlight THEN ts_headline({ROW_CONFIG.format(t='page')}, page.body, q.q, "
            f"  :opts) END AS headline FROM page, q ORDER BY page.score DESC, page.key"), params).mappings().all()
        cues = self._best_cues(conn, [r["key"] for r in rows if r["type"] == "video"], q_sql, params, clauses)
        hits = []
        for r in rows:
            t, snippet = cues.get(r["key"], (None, []))
            if not snippet and r["headline"] and START in r["headline"]:
                snippet = segments(r["headline"])
            if not snippet:
                snippet = [((r["summary"] or "")[:220], False)]
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
            f"  SELECT 1, e.n, (e.item->>0)::int, e.item->>1 FROM json_array_elements(d.cues) WITH ORDINALITY AS e(item, n)"
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
        terms = [f"{q}:*" for q in (quote(w) for w in body + ([last] if len(last) > 1 else [])) if q]
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
