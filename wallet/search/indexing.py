"""Keeping the search index in step with the database, whoever commits.

Session events on the app's session factory note which credentials and owners each flush
touched; when the transaction commits, their documents are re-read from the database and
written to the index (inside the transaction for a table index, right after it for files).
A rollback discards the notes, so nothing uncommitted is ever indexed. Routes and services
never call search themselves.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from wallet.db import Database
from wallet.models import Credential, CredentialTag, Tag, User
from wallet.search import IndexChanges, SearchDocument, SearchIndex
from wallet.search.documents import all_documents, load_documents, owner_documents
from wallet.search.postgres_index import PostgresIndex
from wallet.search.whoosh_index import WhooshIndex

log = logging.getLogger(__name__)

_PENDING = "search_pending"
_WATCHED = (Credential, CredentialTag, Tag, User)
_OWNER_COLUMNS = frozenset(
    {"users.id", "credentials.user_id", "credential_tags.user_id", "tags.user_id"}
)
_CREDENTIAL_COLUMNS = frozenset({"credentials.id", "credential_tags.credential_id"})
_installed: weakref.WeakKeyDictionary[sessionmaker[Session], _Indexer] = weakref.WeakKeyDictionary()


@dataclass
class _Pending:
    """What one transaction changed, by credential id and by owner."""

    credentials: set[int] = field(default_factory=set)
    owners: set[int] = field(default_factory=set)
    everything: bool = False
    # Documents the writer built from the objects in hand (``prepare_documents``).
    prepared: dict[int, SearchDocument] = field(default_factory=dict)


def create_search_index(backend: str, folder: Path, sessions: sessionmaker[Session]) -> SearchIndex:
    """The configured backend: ``whoosh`` files in ``folder`` or the ``postgres`` table."""
    if backend == "postgres":
        return PostgresIndex(sessions)
    return WhooshIndex(folder)


def indexed_search(backend: str, folder: Path, sessions: sessionmaker[Session]) -> SearchIndex:
    """The configured index, kept up to date after every commit of ``sessions``' sessions."""
    index = create_search_index(backend, folder, sessions)
    install_indexing(sessions, index)
    return index


def install_indexing(sessions: sessionmaker[Session], index: SearchIndex) -> None:
    """Index what every session made by ``sessions`` commits (once per factory)."""
    indexer = _installed.get(sessions)
    if indexer is not None:
        indexer.index = index
        return
    indexer = _Indexer(sessions, index)
    _installed[sessions] = indexer
    event.listen(sessions, "after_flush", indexer.after_flush)
    event.listen(sessions, "do_orm_execute", indexer.do_orm_execute)
    event.listen(sessions, "before_commit", indexer.before_commit)
    event.listen(sessions, "after_commit", indexer.after_commit)
    event.listen(sessions, "after_transaction_end", indexer.after_transaction_end)


def reindex(session: Session, index: SearchIndex) -> int:
    """Rebuild the whole index from the database; returns how many credentials it holds."""
    return index.rebuild(session, all_documents(session))


def reindex_database(database_url: str, backend: str, folder: Path) -> int:
    """Rebuild the configured index from the database at ``database_url`` (the CLI's job)."""
    database = Database.from_url(database_url)
    index = create_search_index(backend, folder, database.sessions)
    try:
        with database.sessions() as session:
            count = reindex(session, index)
            session.commit()
    finally:
        if isinstance(index, WhooshIndex):
            index.close()
        database.engine.dispose()
    return count


def prepare_documents(session: Session, documents: Iterable[SearchDocument]) -> None:
    """Documents of credentials this transaction adds, so its commit need not read them back.

    For bulk writers that hold each credential's record already, and must call it for what
    they insert with bulk statements (no flush sees those rows). A later change to one of
    these credentials in the same transaction drops its document, which is then read anew.
    """
    pending = _pending(session)
    for document in documents:
        pending.credentials.add(document.credential_id)
        pending.prepared[document.credential_id] = document


def pending_changes(session: Session) -> IndexChanges | None:
    """The index changes for what ``session`` changed so far (None: rebuild everything)."""
    pending = _pending(session)
    if pending.everything:
        return None
    documents = [doc for owner in sorted(pending.owners) for doc in owner_documents(session, owner)]
    loose = set(pending.credentials)
    prepared = [
        doc
        for credential_id, doc in pending.prepared.items()
        if credential_id in loose and doc.user_id not in pending.owners
    ]
    unread = loose - {doc.credential_id for doc in prepared}
    found = [doc for doc in load_documents(session, unread) if doc.user_id not in pending.owners]
    found_ids = {doc.credential_id for doc in (*found, *prepared)}
    return IndexChanges(
        cleared_owners=frozenset(pending.owners),
        removed=tuple(sorted(loose - found_ids)),
        documents=tuple(documents + found),
        added=tuple(prepared),
    )


class _Indexer:
    """The session event handlers for one session factory."""

    def __init__(self, sessions: sessionmaker[Session], index: SearchIndex) -> None:
        self.sessions = sessions
        self.index = index

    def after_flush(self, session: Session, _context: object) -> None:
        pending = _pending(session)
        self._drop_prepared(session, pending)
        for obj in chain(session.new, session.dirty):
            if isinstance(obj, Credential):
                pending.credentials.add(obj.id)
            elif isinstance(obj, CredentialTag):
                pending.credentials.add(obj.credential_id)
            elif isinstance(obj, Tag) and obj in session.dirty:
                pending.owners.add(obj.user_id)  # renamed: every credential it labels
        for obj in session.deleted:
            # A deleted credential takes the credentials it contained with it (a database
            # cascade), and a deleted tag its links: re-read the whole owner.
            if isinstance(obj, Credential | Tag):
                pending.owners.add(obj.user_id)
            elif isinstance(obj, CredentialTag):
                pending.credentials.add(obj.credential_id)
            elif isinstance(obj, User):
                pending.owners.add(obj.id)

    def do_orm_execute(self, state: ORMExecuteState) -> None:
        if not (state.is_update or state.is_delete):
            return
        mappers = {mapper.class_ for mapper in state.all_mappers}
        if not mappers & set(_WATCHED):
            return
        pending = _pending(state.session)
        pending.prepared.clear()  # which rows a statement changes is not worth working out
        owners = _bound_values(state.statement, _OWNER_COLUMNS)
        credentials = _bound_values(state.statement, _CREDENTIAL_COLUMNS)
        if owners:
            pending.owners.update(owners)
        elif credentials and not (state.is_delete and Credential in mappers):
            pending.credentials.update(credentials)
        else:
            # Which rows a bulk statement touched is unknown: rebuild rather than guess.
            pending.everything = True

    @staticmethod
    def _drop_prepared(session: Session, pending: _Pending) -> None:
        """Forget prepared documents of credentials changed again (or tagged) since."""
        if not pending.prepared:
            return
        for obj in chain(session.new, session.dirty, session.deleted):
            if isinstance(obj, Credential) and obj not in session.new:
                pending.prepared.pop(obj.id, None)
            elif isinstance(obj, CredentialTag):
                pending.prepared.pop(obj.credential_id, None)
            elif isinstance(obj, Tag | User):
                pending.prepared.clear()

    def before_commit(self, session: Session) -> None:
        if not self.index.transactional:
            return
        session.flush()  # commit flushes after this event: the last changes must be noted
        if session.info.get(_PENDING):
            self._apply(session)

    def after_commit(self, session: Session) -> None:
        # SQLAlchemy also signals a savepoint's release here; other sessions cannot see it yet.
        nested = session.in_nested_transaction()
        if self.index.transactional or nested or not session.info.get(_PENDING):
            return
        pending = session.info.pop(_PENDING)
        try:
            with self.sessions() as reader:
                reader.info[_PENDING] = pending
                self._apply(reader)
        except Exception:
            # The commit stands; the index catches up at the next change or reindex.
            log.exception("search index update failed after commit")

    def after_transaction_end(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            session.info.pop(_PENDING, None)

    def _apply(self, session: Session) -> None:
        changes = pending_changes(session)
        session.info.pop(_PENDING, None)
        if changes is None:
            reindex(session, self.index)
        else:
            self.index.apply(session, changes)


def _pending(session: Session) -> _Pending:
    pending = session.info.get(_PENDING)
    if not isinstance(pending, _Pending):
        pending = session.info[_PENDING] = _Pending()
    return pending


def _bound_values(statement: Any, columns: frozenset[str]) -> set[int]:
    """Integer values a WHERE clause pins any of ``columns`` to (``=`` or ``IN``)."""
    found: set[int] = set()
    where = getattr(statement, "whereclause", None)
    if where is None:
        return found
    for node in visitors.iterate(where):
        if not isinstance(node, BinaryExpression) or node.operator not in (
            operators.eq,
            operators.in_op,
        ):
            continue
        left, right = node.left, node.right
        table = getattr(getattr(left, "table", None), "name", None)
        if f"{table}.{getattr(left, 'key', '')}" not in columns:
            continue
        if isinstance(right, BindParameter):
            value = right.effective_value
            values = value if isinstance(value, list | tuple) else [value]
            found.update(v for v in values if isinstance(v, int))
    return found
