"""Storing checked import items a batch at a time: one savepoint and one flush for them all.

A batch is written in the job's transaction with the job's progress, so it commits whole or
not at all. Should the batch's flush fail (a parallel upload of the same bytes, a bug), its
savepoint is rolled back and each item is stored on its own, as a single upload does, so one
bad item still never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.envelope import EntryFailure, Envelope
from wallet.holder.credentials import (
    Checked,
    CheckedCredential,
    ImportResult,
    content_hash,
    duplicate_result,
    imported_result,
    internal_failure,
    new_credential,
    store_item,
)
from wallet.models import Credential
from wallet.search.documents import document_for
from wallet.search.indexing import prepare_documents

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
class _Placed:
    """A credential added for an item, or the one (stored or added) it duplicates."""

    source: str
    credential: Credential
    duplicate: bool


def store_batch(
    session: Session, user_id: int, batch: Sequence[Checked], stored_ids: Mapping[str, int]
) -> list[ImportResult]:
    """Store the checked items of ``batch`` in order; failure results pass through as they are.

    ``stored_ids`` are the credentials earlier batches stored, by source, for nested
    credentials to find their CLR. Duplicates, of stored credentials or within the batch,
    store nothing. The caller commits.
    """
    envelopes = [item.envelope for item in batch if isinstance(item, CheckedCredential)]
    existing = stored_by_hash(session, user_id, envelopes)
    try:
        with session.begin_nested():
            placed = _place(session, user_id, batch, existing, stored_ids)
            session.flush()
    except Exception:  # Rolled back to the savepoint: store one by one, each on its own.
        logger.warning("a batch could not be stored at once; storing it item by item")
        return _store_each(session, user_id, batch, stored_ids)
    records = {item.digest: item.record for item in batch if isinstance(item, CheckedCredential)}
    prepare_documents(
        session,
        (
            document_for(item.credential, (), records[item.credential.content_hash])
            for item in placed
            if isinstance(item, _Placed) and not item.duplicate
        ),
    )
    return [
        item
        if isinstance(item, ImportResult)
        else duplicate_result(item.source, item.credential)
        if item.duplicate
        else imported_result(item.source, item.credential)
        for item in placed
    ]


def _place(
    session: Session,
    user_id: int,
    batch: Sequence[Checked],
    existing: Mapping[str, Credential],
    stored_ids: Mapping[str, int],
) -> list[ImportResult | _Placed]:
    added: dict[str, Credential] = {}
    by_source: dict[str, Credential] = {}
    placed: list[ImportResult | _Placed] = []
    for item in batch:
        if isinstance(item, ImportResult):
            placed.append(item)
            continue
        source = item.envelope.source
        earlier = existing.get(item.digest) or added.get(item.digest)
        if earlier is not None:
            placed.append(_Placed(source, earlier, duplicate=True))
            continue
        credential = new_credential(user_id, item)
        container = item.envelope.container or ""
        if container in by_source:
            credential.container = by_source[container]
        else:
            credential.container_id = stored_ids.get(container)
        session.add(credential)
        added[item.digest] = by_source[source] = credential
        placed.append(_Placed(source, credential, duplicate=False))
    return placed


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
