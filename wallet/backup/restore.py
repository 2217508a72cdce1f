"""Restoring a backup into an account: credentials re-imported from their original bytes.

A restore adds what the account lacks and never changes or removes what it already has, so
restoring the same file twice changes nothing. Credentials go through the normal import path
and are verified again here; what refers to them (tags, collections, pathways, CV, links) is
matched by the credentials' digests. The caller commits once, or rolls back on any error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet import importing
from wallet.config import LANGUAGES
from wallet.envelope import Envelope
from wallet.errors import N_, ConflictError, CredentialFormatError, ValidationError
from wallet.holder import credentials, portfolio
from wallet.identifiers import normalise_identifier, recipient_claims
from wallet.models import Credential, HolderIdentifier, HolderKey, IdentifierKind, User
from wallet.share.keys import adopt_holder_key
from wallet.verification.context import RecipientClaims, VerificationContext

from . import recreate
from .payload import Backup, CredentialEntry, IdentifierEntry

ContextFactory = Callable[[RecipientClaims], VerificationContext]


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore did: credentials added, already there, or unreadable (by source)."""

    added: int
    present: int
    failed: tuple[str, ...]
    others_added: int


def restore_backup(
    session: Session, user: User, backup: Backup, *, secret: str, make_context: ContextFactory
) -> RestoreSummary:
    """Recreate ``backup`` in ``user``'s account; the caller commits."""
    _restore_account(user, backup)
    added = _restore_identifiers(session, user.id, backup.identifiers)
    added += _restore_holder_key(session, user.id, backup, secret)
    session.flush()
    ctx = make_context(recipient_claims(session, user.id))
    ids, new, failed = _restore_credentials(session, user.id, backup.credentials, ctx)
    added += recreate.recreate_all(session, user.id, backup, ids)
    session.flush()
    return RestoreSummary(len(new), len(ids) - len(new), failed, added)


def _restore_account(user: User, backup: Backup) -> None:
    if backup.display_name.strip():
        user.display_name = backup.display_name.strip()[:120]
    if backup.language in LANGUAGES:
        user.language = backup.language


def _restore_identifiers(session: Session, user_id: int, entries: Sequence[IdentifierEntry]) -> int:
    """Identifiers come back unconfirmed: a backup is the holder's own word, not a proof."""
    added = 0
    for entry in entries:
        try:
            kind = IdentifierKind(entry.kind)
            value = normalise_identifier(kind, entry.value)
        except (ValueError, ValidationError):
            continue
        exists = session.scalar(
            select(HolderIdentifier.id).where(
                HolderIdentifier.user_id == user_id,
                HolderIdentifier.kind == kind,
                HolderIdentifier.value == value,
            )
        )
        if exists is None:
            session.add(HolderIdentifier(user_id=user_id, kind=kind, value=value))
            session.flush()
            added += 1
    return added


def _restore_holder_key(session: Session, user_id: int, backup: Backup, secret: str) -> int:
    """The holder keeps their DID: the key is sealed again under this instance's secret."""
    entry = backup.holder_key
    if entry is None:
        return 0
    # The payload reader checked that the seed is the DID's.
    private_key = Ed25519PrivateKey.from_private_bytes(entry.private_key)
    current = session.scalar(select(HolderKey.did).where(HolderKey.user_id == user_id))
    if current == entry.did:
        return 0
    if current is not None:
        raise ConflictError(
            N_(
                "This account already has a holder key (DID) of its own. Restore the backup "
                "into a new account."
            ),
            code="holder_key",
        )
    adopt_holder_key(session, user_id, secret, private_key, entry.created_at)
    return 1


def _restore_credentials(
    session: Session, user_id: int, entries: Sequence[CredentialEntry], ctx: VerificationContext
) -> tuple[dict[str, int], set[str], tuple[str, ...]]:
    """Digest → credential id for every backed-up credential now in the account.

    Top-level credentials are imported first (a CLR or PDF brings its inner credentials
    with it); a credential still missing is imported from its own bytes. Credentials an
    import brought along that the backup does not hold (the holder had deleted them) go.
    """
    before = _digests(session, user_id)
    present = dict(before)
    wanted = {entry.digest for entry in entries}
    failed: list[str] = []
    ordered = sorted(entries, key=lambda entry: entry.container is not None)
    for entry in ordered:
        if entry.digest in present:
            continue
        try:
            items = importing.read_any(entry.raw, entry.source)
        except CredentialFormatError:
            items = []
        results = credentials.import_items(session, user_id, items, ctx)
        for item, result in zip(items, results, strict=True):
            if isinstance(item, Envelope) and result.credential_id is not None:
                present[credentials.content_hash(item.raw)] = result.credential_id
        if entry.digest not in present:
            failed.append(entry.source)
    for digest, credential_id in _digests(session, user_id).items():
        if digest not in before and digest not in wanted:
            portfolio.delete_credential(session, user_id, credential_id)
    ids = {d: i for d, i in _digests(session, user_id).items() if d in wanted}
    new = set(ids) - set(before)
    by_digest = {entry.digest: entry for entry in entries}
    for digest in new:
        _apply_holder_fields(session, ids[digest], by_digest[digest])
    return ids, new, tuple(failed)


def _apply_holder_fields(session: Session, credential_id: int, entry: CredentialEntry) -> None:
    credential = session.get(Credential, credential_id)
    assert credential is not None  # just listed among the holder's credentials
    credential.hidden = entry.hidden
    credential.note = (entry.note or "").strip() or None
    credential.imported_at = entry.imported_at


def _digests(session: Session, user_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Credential.content_hash, Credential.id).where(Credential.user_id == user_id)
    )
    return {digest: credential_id for digest, credential_id in rows}
