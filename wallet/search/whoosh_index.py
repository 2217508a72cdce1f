"""The Whoosh search backend: an index of files under ``<data_dir>/search/``.

Whoosh keeps the documents durable, shared between processes and safely written (its lock,
atomic commits, deletion by owner or credential). Searching runs on ``Collection``: each
holder's entries, read from the index once and kept in memory until a commit changes them,
so a search never walks other holders' postings nor reads stored fields it does not show.
Text reaches the index already analysed (folded stems from ``text.py``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from whoosh import index, writing
from whoosh.fields import ID, STORED, Schema
from whoosh.query import Or, Term

from wallet.search import IndexChanges, SearchDocument, SearchHit, SearchQuery, SearchResults
from wallet.search.collection import FACETS, Collection, Collections, Entry, analysed_words
from wallet.verification.standing import Standing

log = logging.getLogger(__name__)

INDEX_NAME = "credentials"
WRITE_LOCK_TIMEOUT = 30.0
# How many entries the in-memory collections may hold together.
MAX_CACHED_ENTRIES = 100_000
# A commit that only adds documents leaves merging segments to a later commit, until there are
# this many: merging copies earlier documents anew (unpickled, compressed again), which was
# most of a bulk import's index writing. Bounded, as each search opens every segment.
MAX_UNMERGED_SEGMENTS = 32


def _schema() -> Schema:
    return Schema(key=ID(unique=True), owner=ID(), document=STORED())


class WhooshIndex:
    """A Whoosh index of every holder's credentials; writes wait for the index lock."""

    transactional = False

    def __init__(self, folder: Path, max_cached_entries: int = MAX_CACHED_ENTRIES) -> None:
        self.folder = folder
        self._lock = threading.RLock()
        self._index: index.Index | None = None
        self._searcher: Any = None
        self._collections = Collections(max_cached_entries)
        # The index generation the cached collections were read at.
        self._generation: int | None = None

    def search(self, query: SearchQuery) -> SearchResults:
        """The owner's matching credentials, best first (newest first without words)."""
        with self._lock:
            collection = self._collection(query.user_id)
        return collection.search(query)

    def apply(self, session: Session, changes: IndexChanges) -> None:
        """Write ``changes`` in one Whoosh commit (the session is not needed)."""
        if not changes:
            return
        with self._lock:
            writer = self._open().writer(timeout=WRITE_LOCK_TIMEOUT)
            try:
                for owner in changes.cleared_owners:
                    writer.delete_by_term("owner", str(owner))
                replaced = [*changes.removed, *(doc.credential_id for doc in changes.documents)]
                if replaced:
                    # One search for all, as Whoosh advises: update_document opens one each.
                    writer.delete_by_query(Or([Term("key", str(key)) for key in replaced]))
                for document in chain(changes.documents, changes.added):
                    writer.add_document(**_fields(document))
            except BaseException:
                writer.cancel()
                raise
            previous = writer.generation - 1
            only_added = not (changes.cleared_owners or changes.removed or changes.documents)
            writer.commit(merge=not only_added or len(writer.segments) >= MAX_UNMERGED_SEGMENTS)
            self._forget(changes, unchanged_since=previous, now=writer.generation)

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
            self._collections.clear()
        return count

    def close(self) -> None:
        """Release the open searcher and index, and the collections read from them."""
        with self._lock:
            self._collections.clear()
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._index is not None:
                self._index.close()
                self._index = None

    def _open(self) -> index.Index:
        if self._index is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = str(self.folder)
            if index.exists_in(name, indexname=INDEX_NAME):
                self._index = index.open_dir(name, indexname=INDEX_NAME)
                if "document" not in self._index.schema:
                    # An index from before collections were stored whole: start anew.
                    log.warning("search index has an old layout; run 'wallet search reindex'")
                    self._index.close()
                    self._index = index.create_in(name, _schema(), indexname=INDEX_NAME)
            else:
                self._index = index.create_in(name, _schema(), indexname=INDEX_NAME)
        return self._index

    def _current_searcher(self) -> Any:
        # A searcher is reused until another writer (thread or process) commits. Not through
        # ``refresh()``: its reused segment readers miss deletions made since.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._open().searcher()
            generation = self._searcher.reader().generation()
            if generation != self._generation:
                # Written by someone else: which holders changed is unknown.
                self._collections.clear()
                self._generation = generation
        return self._searcher

    def _collection(self, owner: int) -> Collection:
        searcher = self._current_searcher()
        collection = self._collections.get(owner)
        if collection is None:
            docnums = searcher.docs_for_query(Term("owner", str(owner)))
            collection = Collection(_entry(searcher.stored_fields(n)["document"]) for n in docnums)
            self._collections.put(owner, collection)
        return collection

    def _forget(self, changes: IndexChanges, unchanged_since: int, now: int) -> None:
        """Drop the collections ``changes`` touched, or all of them if others wrote too."""
        if unchanged_since != self._generation:
            self._collections.clear()
            return
        self._collections.forget(changes.cleared_owners)
        self._collections.forget(
            document.user_id for document in chain(changes.documents, changes.added)
        )
        self._collections.forget(self._collections.holding(changes.removed))
        self._generation = now


def _fields(document: SearchDocument) -> dict[str, object]:
    # A stored layout the code no longer reads needs a new field name (see ``_open``).
    issued = document.issued_on
    entry = (
        document.credential_id,
        document.title,
        document.issuer,
        int(issued.timestamp()) if issued else None,
        document.verdict.value,
        document.title_terms,
        document.body_terms,
        {facet.value: document.facet_values(facet) for facet in FACETS},
    )
    return {"key": str(document.credential_id), "owner": str(document.user_id), "document": entry}


def _entry(stored: Any) -> Entry:
    credential_id, title, issuer, issued, verdict, title_terms, body_terms, facets = stored
    hit = SearchHit(
        credential_id=credential_id,
        title=title,
        issuer=issuer,
        issued_on=datetime.fromtimestamp(issued, UTC) if issued is not None else None,
        verdict=Standing(verdict),
    )
    values = tuple(facets.get(facet.value, ()) for facet in FACETS)
    return Entry(hit, analysed_words(title_terms), analysed_words(body_terms), values)
