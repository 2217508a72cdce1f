"""PDF certificates beside the holder's other credentials: what they state, what they carry,
and which badge each accompanies.

A PDF and a badge for the same achievement are suggested as a pair when the issuer names match
and the titles share at least half of their words; the pair counts only once the holder
confirms it. Credentials attached inside a PDF are linked to it from the start.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.envelope import CredentialFormat
from wallet.errors import N_, NotFoundError, ValidationError
from wallet.holder.credentials import get_credential
from wallet.holder.presentation import CredentialCard, Link, credential_card
from wallet.models import Credential, DocumentLink
from wallet.records import record_from_json

_WORD = re.compile(r"\w{3,}")
_MIN_SHARED_WORDS = 0.5


@dataclass(frozen=True)
class StatedFact:
    """One fact as the document states it (never verified)."""

    label: str
    value: Link


@dataclass(frozen=True)
class DocumentView:
    """What the detail page shows of a PDF certificate."""

    facts: tuple[StatedFact, ...]
    attached: tuple[CredentialCard, ...]
    companion: CredentialCard | None
    suggestions: tuple[CredentialCard, ...]


def is_document(credential: Credential) -> bool:
    """Whether ``credential`` is a PDF certificate."""
    return credential.format is CredentialFormat.PDF_DOCUMENT


def document_view(session: Session, credential: Credential, language: str) -> DocumentView:
    """The stated facts, attached credentials, confirmed companion and suggested companions."""
    attached = _attached(session, credential)
    companion = _companion(session, credential)
    suggestions: tuple[CredentialCard, ...] = ()
    if companion is None:
        taken = {card.id for card in attached}
        suggestions = tuple(
            credential_card(other)
            for other in _candidates(session, credential)
            if other.id not in taken
        )
    return DocumentView(
        facts=stated_facts(credential, language),
        attached=attached,
        companion=credential_card(companion) if companion else None,
        suggestions=suggestions,
    )


def accompanying_documents(session: Session, credential: Credential) -> tuple[CredentialCard, ...]:
    """The PDF certificates that carry ``credential`` or that the holder paired with it."""
    found = []
    if credential.container is not None and is_document(credential.container):
        found.append(credential.container)
    paired = session.scalars(
        select(Credential)
        .join(DocumentLink, DocumentLink.document_id == Credential.id)
        .where(DocumentLink.credential_id == credential.id)
    )
    found.extend(paired)
    return tuple(credential_card(document) for document in found)


def stated_facts(credential: Credential, language: str) -> tuple[StatedFact, ...]:
    """Title, issuer, holder, date and signer as the document states them."""
    record = record_from_json(credential.record)
    say = _say(language)
    rows = [
        (say("Title", "Tytuł"), record.title.get(language)),
        (say("Issuer", "Wystawca"), credential.issuer_name or None),
        (say("Issued to", "Dla"), record.learner.names.get(language)),
        (say("Date", "Data"), record.issued_on.date().isoformat() if record.issued_on else None),
        (say("Signature by", "Podpis"), record.signer.cert_subject if record.signer else None),
    ]
    return tuple(StatedFact(label, Link(value)) for label, value in rows if value)


def confirm_companion(
    session: Session, user_id: int, document_id: int, credential_id: int
) -> DocumentLink:
    """Pair the holder's PDF ``document_id`` with their credential ``credential_id``."""
    document = get_credential(session, user_id, document_id)
    credential = get_credential(session, user_id, credential_id)
    if not is_document(document) or is_document(credential):
        raise ValidationError(N_("Only a PDF certificate can be paired with a credential."))
    existing = session.scalar(select(DocumentLink).where(DocumentLink.document_id == document.id))
    if existing is not None:
        existing.credential_id = credential.id
        session.flush()
        return existing
    link = DocumentLink(user_id=user_id, document_id=document.id, credential_id=credential.id)
    session.add(link)
    session.flush()
    return link


def remove_companion(session: Session, user_id: int, document_id: int) -> None:
    """Undo the holder's pairing of the PDF ``document_id``."""
    document = get_credential(session, user_id, document_id)
    link = session.scalar(select(DocumentLink).where(DocumentLink.document_id == document.id))
    if link is None:
        raise NotFoundError(N_("This document is not paired with a credential."))
    session.delete(link)
    session.flush()


def _attached(session: Session, credential: Credential) -> tuple[CredentialCard, ...]:
    inner = session.scalars(
        select(Credential).where(Credential.container_id == credential.id).order_by(Credential.id)
    )
    return tuple(credential_card(item) for item in inner)


def _companion(session: Session, document: Credential) -> Credential | None:
    return session.scalar(
        select(Credential)
        .join(DocumentLink, DocumentLink.credential_id == Credential.id)
        .where(DocumentLink.document_id == document.id)
    )


def _candidates(session: Session, document: Credential) -> list[Credential]:
    issuer = _folded(document.issuer_name)
    title_words = _words(document.title)
    if not issuer or not title_words:
        return []
    others = session.scalars(
        select(Credential).where(
            Credential.user_id == document.user_id,
            Credential.id != document.id,
            Credential.format != CredentialFormat.PDF_DOCUMENT,
        )
    )
    return [
        other
        for other in others
        if _same_issuer(issuer, _folded(other.issuer_name))
        and _shares_words(title_words, _words(other.title))
    ]


def _same_issuer(one: str, other: str) -> bool:
    return bool(other) and (one == other or one in other or other in one)


def _shares_words(one: set[str], other: set[str]) -> bool:
    if not other:
        return False
    shared = len(one & other)
    return shared >= _MIN_SHARED_WORDS * min(len(one), len(other))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_folded(text)))


def _folded(text: str) -> str:
    """Lower case without diacritics (ł too), so "Łódź" and "lodz" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def _say(language: str) -> Callable[[str, str], str]:
    def say(en: str, pl: str) -> str:
        return pl if language == "pl" else en

    return say
