"""Storing credentials: import (verify, derive, keep the bytes), re-verify, re-derive."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wallet import importing
from wallet.db import EncodedJson, encoded_json
from wallet.envelope import EntryFailure, Envelope, clr_payloads, with_container
from wallet.errors import N_, NotFoundError, WalletError
from wallet.jsonvalues import JsonObject
from wallet.models import Credential, ItemOutcome, VerificationRun
from wallet.models.base import utcnow
from wallet.records import CredentialRecord, record_to_json
from wallet.search import SearchDocument
from wallet.search.documents import build_document
from wallet.search.indexing import prepare_documents
from wallet.verification.context import VerificationContext
from wallet.verification.report import Report, Verdict, report_to_json
from wallet.verification.standing import standing_from
from wallet.verification.verifier import verify_envelope

logger = logging.getLogger(__name__)

INTERNAL_FAILURE = N_("This item could not be imported because of an error on our side.")


@dataclass(frozen=True)
class ImportResult:
    """What happened to one credential (or unreadable entry) of an upload."""

    source: str
    outcome: ItemOutcome
    credential_id: int | None = None
    verdict: Verdict | None = None
    title: str | None = None
    error_code: str | None = None
    message: str | None = None


def internal_failure(source: str) -> ImportResult:
    """The result of an item that failed because of a bug or a crash, not its content."""
    return ImportResult(source, ItemOutcome.FAILED, error_code="internal", message=INTERNAL_FAILURE)


def content_hash(raw: bytes) -> str:
    """The SHA-256 of the bytes as given: equal bytes are the same credential."""
    return hashlib.sha256(raw).hexdigest()


def import_bytes(
    session: Session, user_id: int, data: bytes, source: str, ctx: VerificationContext
) -> list[ImportResult]:
    """Import every credential in ``data``; raises ``CredentialFormatError`` if none is readable.

    Each credential is stored in its own savepoint, so a failure never leaves half of one
    behind and never stops the others. The caller commits.
    """
    return import_items(session, user_id, importing.read_any(data, source), ctx)


def import_items(
    session: Session,
    user_id: int,
    items: Iterable[Envelope | EntryFailure],
    ctx: VerificationContext,
) -> list[ImportResult]:
    """Import already-read envelopes (and report the entries that could not be read)."""
    items = list(items)
    containers = clr_payloads(items)
    stored_ids: dict[str, int] = {}
    results = []
    for item in items:
        result = import_item(session, user_id, item, ctx, containers, stored_ids)
        if result.credential_id is not None:
            stored_ids[item.source] = result.credential_id
        results.append(result)
    return results


def import_item(
    session: Session,
    user_id: int,
    item: Envelope | EntryFailure,
    ctx: VerificationContext,
    containers: Mapping[str, JsonObject],
    stored_ids: Mapping[str, int],
) -> ImportResult:
    """One item's result: stored, a duplicate, or failed with the reason (never raised)."""
    duplicate = find_duplicate(session, user_id, item)
    if duplicate is not None:
        return duplicate
    return store_item(session, user_id, check_item(item, ctx, containers), stored_ids)


@dataclass(frozen=True)
class CredentialRow:
    """A checked credential's column values, encoded where it was checked.

    In a job this is made in a worker process, and it is all that travels back: plain values,
    quick to send, leaving the job's process only the writing.
    """

    digest: str
    # JSON columns, as their text (see ``EncodedJson``).
    linked: EncodedJson
    record: EncodedJson
    report: EncodedJson
    verdict: Verdict
    title: str
    issuer_name: str
    issued_on: datetime | None
    # The credential's search document; its ids are 0 until it is stored.
    document: SearchDocument


@dataclass(frozen=True)
class CheckedCredential:
    """An envelope verified and derived: everything that may need the network is done."""

    envelope: Envelope
    row: CredentialRow


class StoredCredential(Protocol):
    """What an item's result names of the credential it was stored as, or duplicates."""

    @property
    def id(self) -> int: ...
    @property
    def verdict(self) -> Verdict: ...
    @property
    def title(self) -> str: ...


# An item once checked: ready to store, or its final result (failed, say).
Checked = CheckedCredential | ImportResult


def find_duplicate(
    session: Session, user_id: int, item: Envelope | EntryFailure
) -> ImportResult | None:
    """The duplicate result if the holder already has ``item``'s bytes, else None."""
    if isinstance(item, EntryFailure):
        return None
    existing = _find_by_hash(session, user_id, content_hash(item.raw))
    return None if existing is None else duplicate_result(item.source, existing)


def check_item(
    item: Envelope | EntryFailure, ctx: VerificationContext, containers: Mapping[str, JsonObject]
) -> Checked:
    """Verify and derive ``item`` without touching the database, or say why it failed.

    Verification may fetch from issuers for a long while, so callers run it with no
    transaction open and store the outcome afterwards with ``store_item``.
    """
    if isinstance(item, EntryFailure):
        logger.info("%s not read (%s): %s", item.source, item.error_code, item.detail)
        return ImportResult(
            item.source, ItemOutcome.FAILED, error_code=item.error_code, message=item.message
        )
    try:
        verification = verify_envelope(item, ctx)
        linked = with_container(verification.linked, item, containers)
        record = importing.normalise(item, linked)
    except WalletError as error:
        # Nothing was written: an item is checked before any of its rows is added.
        logger.info("%s not imported (%s): %s", item.source, error.code, error.detail)
        return ImportResult(
            item.source, ItemOutcome.FAILED, error_code=error.code, message=error.message
        )
    # Encoded here: in a job this runs in a worker process, so storing does no CPU work.
    report = verification.report
    title, issuer_name, issued_on = record_columns(record)
    row = CredentialRow(
        digest=content_hash(item.raw),
        linked=encoded_json(linked),
        record=encoded_json(record_to_json(record)),
        report=encoded_json(report_to_json(report)),
        verdict=report.verdict,
        title=title,
        issuer_name=issuer_name,
        issued_on=issued_on,
        document=build_document(
            credential_id=0,
            user_id=0,
            title=title,
            issuer=issuer_name,
            issued_on=issued_on,
            verdict=standing_from(report.verdict, report),
            tags=(),
            note="",
            record=record,
        ),
    )
    return CheckedCredential(item, row)


def store_item(
    session: Session,
    user_id: int,
    checked: Checked,
    stored_ids: Mapping[str, int],
) -> ImportResult:
    """Store a checked credential in its own savepoint (a failure result is returned as is)."""
    if isinstance(checked, ImportResult):
        return checked
    envelope = checked.envelope
    try:
        with session.begin_nested():
            credential = new_credential(user_id, checked)
            credential.container_id = stored_ids.get(envelope.container or "")
            session.add(credential)
            session.flush()
            # Built where it was checked: the index need not read the credential back.
            document = checked.row.document.stored_as(credential.id, user_id)
            prepare_documents(session, [document])
    except IntegrityError:
        # Imported meanwhile by a parallel upload: the first one wins.
        found = _find_by_hash(session, user_id, checked.row.digest)
        if found is None:
            raise
        return duplicate_result(envelope.source, found)
    return imported_result(envelope.source, credential)


def new_credential(user_id: int, checked: CheckedCredential) -> Credential:
    """The rows of a checked credential (its record, report and first run), not yet added."""
    now = utcnow()
    credential = Credential(**_decoded(credential_values(user_id, checked, now)))
    credential.runs.append(VerificationRun(**_decoded(run_values(user_id, checked, now))))
    return credential


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    # An object's JSON attributes hold values, not text: code that reads them before they are
    # loaded back from the database must see what they will be.
    return {
        name: json.loads(value) if isinstance(value, EncodedJson) else value
        for name, value in values.items()
    }


def credential_values(user_id: int, checked: CheckedCredential, now: datetime) -> dict[str, Any]:
    """The column values of a checked credential's row, verified at ``now``."""
    envelope, row = checked.envelope, checked.row
    return {
        "user_id": user_id,
        "content_hash": row.digest,
        "raw": envelope.raw,
        "media_type": envelope.media_type,
        "source": envelope.source[:500],
        "format": envelope.format,
        "linked": row.linked,
        "record": row.record,
        "record_version": importing.RECORD_VERSION,
        "title": row.title,
        "issuer_name": row.issuer_name,
        "issued_on": row.issued_on,
        "verdict": row.verdict,
        "report": row.report,
        "verified_at": now,
    }


def run_values(user_id: int, checked: CheckedCredential, now: datetime) -> dict[str, Any]:
    """The column values of a checked credential's first verification run, but its id."""
    return {
        "user_id": user_id,
        "ran_at": now,
        "verdict": checked.row.verdict,
        "report": checked.row.report,
    }


def imported_result(source: str, credential: StoredCredential) -> ImportResult:
    """The result of an item stored as ``credential`` (flushed: it has its id)."""
    return ImportResult(
        source,
        ItemOutcome.IMPORTED,
        credential_id=credential.id,
        verdict=credential.verdict,
        title=credential.title,
    )


def record_columns(record: CredentialRecord) -> tuple[str, str, datetime | None]:
    """The title, the first awarding body's name and the date a record is sorted by."""
    title = (record.title.get("pl") or record.title.get("en") or "")[:500]
    bodies = record.awarding_bodies
    issuer = bodies[0].name if bodies else None
    issuer_name = ((issuer.get("pl") if issuer else None) or "")[:500]
    return title, issuer_name, record.issued_on or record.awarded_on or record.valid_from


def apply_record(
    credential: Credential, record: CredentialRecord, encoded: JsonObject | None = None
) -> None:
    """Store a derived record (``encoded``: its JSON, if made already) and the sort columns."""
    credential.record = dict(record_to_json(record) if encoded is None else encoded)
    credential.record_version = importing.RECORD_VERSION
    credential.title, credential.issuer_name, credential.issued_on = record_columns(record)


def apply_report(
    credential: Credential, report: Report, encoded: list[dict[str, object]] | None = None
) -> VerificationRun:
    """Make ``report`` (``encoded``: its JSON, if made already) the latest; add it to history."""
    now = utcnow()
    credential.verdict = report.verdict
    credential.report = report_to_json(report) if encoded is None else encoded
    credential.verified_at = now
    run = VerificationRun(
        user_id=credential.user_id, ran_at=now, verdict=report.verdict, report=credential.report
    )
    credential.runs.append(run)
    return run


def get_credential(session: Session, user_id: int, credential_id: int) -> Credential:
    """One of the user's credentials; ``NotFoundError`` for anyone else's."""
    credential = session.get(Credential, credential_id)
    if credential is None or credential.user_id != user_id:
        raise NotFoundError(N_("No such credential."))
    return credential


def stored_envelope(credential: Credential) -> Envelope:
    """The envelope read again from the stored bytes, as it was at import."""
    envelopes = [
        envelope
        for envelope in importing.read_envelopes(credential.raw, credential.source)
        if envelope.format is credential.format
    ]
    if not envelopes:
        raise NotFoundError(N_("The stored credential can no longer be read."))
    # A credential found inside a CLR is derived with the CLR (its ``linked`` keeps a copy).
    container = credential.container.source if credential.container else None
    return replace(envelopes[0], source=credential.source, container=container)


def reverify_credential(
    session: Session, credential: Credential, ctx: VerificationContext
) -> VerificationRun:
    """Verify a stored credential again from its original bytes; the run joins its history."""
    verification = verify_envelope(stored_envelope(credential), ctx)
    run = apply_report(credential, verification.report)
    session.flush()
    return run


def rederive_records(session: Session) -> int:
    """Re-derive every record made by older mappers from the stored bytes; returns how many."""
    stale = session.scalars(
        select(Credential).where(Credential.record_version < importing.RECORD_VERSION)
    ).all()
    for credential in stale:
        apply_record(
            credential, importing.normalise(stored_envelope(credential), credential.linked)
        )
    session.flush()
    return len(stale)


def _find_by_hash(session: Session, user_id: int, digest: str) -> Credential | None:
    return session.scalar(
        select(Credential).where(Credential.user_id == user_id, Credential.content_hash == digest)
    )


def duplicate_result(source: str, existing: StoredCredential) -> ImportResult:
    """The result of an item whose bytes the holder already has as ``existing``."""
    return ImportResult(
        source,
        ItemOutcome.DUPLICATE,
        credential_id=existing.id,
        verdict=existing.verdict,
        title=existing.title,
        message=N_("Already in your wallet; nothing was changed."),
    )
