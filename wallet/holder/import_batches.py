"""Storing checked import items a batch at a time: a few bulk statements for them all.

A batch is written in the job's transaction with the job's progress, so it commits whole or
not at all. Its rows are inserted in bulk, bypassing the unit of work (in a job, writing is
what the job's own process spends its time on), and their search documents, built where the
items were checked, are handed to the index as they are. Should a bulk insert fail (a parallel
upload of the same bytes, a bug), the batch's savepoint is rolled back and each item is stored
on its own, as a single upload does, so one bad item still never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from wallet.envelope import EntryFailure, Envelope
from wallet.holder.credentials import (
    Checked,
    CheckedCredential,
    ImportResult,
    StoredCredential,
    content_hash,
    credential_values,
    duplicate_result,
    imported_result,
    internal_failure,
    run_values,
    store_item,
)
from wallet.models import Credential, VerificationRun
from wallet.models.base import utcnow
from wallet.search.indexing import prepare_documents
from wallet.verification.report import Verdict

logger = logging.getLogger(__name__)

_IN_LIMIT = 500


def stored_by_hash(
    session: Session, user_id: int, items: Iterable[Envelope | EntryFailure]
) -> dict[str, Credential]:
    """The holder's credentials with the same bytes as any of ``items``, by content hash."""
    digests = sorted({content_hash(item.raw) for item in items if isinstance(item, Envelope)})
    found: dict[str, Credential] = {}
    for start in range(0, len(digests), _IN_LIMIT):
        rows = session.scalars(
            select(Credential).where(
                Credential.user_id == user_id,
                Credential.content_hash.in_(digests[start : start + _IN_LIMIT]),
            )
        )
        found.update((credential.content_hash, credential) for credential in rows)
    return found


@dataclass(frozen=True)
class _Inserted:
    """A credential this batch inserted, as its items' results name it."""

    id: int
    verdict: Verdict
    title: str


def store_batch(
    session: Session, user_id: int, batch: Sequence[Checked], stored_ids: Mapping[str, int]
) -> list[ImportResult]:
    """Store the checked items of ``batch`` in order; failure results pass through as they are.

    ``stored_ids`` are the credentials earlier batches stored, by source, for nested
    credentials to find their CLR. Duplicates, of stored credentials or within the batch,
    store nothing. The caller commits.
    """
    checked = [item for item in batch if isinstance(item, CheckedCredential)]
    existing = stored_by_hash(session, user_id, (item.envelope for item in checked))
    fresh = _first_of_each(checked, existing)
    try:
        with session.begin_nested():
            inserted = _insert(session, user_id, fresh, stored_ids)
    except Exception:  # Rolled back to the savepoint: store one by one, each on its own.
        logger.warning(
            "a batch could not be stored at once; storing it item by item", exc_info=True
        )
        return _store_each(session, user_id, batch, stored_ids)
    prepare_documents(
        session,
        (item.row.document.stored_as(inserted[item.row.digest].id, user_id) for item in fresh),
    )
    stored: dict[str, StoredCredential] = {**existing, **inserted}
    fresh_items = {id(item) for item in fresh}
    return [
        item
        if isinstance(item, ImportResult)
        else imported_result(item.envelope.source, stored[item.row.digest])
        if id(item) in fresh_items
        else duplicate_result(item.envelope.source, stored[item.row.digest])
        for item in batch
    ]


def _first_of_each(
    checked: Sequence[CheckedCredential], existing: Mapping[str, Credential]
) -> list[CheckedCredential]:
    """The items to store: the first with each content the holder does not have yet."""
    seen = set(existing)
    fresh = []
    for item in checked:
        if item.row.digest not in seen:
            seen.add(item.row.digest)
            fresh.append(item)
    return fresh


def _insert(
    session: Session,
    user_id: int,
    fresh: Sequence[CheckedCredential],
    stored_ids: Mapping[str, int],
) -> dict[str, _Inserted]:
    """Insert ``fresh`` with their first runs; the inserted credentials by content hash."""
    now = utcnow()
    in_batch = {item.envelope.source for item in fresh}
    ids_by_source: dict[str, int] = {}
    inserted: dict[str, _Inserted] = {}
    waiting = list(fresh)
    while waiting:
        # A credential nested in a CLR of this batch is inserted once the CLR has its id.
        ready = [
            item
            for item in waiting
            if (item.envelope.container or "") not in in_batch
            or item.envelope.container in ids_by_source
        ]
        if not ready:
            raise ValueError("credentials of the batch are nested in each other")
        ids = _insert_credentials(session, user_id, ready, now, {**stored_ids, **ids_by_source})
        session.execute(
            insert(VerificationRun),
            [
                {**run_values(user_id, item, now), "credential_id": credential_id}
                for item, credential_id in zip(ready, ids, strict=True)
            ],
        )
        for item, credential_id in zip(ready, ids, strict=True):
            ids_by_source[item.envelope.source] = credential_id
            inserted[item.row.digest] = _Inserted(credential_id, item.row.verdict, item.row.title)
        done = {id(item) for item in ready}
        waiting = [item for item in waiting if id(item) not in done]
    return inserted


def _insert_credentials(
    session: Session,
    user_id: int,
    items: Sequence[CheckedCredential],
    now: datetime,
    container_ids: Mapping[str, int],
) -> list[int]:
    # Matched by content hash (unique among them), not by order: unordered, SQLite too
    # inserts many rows per statement.
    statement = insert(Credential).returning(Credential.content_hash, Credential.id)
    rows = [
        {
            **credential_values(user_id, item, now),
            "container_id": container_ids.get(item.envelope.container or ""),
        }
        for item in items
    ]
    ids = {digest: credential_id for digest, credential_id in session.execute(statement, rows)}
    return [ids[item.row.digest] for item in items]


def _store_each(
    session: Session, user_id: int, batch: Sequence[Checked], stored_ids: Mapping[str, int]
) -> list[ImportResult]:
    known = dict(stored_ids)
    results = []
    for item in batch:
        try:
            result = store_item(session, user_id, item, known)
        except Exception:  # As above: this item fails, the batch goes on.
            source = item.envelope.source if isinstance(item, CheckedCredential) else item.source
            logger.exception("storing %s failed", source)
            result = internal_failure(source)
        if result.credential_id is not None:
            known[result.source] = result.credential_id
        results.append(result)
    return results
