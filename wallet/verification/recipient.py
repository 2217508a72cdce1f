"""Whether a credential names the holder: OB 2.0 IdentityObjects, OB 3.0 subject identifiers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Message

_HASHES = ("sha256", "md5")
# Identity types whose values compare case-insensitively (mailboxes, by common practice).
_EMAIL_TYPES = frozenset({"email", "emailaddress", "http://schema.org/email"})
_PHONE_TYPES = frozenset({"telephone", "phone", "phonenumber", "http://schema.org/telephone"})
_URL_TYPES = frozenset({"url", "id", "did", "http://schema.org/url"})
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


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
    """The ``recipient`` check: passed on a match, failed only on proof it is someone else's."""
    return match_recipient(
        recipient_identities(payload),
        ctx.recipients,
        unconfirmed=ctx.unconfirmed,
        elsewhere=ctx.elsewhere,
    )


def match_recipient(
    identities: Iterable[RecipientIdentity],
    confirmed: frozenset[str],
    *,
    unconfirmed: frozenset[str] = frozenset(),
    elsewhere: frozenset[str] = frozenset(),
) -> Check:
    """Compare stated identities with the holder's identifiers and other accounts' confirmed ones.

    Only two things prove a credential is someone else's: its recipient is confirmed by another
    account, or a hashed identity matches none of the identifiers of its kind the holder claimed.
    Anything else not confirmed is a warning: the holder may simply not have confirmed it yet.
    """
    usable = [i for i in identities if not i.hashed or i.algorithm is not None]
    if not usable:
        return _check(
            CheckStatus.WARNING,
            "The credential does not name its recipient in a way Plecak can check.",
            "Poświadczenie nie wskazuje odbiorcy w sposób, który Plecak może sprawdzić.",
        )
    for identity in usable:
        if any(identity.matches(value) for value in sorted(confirmed)):
            return _check(
                CheckStatus.PASSED,
                "The credential was issued to you.",
                "Poświadczenie wystawiono Tobie.",
                detail=identity.kind,
            )
    taken = next((i for i in usable if any(i.matches(v) for v in elsewhere)), None)
    if taken is not None:
        return _taken(taken)
    claimed = confirmed | unconfirmed
    for identity in usable:
        comparable = sorted(v for v in claimed if identity.hashed and _comparable(identity, v))
        if comparable and not any(identity.matches(v) for v in comparable):
            return _hash_mismatch(identity, comparable)
    return _not_confirmed(usable, unconfirmed)


def _taken(identity: RecipientIdentity) -> Check:
    if identity.hashed:
        # Never reveal another account's identifier, even one recovered from a hash.
        return _check(
            CheckStatus.FAILED,
            "The credential was issued to someone else: another account has confirmed the "
            "identifier it names.",
            "Poświadczenie wystawiono komuś innemu: identyfikator, który wskazuje, potwierdziło "
            "inne konto.",
            detail="other_account",
        )
    shown = _shown(identity.value)
    return _check(
        CheckStatus.FAILED,
        f"The credential was issued to {shown}, which another account has confirmed.",
        f"Poświadczenie wystawiono dla {shown}, a ten identyfikator potwierdziło inne konto.",
        detail="other_account",
    )


def _hash_mismatch(identity: RecipientIdentity, compared: list[str]) -> Check:
    names = ", ".join(_shown(value) for value in compared)
    return _check(
        CheckStatus.FAILED,
        f"The credential was issued to someone else: its hashed recipient matches none of "
        f"your identifiers ({names}).",
        f"Poświadczenie wystawiono komuś innemu: skrót odbiorcy nie pasuje do żadnego z Twoich "
        f"identyfikatorów ({names}).",
        detail="hash_mismatch",
    )


def _not_confirmed(usable: list[RecipientIdentity], unconfirmed: frozenset[str]) -> Check:
    for identity in usable:
        value = next((v for v in sorted(unconfirmed) if identity.matches(v)), None)
        if value is None and not identity.hashed:
            value = identity.value
        if value is not None:
            shown = _shown(value)
            return _check(
                CheckStatus.WARNING,
                f"The credential was issued to {shown}, which you have not confirmed.",
                f"Poświadczenie wystawiono dla {shown}, a tego identyfikatora nie potwierdzono.",
                detail="unconfirmed",
            )
    return _check(
        CheckStatus.WARNING,
        "The credential was issued to a hashed identifier: add and confirm the one it was "
        "issued to, so Plecak can check that it is yours.",
        "Poświadczenie wystawiono dla identyfikatora zapisanego skrótem: dodaj i potwierdź ten, "
        "dla którego je wystawiono, aby Plecak mógł sprawdzić, że jest Twoje.",
        detail="unconfirmed",
    )


def _comparable(identity: RecipientIdentity, claimed: str) -> bool:
    """Whether a claimed identifier is of the kind a hashed identity names (email to email…)."""
    value = claimed.strip()
    is_email = "@" in value and ":" not in value.removeprefix("mailto:")
    kind = identity.kind.lower()
    if identity.is_email:
        return is_email
    if kind in _PHONE_TYPES:
        return bool(_PHONE.match(value))
    if kind in _URL_TYPES:
        return value.startswith(("http://", "https://", "did:"))
    return False


def _shown(value: str) -> str:
    """An identifier as a sentence quotes it: without ``mailto:``, cut when very long."""
    text = value.strip().removeprefix("mailto:")
    return text if len(text) <= 120 else text[:117] + "…"


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
