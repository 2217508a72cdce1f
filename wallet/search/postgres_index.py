"""The PostgreSQL search backend: a ``search_documents`` table with a GIN-indexed tsvector.

Rows are written inside the transaction that changes the credential, so every worker sees
the index exactly as committed. Words are analysed in Python (``text.py``) before they reach
PostgreSQL, whose ``simple`` configuration then only splits them: no Polish dictionary or
``unaccent`` extension is needed, and both backends match the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy import Column as SqlColumn
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Session, sessionmaker

from wallet.models.base import Base, UTCDateTime
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

BATCH = 1000
_CONFIG: ColumnElement[Any] = literal_column("'simple'::regconfig")

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
    SqlColumn("terms", TSVECTOR().with_variant(Text(), "sqlite"), nullable=False),
    Index("ix_search_documents_user_id", "user_id"),
    Index("ix_search_documents_terms", "terms", postgresql_using="gin"),
)
_t = search_documents.c
_SINGLE_VALUED = {Facet.ISSUER: _t.issuer, Facet.LEVEL: _t.level, Facet.STATUS: _t.verdict}
_MULTI_VALUED = {Facet.SKILL: _t.skills, Facet.TAG: _t.tags}


class PostgresIndex:
    """Search over the ``search_documents`` table, written in the committing transaction."""

    transactional = True

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def search(self, query: SearchQuery) -> SearchResults:
        """The owner's matching credentials, best first (newest first without words)."""
        words = query_terms(query.text)
        condition = _condition(query, words)
        if condition is None:
            return SearchResults(query, 0, (), build_facets(query, {}))
        with self._sessions() as session:
            counted = _facet_counts(session, condition)
            rows = session.execute(
                select(_t.credential_id, _t.title, _t.issuer, _t.issued_on, _t.verdict)
                .where(condition)
                .order_by(*_order(words))
                .offset(query.offset)
                .limit(query.page_size)
            ).all()
        hits = tuple(
            SearchHit(row.credential_id, row.title, row.issuer, row.issued_on, Verdict(row.verdict))
            for row in rows
        )
        total = sum(counted.get(Facet.STATUS, {}).values())
        return SearchResults(query, total, hits, build_facets(query, counted))

    def apply(self, session: Session, changes: IndexChanges) -> None:
        """Write ``changes`` through ``session``: they commit or roll back with it."""
        if changes.cleared_owners:
            session.execute(delete(search_documents).where(_t.user_id.in_(changes.cleared_owners)))
        stale = {*changes.removed, *(document.credential_id for document in changes.documents)}
        if stale:
            session.execute(delete(search_documents).where(_t.credential_id.in_(sorted(stale))))
        _insert(session, changes.documents)

    def rebuild(self, session: Session, documents: Iterable[SearchDocument]) -> int:
        """Replace every row with ``documents``; the caller commits."""
        session.execute(delete(search_documents))
        count = 0
        batch: list[SearchDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                count += _insert(session, batch)
                batch = []
        return count + _insert(session, batch)


def _insert(session: Session, documents: Sequence[SearchDocument]) -> int:
    if not documents:
        return 0
    weighted = func.setweight(
        func.to_tsvector(_CONFIG, bindparam("title_terms")), literal_column("'A'")
    ).op("||")(func.to_tsvector(_CONFIG, bindparam("body_terms")))
    statement = insert(search_documents).values(terms=weighted)
    session.execute(statement, [_row(document) for document in documents])
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
        "title_terms": " ".join(terms(document.title_text())),
        "body_terms": " ".join(terms(document.body())),
    }


def _tsquery(words: Sequence[str]) -> str:
    # Stems hold letters and digits only, so they need no quoting in tsquery syntax.
    return " & ".join(f"{word}:*" if len(word) >= MIN_PREFIX else word for word in words)


def _condition(query: SearchQuery, words: Sequence[str]) -> ColumnElement[bool] | None:
    """The SQL condition of ``query``; None when a filter can match nothing."""
    parts: list[ColumnElement[bool]] = [_t.user_id == query.user_id]
    if words:
        parts.append(_t.terms.bool_op("@@")(func.to_tsquery(_CONFIG, _tsquery(words))))
    for facet, value in query.filters:
        if facet in _SINGLE_VALUED:
            parts.append(_SINGLE_VALUED[facet] == value)
        elif facet in _MULTI_VALUED:
            parts.append(_MULTI_VALUED[facet].contains([value]))
        elif value.isdigit():
            parts.append(_t.year == int(value))
        else:
            return None
    return and_(true(), *parts)


def _order(words: Sequence[str]) -> list[Any]:
    newest = [_t.issued_on.desc().nulls_last(), _t.credential_id.desc()]
    if not words:
        return newest
    rank = func.ts_rank(_t.terms, func.to_tsquery(_CONFIG, _tsquery(words)))
    return [rank.desc(), *newest]


def _facet_counts(session: Session, condition: ColumnElement[bool]) -> dict[Facet, dict[str, int]]:
    """Every facet's value counts over the matching rows, in one round trip."""
    matched = select(search_documents).where(condition).cte("matched")
    m = matched.c
    selects = [
        select(literal(facet.value).label("facet"), source.label("value"), func.count())
        .select_from(matched)
        .where(source.is_not(None))
        .group_by(source)
        for facet, source in (
            (Facet.ISSUER, m.issuer),
            (Facet.LEVEL, m.level),
            (Facet.STATUS, m.verdict),
            (Facet.YEAR, func.cast(m.year, Text)),
        )
    ]
    for facet, array in ((Facet.SKILL, m.skills), (Facet.TAG, m.tags)):
        values = (
            func.unnest(array).table_valued("value").render_derived(name=f"{facet.value}_values")
        )
        selects.append(
            select(literal(facet.value).label("facet"), values.c.value, func.count())
            .select_from(matched)
            .join(values, true())
            .group_by(values.c.value)
        )
    counted: dict[Facet, dict[str, int]] = {}
    for facet_name, facet_value, count in session.execute(union_all(*selects)):
        if facet_value:
            counted.setdefault(Facet(facet_name), {})[str(facet_value)] = count
    return counted
