"""Whether a credential names the holder: OB 2.0 IdentityObjects, OB 3.0 subject identifiers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Message

_HASHES = ("sha256", "md5")
# Identity types whose values compare case-insensitively (mailboxes, by common practice).
_EMAIL_TYPES = frozenset({"email", "emailaddress", "http://schema.org/email"})


@dataclass(frozen=True)
class RecipientIdentity:
    """One way a credential names its recipient; ``value`` is plaintext or a hex digest."""

    kind: str
    value: str
    hashed: bool = False
    algorithm: str | None = None
    salt: str = ""

    @property
    def is_email(self) -> bool:
        """Whether the identity is a mailbox (compared case-insensitively)."""
        return self.kind.lower() in _EMAIL_TYPES

    def matches(self, confirmed: str) -> bool:
        """Whether a confirmed identifier of the holder is this identity."""
        candidates = _candidates(confirmed, email=self.is_email)
        if not self.hashed:
            return _normalise(self.value, email=self.is_email) in candidates
        if self.algorithm is None:
            return False
        digest = self.value.lower()
        return any(
            hashlib.new(self.algorithm, (c + self.salt).encode()).hexdigest() == digest
            for c in candidates
        )


def recipient_identities(payload: JsonObject) -> tuple[RecipientIdentity, ...]:
    """The identities an OB 2.0 assertion, a VC or VC-JWT claims name as the recipient."""
    recipient = payload.get("recipient")
    if isinstance(recipient, dict):
        identity = _identity(recipient, "identity", "type")
        return (identity,) if identity else ()
    credential = payload.get("vc", payload)
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    subjects = subject if isinstance(subject, list) else [subject]
    found: list[RecipientIdentity] = []
    for item in subjects:
        if isinstance(item, dict):
            found.extend(_subject_identities(item))
    if not found and isinstance(payload.get("sub"), str):
        found.append(RecipientIdentity("id", str(payload["sub"])))
    return tuple(found)


def check_recipient(payload: JsonObject, ctx: VerificationContext) -> Check:
    """The ``recipient`` check: passed on a match, warning before any confirmation, else failed."""
    return match_recipient(recipient_identities(payload), ctx.recipients)


def match_recipient(identities: Iterable[RecipientIdentity], confirmed: frozenset[str]) -> Check:
    """Compare stated identities with the holder's confirmed identifiers."""
    usable = [i for i in identities if not i.hashed or i.algorithm is not None]
    if not usable:
        return _check(
            CheckStatus.WARNING,
            "The credential does not name its recipient in a way Plecak can check.",
            "Poświadczenie nie wskazuje odbiorcy w sposób, który Plecak może sprawdzić.",
        )
    if not confirmed:
        return _check(
            CheckStatus.WARNING,
            "Confirm your e-mail address or other identifier to check that this is yours.",
            "Potwierdź adres e-mail lub inny identyfikator, aby sprawdzić, że to Twoje.",
        )
    for identity in usable:
        for value in sorted(confirmed):
            if identity.matches(value):
                return _check(
                    CheckStatus.PASSED,
                    "The credential was issued to you.",
                    "Poświadczenie wystawiono Tobie.",
                    detail=identity.kind,
                )
    return _check(
        CheckStatus.FAILED,
        "The credential was issued to someone else: none of your identifiers match.",
        "Poświadczenie wystawiono komuś innemu: żaden z Twoich identyfikatorów nie pasuje.",
    )


def _subject_identities(subject: JsonObject) -> list[RecipientIdentity]:
    found: list[RecipientIdentity] = []
    subject_id = subject.get("id")
    if isinstance(subject_id, str):
        kind = "emailAddress" if subject_id.lower().startswith("mailto:") else "id"
        found.append(RecipientIdentity(kind, subject_id))
    identifiers = subject.get("identifier")
    entries = identifiers if isinstance(identifiers, list) else [identifiers]
    for entry in entries:
        if isinstance(entry, dict):
            identity = _identity(entry, "identityHash", "identityType")
            if identity:
                found.append(identity)
    return found


def _identity(document: JsonObject, value_key: str, type_key: str) -> RecipientIdentity | None:
    value = document.get(value_key)
    if not isinstance(value, str) or not value:
        return None
    kind = _text(document.get(type_key)) or "email"
    salt = _text(document.get("salt"))
    if document.get("hashed") is not True:
        return RecipientIdentity(kind, value, salt=salt)
    algorithm, _, digest = value.partition("$")
    if algorithm.lower() not in _HASHES or not digest:
        return RecipientIdentity(kind, value, hashed=True, salt=salt)
    return RecipientIdentity(kind, digest, hashed=True, algorithm=algorithm.lower(), salt=salt)


def _candidates(confirmed: str, *, email: bool) -> set[str]:
    """The forms of a confirmed identifier an issuer may have hashed or written."""
    value = confirmed.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return {value, value.lower()} if email else {value}


def _normalise(value: str, *, email: bool) -> str:
    stripped = value.strip()
    if stripped.lower().startswith("mailto:"):
        stripped = stripped[len("mailto:") :]
    return stripped.lower() if email else stripped


def _text(value: JsonValue) -> str:
    return value if isinstance(value, str) else ""


def _check(status: CheckStatus, en: str, pl: str, *, detail: str | None = None) -> Check:
    return Check("recipient", status, Message(en, pl), detail=detail)
