"""Full-text search over a holder's credentials: the index protocol and its typed values.

Two backends implement ``SearchIndex``: Whoosh files under ``<data_dir>/search/`` (one
process or one machine) and a PostgreSQL table (several workers). Both index the documents
``documents.py`` derives from stored credentials, analysed by ``text.py``; ``indexing.py``
keeps them in step with the database after each commit.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from wallet.search.text import terms
from wallet.verification.standing import Standing

PAGE_SIZE = 20
FACET_VALUES_SHOWN = 12
MAX_QUERY_TEXT = 200
MAX_FILTERS = 12
MAX_FILTER_VALUE = 500
MAX_PAGE = 500


class Facet(enum.Enum):
    """A property results can be narrowed by; the value is the query-string key."""

    ISSUER = "issuer"
    SKILL = "skill"
    LEVEL = "level"
    YEAR = "year"
    STATUS = "status"
    TAG = "tag"


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows about one credential: its text and its facet values."""

    credential_id: int
    user_id: int
    title: str
    issuer: str
    issued_on: datetime | None
    verdict: Standing
    description: str = ""
    criteria: str = ""
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    note: str = ""
    level: str | None = None
    # The title in its other languages: searched like the title, never shown.
    other_titles: str = ""
    # The skills' labels in every language the credential or the bundled vocabulary gives.
    concept_labels: str = ""
    # The analysed words (space-separated stems) of ``title_text()`` and ``body()``, as both
    # indexes store them: worked out once, where the document is made (in a job, the worker
    # process that checked the credential).
    title_terms: str = field(init=False, compare=False, repr=False)
    body_terms: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title_terms", " ".join(terms(self.title_text())))
        object.__setattr__(self, "body_terms", " ".join(terms(self.body())))

    def stored_as(self, credential_id: int, user_id: int) -> SearchDocument:
        """This document with the ids of the stored credential, its words not analysed again."""
        stored = copy.copy(self)
        object.__setattr__(stored, "credential_id", credential_id)
        object.__setattr__(stored, "user_id", user_id)
        return stored

    @property
    def year(self) -> int | None:
        """The year it was issued, if known."""
        return self.issued_on.year if self.issued_on else None

    def facet_values(self, facet: Facet) -> tuple[str, ...]:
        """This document's values for ``facet`` (none, one, or several)."""
        match facet:
            case Facet.ISSUER:
                return (self.issuer,) if self.issuer else ()
            case Facet.SKILL:
                return self.skills
            case Facet.LEVEL:
                return (self.level,) if self.level else ()
            case Facet.YEAR:
                return (str(self.year),) if self.year else ()
            case Facet.STATUS:
                return (self.verdict.value,)
            case Facet.TAG:
                return self.tags

    def title_text(self) -> str:
        """The title in every language it was given in."""
        return "\n".join(part for part in (self.title, self.other_titles) if part)

    def body(self) -> str:
        """Every searchable text but the title, one paragraph each."""
        parts = (
            self.description,
            self.criteria,
            self.issuer,
            *self.skills,
            *self.tags,
            self.note,
            self.concept_labels,
        )
        return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class SearchQuery:
    """One owner's search: words, facet filters (all must hold) and the page wanted."""

    user_id: int
    text: str = ""
    filters: tuple[tuple[Facet, str], ...] = ()
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        """How many hits come before this page."""
        return (max(self.page, 1) - 1) * self.page_size

    def values(self, facet: Facet) -> tuple[str, ...]:
        """The values ``facet`` is filtered to."""
        return tuple(value for kind, value in self.filters if kind is facet)


@dataclass(frozen=True)
class SearchHit:
    """One matching credential, with what a results list shows."""

    credential_id: int
    title: str
    issuer: str
    issued_on: datetime | None
    verdict: Standing


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet and how many matching credentials have it."""

    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class FacetCounts:
    """The values of one facet among the matching credentials, most frequent first."""

    facet: Facet
    values: tuple[FacetValue, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    """One page of hits, the total number of matches and the facet counts over all of them."""

    query: SearchQuery
    total: int
    hits: tuple[SearchHit, ...] = ()
    facets: tuple[FacetCounts, ...] = field(default_factory=tuple)

    @property
    def pages(self) -> int:
        """How many pages the matches fill."""
        return max(1, -(-self.total // self.query.page_size))


@dataclass(frozen=True)
class IndexChanges:
    """What to change in an index: owners to empty, documents to drop, documents to (re)write,
    and documents of credentials the transaction added.

    Applied in that order, so an owner re-indexed in full is emptied first. An added
    credential's id is new (ids are never reused: AUTOINCREMENT on SQLite, a sequence on
    PostgreSQL), so no index holds a document to replace for it.
    """

    cleared_owners: frozenset[int] = frozenset()
    removed: tuple[int, ...] = ()
    documents: tuple[SearchDocument, ...] = ()
    added: tuple[SearchDocument, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.cleared_owners or self.removed or self.documents or self.added)


class SearchIndex(Protocol):
    """A full-text index of credentials; every search is scoped to ``query.user_id``."""

    @property
    def transactional(self) -> bool:
        """True when changes are written inside the committing transaction (a database table).

        False when they can only be written once the transaction has committed (files).
        """

    def search(self, query: SearchQuery) -> SearchResults:
        """The owner's credentials matching ``query``, one page of them, with facet counts."""

    def apply(self, session: Session, changes: IndexChanges) -> None:
        """Write ``changes``; a transactional index writes through ``session``."""

    def rebuild(self, session: Session, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``documents``; returns how many were indexed."""


def parse_query(
    user_id: int, text: str, filters: Iterable[tuple[str, str]], page: str
) -> SearchQuery:
    """A bounded query from untrusted form values; unknown facet names are ignored."""
    names = {facet.value: facet for facet in Facet}
    chosen = tuple(
        dict.fromkeys(
            (names[name], value.strip()[:MAX_FILTER_VALUE])
            for name, value in filters
            if name in names and value.strip()
        )
    )[:MAX_FILTERS]
    number = int(page) if page.isdigit() else 1
    return SearchQuery(
        user_id=user_id,
        text=" ".join(text.split())[:MAX_QUERY_TEXT],
        filters=chosen,
        page=min(max(number, 1), MAX_PAGE),
    )


def build_facets(
    query: SearchQuery, counted: dict[Facet, dict[str, int]]
) -> tuple[FacetCounts, ...]:
    """Facet counts in display order: most frequent values first, selected ones kept."""
    facets = []
    for facet in Facet:
        counts = counted.get(facet, {})
        selected = set(query.values(facet))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        shown = [FacetValue(value, count, value in selected) for value, count in ranked]
        keep = shown[:FACET_VALUES_SHOWN] + [
            value for value in shown[FACET_VALUES_SHOWN:] if value.selected
        ]
        if facet is Facet.YEAR:
            keep.sort(key=lambda value: value.value, reverse=True)
        facets.append(FacetCounts(facet, tuple(keep)))
    return tuple(facets)
