"""The Whoosh search backend: an index of files under ``<data_dir>/search/``.

Text reaches Whoosh already analysed (folded stems from ``text.py``, space separated), so its
own analysis is only a split on spaces and both backends match exactly the same words. Facet
values are whole terms of their own fields, separated by a control character that never
appears in a facet value.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from whoosh import index, sorting, writing
from whoosh.analysis import RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, Or, Prefix, Query, Term

from wallet.search import (
    Facet,
    IndexChanges,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    build_facets,
)
from wallet.search.text import MIN_PREFIX, query_terms, terms
from wallet.verification.report import Verdict

INDEX_NAME = "credentials"
WRITE_LOCK_TIMEOUT = 30.0
SEPARATOR = "\x1f"
MULTI_VALUED = frozenset({Facet.SKILL, Facet.TAG})
# Whoosh cannot count a multi-valued facet over a document that has no value for it.
NO_VALUE = "-"


def _schema() -> Schema:
    words = SpaceSeparatedTokenizer()
    values = RegexTokenizer(rf"[^{SEPARATOR}]+")
    return Schema(
        key=ID(unique=True, stored=True),
        owner=ID(),
        title=TEXT(analyzer=words, field_boost=3.0),
        body=TEXT(analyzer=words),
        shown_title=STORED(),
        shown_issuer=STORED(),
        issued=NUMERIC(int, bits=64, stored=True, sortable=True, signed=True),
        verdict=ID(stored=True, sortable=True),
        issuer=ID(sortable=True),
        level=ID(sortable=True),
        year=ID(sortable=True),
        status=ID(sortable=True),
        skill=TEXT(analyzer=values, phrase=False, vector=True),
        tag=TEXT(analyzer=values, phrase=False, vector=True),
    )


class WhooshIndex:
    """A Whoosh index of every holder's credentials; writes wait for the index lock."""

    transactional = False

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.RLock()
        self._index: index.Index | None = None
        self._searcher: Any = None

    def search(self, query: SearchQuery) -> SearchResults:
        """The owner's matching credentials, best first (newest first without words)."""
        words = query_terms(query.text)
        facets = sorting.Facets()
        for facet in Facet:
            facets.add_field(facet.value, allow_overlap=facet in MULTI_VALUED)
        order = None if words else sorting.FieldFacet("issued", reverse=True)
        with self._lock:
            searcher = self._current_searcher()
            found = searcher.search(
                _whoosh_query(query, words),
                limit=query.offset + query.page_size,
                groupedby=facets,
                maptype=sorting.Count,
                sortedby=order,
            )
            hits = tuple(_hit(stored) for stored in found[query.offset :])
            counted = {facet: _counts(found.groups(facet.value)) for facet in Facet}
            total = len(found)
        return SearchResults(query, total, hits, build_facets(query, counted))

    def apply(self, session: Session, changes: IndexChanges) -> None:
        """Write ``changes`` in one Whoosh commit (the session is not needed)."""
        if not changes:
            return
        with self._lock:
            writer = self._open().writer(timeout=WRITE_LOCK_TIMEOUT)
            try:
                for owner in changes.cleared_owners:
                    writer.delete_by_term("owner", str(owner))
                for credential_id in changes.removed:
                    writer.delete_by_term("key", str(credential_id))
                for document in changes.documents:
                    writer.update_document(**_fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(self, session: Session, documents: Iterable[SearchDocument]) -> int:
        """Replace every document with ``documents`` in one commit readers never see half of."""
        with self._lock:
            writer = self._open().writer(timeout=WRITE_LOCK_TIMEOUT, limitmb=256)
            count = 0
            try:
                for document in documents:
                    writer.add_document(**_fields(document))
                    count += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=writing.CLEAR)
        return count

    def close(self) -> None:
        """Release the open searcher and index."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._index is not None:
                self._index.close()
                self._index = None

    def _open(self) -> index.Index:
        if self._index is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            if index.exists_in(str(self.folder), indexname=INDEX_NAME):
                self._index = index.open_dir(str(self.folder), indexname=INDEX_NAME)
            else:
                self._index = index.create_in(str(self.folder), _schema(), indexname=INDEX_NAME)
        return self._index

    def _current_searcher(self) -> Any:
        # A searcher is reused until another writer (thread or process) commits. Not through
        # ``refresh()``: its reused segment readers miss deletions made since.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._open().searcher()
        return self._searcher


def _whoosh_query(query: SearchQuery, words: list[str]) -> Query:
    parts: list[Query] = [Term("owner", str(query.user_id))]
    for word in words:
        options: list[Query] = [Term("title", word), Term("body", word)]
        if len(word) >= MIN_PREFIX:
            options += [Prefix("title", word), Prefix("body", word)]
        parts.append(Or(options))
    parts.extend(Term(facet.value, value) for facet, value in query.filters)
    return And(parts)


def _fields(document: SearchDocument) -> dict[str, object]:
    issued = document.issued_on
    return {
        "key": str(document.credential_id),
        "owner": str(document.user_id),
        "title": " ".join(terms(document.title_text())),
        "body": " ".join(terms(document.body())),
        "shown_title": document.title,
        "shown_issuer": document.issuer,
        "issued": int(issued.timestamp()) if issued else 0,
        "verdict": document.verdict.value,
        **{
            facet.value: SEPARATOR.join(document.facet_values(facet)) or NO_VALUE for facet in Facet
        },
    }


def _hit(stored: Any) -> SearchHit:
    issued = stored.get("issued") or 0
    return SearchHit(
        credential_id=int(stored["key"]),
        title=stored.get("shown_title", ""),
        issuer=stored.get("shown_issuer", ""),
        issued_on=datetime.fromtimestamp(issued, UTC) if issued else None,
        verdict=Verdict(stored["verdict"]),
    )


def _counts(groups: dict[Any, int]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for value, count in groups.items():
        text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
        if text and text != NO_VALUE and value is not None:
            counted[text] = count
    return counted
