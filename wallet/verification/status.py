"""Credential status: Bitstring Status List, StatusList2021 and the 1EdTech revocation list.

Every outcome is a ``revocation`` check. Only a set status bit (or a listed id) FAILS it:
a list that cannot be fetched, is stale, malformed, of the wrong type or fails its own proof
leaves the status unknown, so the check is SKIPPED and required (verdict "unverifiable")
rather than calling a possibly genuine credential revoked. The credential itself names its
list, so a list published by another party is used, with a ``status_list_issuer`` warning.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.multibase import decode_base64url
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.vc_jwt import issuer_id, read_vc_jwt

BITSTRING_ENTRY = "BitstringStatusListEntry"
STATUS_LIST_2021_ENTRY = "StatusList2021Entry"
REVOCATION_LIST_1EDTECH = "1EdTechRevocationList"
MIN_LIST_BITS = 16 * 1024 * 8
MAX_LIST_BYTES = 16 * 1024 * 1024
MAX_LIST_DOCUMENT_BYTES = 2 * 1024 * 1024
LIST_ACCEPT = (
    "application/vc+ld+json, application/vc+jwt, application/vc+ld+json+jwt;q=0.9, "
    "application/json;q=0.8, application/jwt;q=0.7"
)
_LIST_SUBJECT_TYPES = {
    BITSTRING_ENTRY: "BitstringStatusList",
    STATUS_LIST_2021_ENTRY: "StatusList2021",
}
_LIST_CREDENTIAL_TYPES = {
    BITSTRING_ENTRY: "BitstringStatusListCredential",
    STATUS_LIST_2021_ENTRY: "StatusList2021Credential",
}


class StatusUnknownError(WalletError):
    """The status could not be established (list unreachable, stale, malformed, untrusted)."""

    code = "revocation"


@dataclass(frozen=True)
class ListCredential:
    """A fetched status list credential: its JSON and, when it came as a JWT, the token."""

    url: str
    credential: JsonObject
    token: str | None = None


ListProofVerifier = Callable[[ListCredential], list[Check]]


def check_status(
    credential: JsonObject, ctx: VerificationContext, verify_list_proof: ListProofVerifier
) -> list[Check]:
    """One ``revocation`` check per ``credentialStatus`` entry (one SKIPPED when there is none)."""
    entries = credential.get("credentialStatus")
    if entries is None:
        return [
            make_check(
                "revocation",
                CheckStatus.SKIPPED,
                "The issuer offers no way to revoke this credential.",
                "Wystawca nie przewidział możliwości unieważnienia tego poświadczenia.",
                required=False,
            )
        ]
    entry_list = entries if isinstance(entries, list) else [entries]
    issuer = issuer_id(credential.get("issuer"))
    credential_id = credential.get("id")
    return [
        check
        for entry in entry_list
        for check in _check_entry(entry, issuer, credential_id, ctx, verify_list_proof)
    ]


def _check_entry(
    entry: JsonValue,
    issuer: str | None,
    credential_id: JsonValue,
    ctx: VerificationContext,
    verify_list_proof: ListProofVerifier,
) -> list[Check]:
    try:
        if not isinstance(entry, dict):
            raise StatusUnknownError("a credentialStatus entry is not an object")
        kind = entry.get("type")
        if kind in _LIST_SUBJECT_TYPES:
            assert isinstance(kind, str)
            return _bitstring_status(entry, kind, issuer, ctx, verify_list_proof)
        if kind == REVOCATION_LIST_1EDTECH:
            return [_revocation_list_status(entry, credential_id, issuer, ctx)]
        raise StatusUnknownError(f"status method {kind!r} is not supported")
    except (StatusUnknownError, FetchError, CredentialFormatError) as error:
        return [
            make_check(
                "revocation",
                CheckStatus.SKIPPED,
                "Whether the issuer revoked this credential could not be checked now.",
                "Nie udało się teraz sprawdzić, czy wystawca unieważnił to poświadczenie.",
                detail=error.detail,
            )
        ]


def _bitstring_status(
    entry: JsonObject,
    kind: str,
    issuer: str | None,
    ctx: VerificationContext,
    verify_list_proof: ListProofVerifier,
) -> list[Check]:
    purpose = _text(entry, "statusPurpose")
    index = _index(entry.get("statusListIndex"))
    size = _index(entry.get("statusSize", 1)) if kind == BITSTRING_ENTRY else 1
    if not 1 <= size <= 8:
        raise StatusUnknownError("statusSize must be between 1 and 8")
    listed = fetch_list_credential(_text(entry, "statusListCredential"), ctx)
    _trust_list(listed, ctx, verify_list_proof)
    list_type = _LIST_CREDENTIAL_TYPES[kind]
    types = listed.credential.get("type")
    if list_type not in (types if isinstance(types, list) else [types]):
        raise StatusUnknownError(f"STATUS_VERIFICATION_ERROR: the list is not a {list_type}")
    subject = listed.credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != _LIST_SUBJECT_TYPES[kind]:
        raise StatusUnknownError(f"the list is not a {_LIST_SUBJECT_TYPES[kind]}")
    purposes = subject.get("statusPurpose")
    if purpose != purposes and not (isinstance(purposes, list) and purpose in purposes):
        raise StatusUnknownError("the list serves a different status purpose")
    bits = decode_encoded_list(subject.get("encodedList"))
    value = read_status(bits, index, size)
    checks = [_purpose_check(purpose, value, entry)]
    list_issuer = issuer_id(listed.credential.get("issuer"))
    if list_issuer != issuer:
        checks.append(
            make_check(
                "status_list_issuer",
                CheckStatus.WARNING,
                "The status list is published by another party than the issuer.",
                "Listę statusów publikuje inny podmiot niż wystawca.",
                required=False,
                detail=f"list issuer {list_issuer}, credential issuer {issuer}",
            )
        )
    return checks


def fetch_list_credential(url: str, ctx: VerificationContext) -> ListCredential:
    """Fetch a status list credential given as JSON or as a (VC-)JWT."""
    fetched = ctx.fetcher.fetch(url, accept=LIST_ACCEPT, max_bytes=MAX_LIST_DOCUMENT_BYTES)
    if fetched.status != 200:
        raise FetchError(f"the status list answered HTTP {fetched.status}")
    body = fetched.body.strip()
    if body.startswith(b"{"):
        return ListCredential(url, parse_json_object(body, max_bytes=MAX_LIST_DOCUMENT_BYTES))
    try:
        token = body.decode("ascii")
    except UnicodeDecodeError:
        raise CredentialFormatError("the status list is neither JSON nor a JWT") from None
    return ListCredential(url, read_vc_jwt(token).credential, token)


def decode_encoded_list(value: JsonValue) -> bytes:
    """The bitstring of an ``encodedList``: multibase ``u`` base64url of GZIP, 16 KB minimum."""
    if not isinstance(value, str) or not value:
        raise StatusUnknownError("the list has no encodedList")
    text = value[1:] if value.startswith("u") else value
    try:
        compressed = decode_base64url(text)
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(compressed, MAX_LIST_BYTES)
    except (CredentialFormatError, zlib.error):
        raise StatusUnknownError("the list's encodedList cannot be decoded") from None
    if inflater.unconsumed_tail:
        raise StatusUnknownError("the status list is larger than this wallet accepts")
    if len(bits) * 8 < MIN_LIST_BITS:
        raise StatusUnknownError(
            f"STATUS_LIST_LENGTH_ERROR: the list has {len(bits) * 8} bits, "
            f"fewer than the minimum {MIN_LIST_BITS}"
        )
    return bits


def read_status(bits: bytes, index: int, size: int = 1) -> int:
    """The ``size``-bit value at entry ``index``, most significant bit first."""
    start = index * size
    if start + size > len(bits) * 8:
        raise StatusUnknownError("the status index is outside the list")
    value = 0
    for position in range(start, start + size):
        value = (value << 1) | (bits[position // 8] >> (7 - position % 8)) & 1
    return value


def _trust_list(
    listed: ListCredential, ctx: VerificationContext, verify_list_proof: ListProofVerifier
) -> None:
    """Refuse a list that is out of date or fails its own proof (its issuer may differ)."""
    for name in ("validUntil", "expirationDate"):
        until = _moment(listed.credential.get(name))
        if until is not None and until < ctx.at:
            raise StatusUnknownError("the status list is out of date")
    for name in ("validFrom", "issuanceDate"):
        since = _moment(listed.credential.get(name))
        if since is not None and since > ctx.at:
            raise StatusUnknownError("the status list is not valid yet")
    bad = [
        c
        for c in verify_list_proof(listed)
        if c.status is CheckStatus.FAILED or (c.required and c.status is CheckStatus.SKIPPED)
    ]
    if bad:
        raise StatusUnknownError(f"the status list's own {bad[0].code} check did not pass")


def _purpose_check(purpose: str, value: int, entry: JsonObject) -> Check:
    if value == 0:
        return make_check(
            "revocation",
            CheckStatus.PASSED,
            f"The issuer's status list shows no {purpose} of this credential.",
            f"Lista statusów wystawcy nie wykazuje zmiany statusu ({purpose}).",
        )
    if purpose == "revocation":
        return make_check(
            "revocation",
            CheckStatus.FAILED,
            "The issuer has revoked this credential.",
            "Wystawca unieważnił to poświadczenie.",
        )
    if purpose == "suspension":
        return make_check(
            "revocation",
            CheckStatus.FAILED,
            "The issuer has suspended this credential.",
            "Wystawca zawiesił to poświadczenie.",
        )
    return make_check(
        "revocation",
        CheckStatus.WARNING,
        "The issuer has attached a status message to this credential.",
        "Wystawca dołączył do tego poświadczenia komunikat o statusie.",
        required=False,
        detail=_status_message(entry, value),
    )


def _revocation_list_status(
    entry: JsonObject, credential_id: JsonValue, issuer: str | None, ctx: VerificationContext
) -> Check:
    """OB 3.0's 1EdTech revocation list: a JSON document listing revoked credential ids."""
    if not isinstance(credential_id, str):
        raise StatusUnknownError("the credential has no id to look up")
    url = _text(entry, "id")
    fetched = ctx.fetcher.fetch(url, accept="application/json", max_bytes=MAX_LIST_DOCUMENT_BYTES)
    if fetched.status != 200:
        raise FetchError(f"the revocation list answered HTTP {fetched.status}")
    document = parse_json_object(fetched.body, max_bytes=MAX_LIST_DOCUMENT_BYTES)
    if "issuer" in document and issuer_id(document["issuer"]) != issuer:
        raise StatusUnknownError("the revocation list was published by a different issuer")
    revoked = document.get("revokedCredentials")
    if not isinstance(revoked, list):
        raise StatusUnknownError("the revocation list has no revokedCredentials")
    ids = {item.get("id") if isinstance(item, dict) else item for item in revoked}
    return _purpose_check("revocation", int(credential_id in ids), entry)


def _status_message(entry: JsonObject, value: int) -> str:
    messages = entry.get("statusMessage")
    if isinstance(messages, list):
        for item in messages:
            if isinstance(item, dict) and item.get("status") == hex(value):
                message = item.get("message")
                if isinstance(message, str):
                    return message
    return f"status {hex(value)}"


def _index(value: JsonValue) -> int:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise StatusUnknownError("a status index or size is not a non-negative integer")


def _text(entry: JsonObject, name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value:
        raise StatusUnknownError(f"the status entry has no {name}")
    return value


def _moment(value: JsonValue) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise StatusUnknownError(f"the status list has an unreadable date {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
