"""The PostgreSQL search backend: a ``search_documents`` table and per-holder versions.

Rows are written inside the transaction that changes the credential, with a new random
version for each holder they belong to (``search_owners``), so every worker sees the index
exactly as committed. A worker searches a holder's ``Collection`` in memory, read from the
rows once and reused while the holder's version is unchanged: one indexed lookup per search
instead of ranking and tallying every matching row in SQL. Rows keep their words analysed
(``text.py``), space separated, so reading them back is a split.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)
from sqlalchemy import Column as SqlColumn
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session, sessionmaker

from wallet.models import User
from wallet.models.base import Base, UTCDateTime
from wallet.search import IndexChanges, SearchDocument, SearchHit, SearchQuery, SearchResults
from wallet.search.collection import FACETS, Collection, Collections, Entry, analysed_words
from wallet.verification.standing import Standing

BATCH = 1000
# How many entries one worker's in-memory collections may hold together.
MAX_CACHED_ENTRIES = 100_000

search_documents = Table(
    "search_documents",
    Base.metadata,
    SqlColumn(
        "credential_id",
        Integer,
        ForeignKey("credentials.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    SqlColumn("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    SqlColumn("title", String(500), nullable=False),
    SqlColumn("issuer", String(500), nullable=False),
    SqlColumn("issued_on", UTCDateTime(), nullable=True),
    SqlColumn("verdict", String(32), nullable=False),
    SqlColumn("level", String(100), nullable=True),
    SqlColumn("year", Integer, nullable=True),
    SqlColumn("skills", ARRAY(Text()).with_variant(JSON(), "sqlite"), nullable=False),
    SqlColumn("tags", ARRAY(Text()).with_variant(JSON(), "sqlite"), nullable=False),
    SqlColumn("title_terms", Text(), nullable=False),
    SqlColumn("body_terms", Text(), nullable=False),
    Index("ix_search_documents_user_id", "user_id"),
)
search_owners = Table(
    "search_owners",
    Base.metadata,
    SqlColumn(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    # Random, not counted: a rebuilt index must never repeat a version a worker holds.
    SqlColumn("version", BigInteger, nullable=False),
)
_t = search_documents.c
_FACET_NAMES = tuple(facet.value for facet in FACETS)


class PostgresIndex:
    """Search over the ``search_documents`` table, written in the committing transaction."""

    transactional = True

    def __init__(
        self, sessions: sessionmaker[Session], max_cached_entries: int = MAX_CACHED_ENTRIES
    ) -> None:
        self._sessions = sessions
        self._collections = Collections(max_cached_entries)

    def search(self, query: SearchQuery) -> SearchResults:
        """The owner's matching credentials, best first (newest first without words)."""
        owner = query.user_id
        with self._sessions() as session:
            version = session.scalar(
                select(search_owners.c.version).where(search_owners.c.user_id == owner)
            )
            collection = self._collections.get(owner, version)
            if collection is None:
                collection = _load(session, owner) if version is not None else Collection(())
                self._collections.put(owner, collection, version)
        return collection.search(query)

    def apply(self, session: Session, changes: IndexChanges) -> None:
        """Write ``changes`` through ``session``: they commit or roll back with it."""
        owners = set(changes.cleared_owners)
        if changes.cleared_owners:
            session.execute(delete(search_documents).where(_t.user_id.in_(changes.cleared_owners)))
        stale = {*changes.removed, *(document.credential_id for document in changes.documents)}
        if stale:
            owners.update(
                session.scalars(
                    delete(search_documents)
                    .where(_t.credential_id.in_(sorted(stale)))
                    .returning(_t.user_id)
                )
            )
        documents = [*changes.documents, *changes.added]
        _insert(session, documents)
        owners.update(document.user_id for document in documents)
        _renew_versions(session, owners)

    def rebuild(self, session: Session, documents: Iterable[SearchDocument]) -> int:
        """Replace every row with ``documents``; the caller commits."""
        session.execute(delete(search_documents))
        session.execute(delete(search_owners))
        count = 0
        batch: list[SearchDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                count += _insert(session, batch)
                batch = []
        count += _insert(session, batch)
        _renew_versions(session, set(session.scalars(select(_t.user_id).distinct())))
        return count


def _renew_versions(session: Session, owners: set[int]) -> None:
    """Give each of ``owners`` a new version, so every worker re-reads their documents."""
    if not owners:
        return
    statement = upsert(search_owners)
    statement = statement.on_conflict_do_update(
        index_elements=[search_owners.c.user_id], set_={"version": statement.excluded.version}
    )
    # Owners whose account is being deleted in this transaction have no row left to guard.
    existing = session.scalars(select(User.id).where(User.id.in_(sorted(owners)))).all()
    rows = [{"user_id": owner, "version": secrets.randbits(62)} for owner in sorted(existing)]
    if rows:
        session.execute(statement, rows)


def _load(session: Session, owner: int) -> Collection:
    """The owner's collection, read from their rows."""
    rows = session.execute(
        select(
            _t.credential_id,
            _t.title,
            _t.issuer,
            _t.issued_on,
            _t.verdict,
            _t.level,
            _t.year,
            _t.skills,
            _t.tags,
            _t.title_terms,
            _t.body_terms,
        ).where(_t.user_id == owner)
    )
    return Collection(_entry(row) for row in rows)


def _entry(row: Any) -> Entry:
    hit = SearchHit(row.credential_id, row.title, row.issuer, row.issued_on, Standing(row.verdict))
    values = {
        "issuer": (row.issuer,) if row.issuer else (),
        "skill": tuple(row.skills),
        "level": (row.level,) if row.level else (),
        "year": (str(row.year),) if row.year else (),
        "status": (row.verdict,),
        "tag": tuple(row.tags),
    }
    facets = tuple(values[name] for name in _FACET_NAMES)
    return Entry(hit, analysed_words(row.title_terms), analysed_words(row.body_terms), facets)


def _insert(session: Session, documents: Sequence[SearchDocument]) -> int:
    if not documents:
        return 0
    session.execute(insert(search_documents), [_row(document) for document in documents])
    return len(documents)


def _row(document: SearchDocument) -> dict[str, Any]:
    return {
        "credential_id": document.credential_id,
        "user_id": document.user_id,
        "title": document.title[:500],
        "issuer": document.issuer[:500],
        "issued_on": document.issued_on,
        "verdict": document.verdict.value,
        "level": document.level[:100] if document.level else None,
        "year": document.year,
        "skills": list(document.skills),
        "tags": list(document.tags),
        "title_terms": document.title_terms,
        "body_terms": document.body_terms,
    }
