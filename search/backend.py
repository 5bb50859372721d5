"""The search-backend interface. Views and services talk to this, never to a backend directly: Whoosh
(search/whoosh_backend.py, the default) or PostgreSQL full text (search/pg_backend.py, for several app servers),
chosen by SEARCH_BACKEND in search/__init__.py."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

# Query behaviour both backends share: when fewer documents than this have every word, the documents with some
# of the words follow them.
FEW_RESULTS = 3


class SearchUnavailable(Exception):
    """The index cannot be opened or read (missing, corrupt, disk trouble). Pages keep working; search says so."""


@dataclass
class Document:
    """One searchable item, backend-neutral. ``key`` is "<type>:<id>"."""

    key: str
    type: str  # article | video | question
    obj_id: int | str
    title: str
    url: str
    lang: str = "de"
    slug: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    body: str = ""
    cues: list[tuple[int, str]] = field(default_factory=list)  # video: (start second, text) per transcript cue
    chapters: list[tuple[int, str]] = field(default_factory=list)
    boost: float = 1.0
    version: str = ""  # changes whenever the source record changes (for `flask search check`)


@dataclass
class Query:
    text: str
    type: str | None = None
    category: str | None = None
    page: int = 1
    per_page: int = 10
    synonyms: list[list[str]] = field(default_factory=list)
    highlight: bool = True


@dataclass
class Hit:
    type: str
    obj_id: int | str
    slug: str
    title: str
    url: str
    category: str
    snippet: list[tuple[str, bool]]  # (text, is_match) segments: templates escape them, no |safe needed
    t: int | None = None
    score: float = 0.0


@dataclass
class Results:
    query: str
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean"
    corrected: bool = False  # results are for the suggestion (nothing matched the query as typed)
    page: int = 1
    per_page: int = 10


def synonym_spans(words: list[str], groups: list[list[tuple[str, ...]]], key: Callable[[str], str]
                  ) -> Iterator[tuple[str | None, list[tuple[str, ...]] | None]]:
    """Walk the query words: where a phrase of a synonym group begins (words compared by ``key``, e.g. their
    stem; the longest phrase wins), yield ``(None, group)`` and skip the phrase; else yield ``(word, None)``."""
    keyed = [[tuple(key(w) for w in phrase) for phrase in group] for group in groups]
    word_keys = [key(w) for w in words]
    i = 0
    while i < len(words):
        candidates = [(len(kphrase), n) for n, kgroup in enumerate(keyed) for kphrase in kgroup
                      if kphrase and tuple(word_keys[i:i + len(kphrase)]) == kphrase]
        if candidates:
            length, n = max(candidates, key=lambda c: (c[0], -c[1]))  # longest phrase, then the first group
            yield None, groups[n]
            i += length
        else:
            yield words[i], None
            i += 1


class SearchBackend(ABC):
    @abstractmethod
    def apply(self, load: Callable[[list[str]], tuple[list[Document], list[str]]], keys: Iterable[str] = ()) -> bool:
        """Upsert and delete ``keys`` under the backend's write lock. ``load(retry_keys)`` reads the database
        *inside* the lock (so the last writer always writes the newest committed state) and returns the
        documents to upsert and the keys to delete, for ``keys`` plus any keys queued by earlier failures.
        Returns False when the write could not happen now and the keys were queued for retry."""

    @abstractmethod
    def search(self, query: Query) -> Results: ...

    @abstractmethod
    def suggest(self, text: str, limit: int = 8) -> list[dict]: ...

    @abstractmethod
    def rebuild(self, documents: Iterable[Document], vocabulary: Iterable[str],
                progress: Callable[[int], None] | None = None, procs: int = 1) -> int: ...

    @abstractmethod
    def versions(self) -> dict[str, str]:
        """key → version of every indexed document."""

    @abstractmethod
    def pending(self) -> list[str]:
        """Keys queued for retry after a failed write."""

    def health(self) -> str:
        """Prove the index answers a real query (raise SearchUnavailable if not); a short detail for /healthz.
        Backends override this with something cheaper where they have it."""
        self.search(Query(text="hilfe", per_page=1, highlight=False))
        return "ok"
