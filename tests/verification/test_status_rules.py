"""Credential status, rule by rule: what each outcome says, and every reason a list is refused.

Each refused list leaves the status unknown (a required, SKIPPED ``revocation`` check) whose
detail names the problem; the wording a holder reads is part of the behaviour too.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import new_key, sign_compact
from tests.support.status_lists import (
    MIN_BITS,
    bitstring_entry,
    bitstring_list_credential,
    encode_bitstring,
    encode_list,
    status_list_2021_credential,
)
from wallet.fetching import Fetched, SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Message
from wallet.verification.status import (
    MAX_LIST_DOCUMENT_BYTES,
    ListCredential,
    check_status,
)

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
ISSUER = "did:web:issuer.example"
REVOKED, VALID = 94567, 94568
LIST_ACCEPT = (
    "application/vc+ld+json, application/vc+jwt, application/vc+ld+json+jwt;q=0.9, "
    "application/json;q=0.8, application/jwt;q=0.7"
)
UNKNOWN = Message(
    "Whether the issuer revoked this credential could not be checked now.",
    "Nie udało się teraz sprawdzić, czy wystawca unieważnił to poświadczenie.",
)


@dataclass
class RecordingFetcher:
    """The real fetcher, noting what each request asked for."""

    inner: SafeFetcher
    asked: list[tuple[str, str, int | None]] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.asked.append((url, accept, max_bytes))
        return self.inner.fetch(url, accept=accept, max_bytes=max_bytes)


@pytest.fixture
def ctx() -> VerificationContext:
    return VerificationContext(fetcher=SafeFetcher(allow_loopback=True, timeout=5), at=AT)


def no_list_proof(listed: ListCredential) -> list[Check]:
    return []


def credential(status: Any, issuer: str = ISSUER) -> dict[str, Any]:
    return {"id": "urn:uuid:c1", "issuer": {"id": issuer}, "credentialStatus": status}


def served_list(server: LocalServer, **changes: Any) -> str:
    """A revocation list with REVOKED set; ``changes`` replace (None: remove) its members."""
    url = server.url("/status/1")
    listed = bitstring_list_credential(url, ISSUER, encode_list({REVOKED: 1}))
    for name, value in changes.items():
        if value is None:
            listed.pop(name, None)
        else:
            listed[name] = value
    server.serve("/status/1", json.dumps(listed))
    return url


def with_subject(server: LocalServer, **changes: Any) -> str:
    url = server.url("/status/1")
    subject = bitstring_list_credential(url, ISSUER, encode_list({REVOKED: 1}))["credentialSubject"]
    return served_list(server, credentialSubject={**subject, **changes})


def unknown_detail(checks: list[Check]) -> str | None:
    """The detail of the one revocation check, which must leave the status unknown."""
    [check] = checks
    assert (check.code, check.status, check.required, check.message) == (
        "revocation",
        CheckStatus.SKIPPED,
        True,
        UNKNOWN,
    )
    return check.detail


# --- what each outcome says ----------------------------------------------------------------


def test_no_credential_status_says_issuer_offers_no_revocation(ctx: VerificationContext) -> None:
    [check] = check_status({"issuer": ISSUER}, ctx, no_list_proof)
    assert check.message == Message(
        "The issuer offers no way to revoke this credential.",
        "Wystawca nie przewidział możliwości unieważnienia tego poświadczenia.",
    )


@pytest.mark.parametrize(
    ("purpose", "index", "status", "message"),
    [
        (
            "revocation",
            VALID,
            CheckStatus.PASSED,
            Message(
                "The issuer's status list shows no revocation of this credential.",
                "Lista statusów wystawcy nie wykazuje zmiany statusu (revocation).",
            ),
        ),
        (
            "revocation",
            REVOKED,
            CheckStatus.FAILED,
            Message(
                "The issuer has revoked this credential.", "Wystawca unieważnił to poświadczenie."
            ),
        ),
        (
            "suspension",
            REVOKED,
            CheckStatus.FAILED,
            Message(
                "The issuer has suspended this credential.", "Wystawca zawiesił to poświadczenie."
            ),
        ),
    ],
    ids=["unset", "revoked", "suspended"],
)
def test_status_outcome_says_what_the_list_shows(
    purpose: str,
    index: int,
    status: CheckStatus,
    message: Message,
    ctx: VerificationContext,
    http_server: LocalServer,
) -> None:
    url = with_subject(http_server, statusPurpose=purpose)
    [check] = check_status(
        credential(bitstring_entry(url, index, purpose=purpose)), ctx, no_list_proof
    )
    assert (check.code, check.status, check.required, check.message) == (
        "revocation",
        status,
        True,
        message,
    )


def test_status_message_without_matching_text_names_the_value(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = with_subject(
        http_server, statusPurpose="message", encodedList=encode_list({7: 3}, size=2)
    )
    entry = bitstring_entry(url, 7, purpose="message", statusSize=2)
    [check] = check_status(credential(entry), ctx, no_list_proof)
    assert (check.code, check.status, check.required, check.detail) == (
        "revocation",
        CheckStatus.WARNING,
        False,
        "status 0x3",
    )
    assert check.message == Message(
        "The issuer has attached a status message to this credential.",
        "Wystawca dołączył do tego poświadczenia komunikat o statusie.",
    )


def test_list_of_other_party_warning_names_both_issuers(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = served_list(http_server, issuer="did:web:registry.example")
    _, warning = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert warning.message == Message(
        "The status list is published by another party than the issuer.",
        "Listę statusów publikuje inny podmiot niż wystawca.",
    )
    assert warning.detail == f"list issuer did:web:registry.example, credential issuer {ISSUER}"


# --- how lists are fetched -------------------------------------------------------------------


def test_lists_are_asked_for_as_credentials_within_the_size_cap(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    fetcher = RecordingFetcher(SafeFetcher(allow_loopback=True, timeout=5))
    recording = VerificationContext(fetcher=fetcher, at=AT)
    bitstring = served_list(http_server)
    revocations = http_server.serve("/revoked", json.dumps({"revokedCredentials": []}))
    entries = [
        bitstring_entry(bitstring, VALID),
        {"id": revocations, "type": "1EdTechRevocationList"},
    ]
    checks = check_status(credential(entries), recording, no_list_proof)
    assert [c.status for c in checks] == [CheckStatus.PASSED, CheckStatus.PASSED]
    assert fetcher.asked == [
        (bitstring, LIST_ACCEPT, MAX_LIST_DOCUMENT_BYTES),
        (revocations, "application/json", MAX_LIST_DOCUMENT_BYTES),
    ]


def test_list_proof_checker_is_given_the_list_and_its_address(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = served_list(http_server)
    seen: list[ListCredential] = []

    def record(listed: ListCredential) -> list[Check]:
        seen.append(listed)
        return []

    check_status(credential(bitstring_entry(url, VALID)), ctx, record)
    [listed] = seen
    assert (listed.url, listed.token, listed.credential["id"]) == (url, None, url)


def test_list_proof_checker_is_given_a_jwt_list_and_its_address(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.url("/status/jwt")
    listed = bitstring_list_credential(url, ISSUER, encode_list({}))
    token = sign_compact({"typ": "vc+jwt"}, listed, new_key())
    http_server.serve("/status/jwt", token, content_type="application/vc+jwt")
    seen: list[ListCredential] = []

    def record(listed: ListCredential) -> list[Check]:
        seen.append(listed)
        return []

    check_status(credential(bitstring_entry(url, VALID)), ctx, record)
    [got] = seen
    assert (got.url, got.token, got.credential) == (url, token, listed)


def test_status_list_2021_ignores_status_size(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.url("/status/2021")
    listed = status_list_2021_credential(url, ISSUER, encode_list({REVOKED: 1}, multibase=False))
    http_server.serve("/status/2021", json.dumps(listed))
    entry = {**bitstring_entry(url, REVOKED), "type": "StatusList2021Entry", "statusSize": 2}
    [check] = check_status(credential(entry), ctx, no_list_proof)
    assert check.status is CheckStatus.FAILED


@pytest.mark.parametrize("size", [2, 8])
def test_status_size_up_to_eight_is_read(
    size: int, ctx: VerificationContext, http_server: LocalServer
) -> None:
    encoded = encode_list({5: 1}, size=size)
    url = with_subject(http_server, statusPurpose="message", encodedList=encoded)
    entry = bitstring_entry(url, 5, purpose="message", statusSize=size)
    [check] = check_status(credential(entry), ctx, no_list_proof)
    assert (check.status, check.detail) == (CheckStatus.WARNING, "status 0x1")


def test_index_zero_is_an_entry(ctx: VerificationContext, http_server: LocalServer) -> None:
    url = with_subject(http_server, encodedList=encode_list({0: 1}))
    [check] = check_status(
        credential(bitstring_entry(url, 0) | {"statusListIndex": 0}), ctx, no_list_proof
    )
    assert check.status is CheckStatus.FAILED


def test_several_entries_give_one_check_each(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = served_list(http_server)
    entries = [bitstring_entry(url, VALID), bitstring_entry(url, REVOKED)]
    checks = check_status(credential(entries), ctx, no_list_proof)
    assert [c.status for c in checks] == [CheckStatus.PASSED, CheckStatus.FAILED]


def test_list_serving_several_purposes_is_used(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = with_subject(http_server, statusPurpose=["suspension", "revocation"])
    [check] = check_status(credential(bitstring_entry(url, REVOKED)), ctx, no_list_proof)
    assert check.status is CheckStatus.FAILED


def test_list_dates_with_offset_or_none_are_read_as_instants(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    # 13:00+02:00 is 11:00 UTC, before AT; a date without offset is UTC.
    url = served_list(http_server, validUntil="2025-03-01T13:00:00+02:00")
    checks = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert unknown_detail(checks) == "the status list is out of date"
    url = served_list(http_server, validUntil="2025-03-01T12:30:00")
    [check] = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert check.status is CheckStatus.PASSED


def test_1edtech_revocation_list_without_issuer_and_with_plain_ids(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.serve("/revoked", json.dumps({"revokedCredentials": ["urn:uuid:c1"]}))
    [check] = check_status(
        credential({"id": url, "type": "1EdTechRevocationList"}), ctx, no_list_proof
    )
    assert (check.status, check.message.en) == (
        CheckStatus.FAILED,
        "The issuer has revoked this credential.",
    )


# --- every reason a list is refused ----------------------------------------------------------


def _gzip_list(bits: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(bits, mtime=0)).rstrip(b"=").decode()


REFUSED_LISTS: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    # id: (list changes, subject changes, detail)
    "not-a-bitstring-list": (
        {"type": ["VerifiableCredential", "StatusList2021Credential"]},
        {},
        "STATUS_VERIFICATION_ERROR: the list is not a BitstringStatusListCredential",
    ),
    "type-is-longer-name": (
        {"type": "BitstringStatusListCredentialDraft"},
        {},
        "STATUS_VERIFICATION_ERROR: the list is not a BitstringStatusListCredential",
    ),
    "no-type": (
        {"type": None},
        {},
        "STATUS_VERIFICATION_ERROR: the list is not a BitstringStatusListCredential",
    ),
    "subject-of-other-kind": (
        {},
        {"type": "StatusList2021"},
        "the list is not a BitstringStatusList",
    ),
    "other-purposes": (
        {},
        {"statusPurpose": ["suspension", "message"]},
        "the list serves a different status purpose",
    ),
    "no-encoded-list": ({}, {"encodedList": None}, "the list has no encodedList"),
    "encoded-list-number": ({}, {"encodedList": 5}, "the list has no encodedList"),
    "encoded-list-empty": ({}, {"encodedList": ""}, "the list has no encodedList"),
    "encoded-list-garbage": (
        {},
        {"encodedList": "u!!!"},
        "the list's encodedList cannot be decoded",
    ),
    "zlib-not-gzip": (
        {},
        {
            "encodedList": "u"
            + base64.urlsafe_b64encode(zlib.compress(encode_bitstring({}))).rstrip(b"=").decode()
        },
        "the list's encodedList cannot be decoded",
    ),
    "larger-than-accepted": (
        {},
        {"encodedList": _gzip_list(bytes(16 * 1024 * 1024 + 1))},
        "the status list is larger than this wallet accepts",
    ),
    "shorter-than-minimum": (
        {},
        {"encodedList": _gzip_list(bytes(1024))},
        f"STATUS_LIST_LENGTH_ERROR: the list has 8192 bits, fewer than the minimum {MIN_BITS}",
    ),
    "out-of-date": ({"validUntil": "2025-02-01T00:00:00Z"}, {}, "the status list is out of date"),
    "expiration-date-passed": (
        {"expirationDate": "2025-02-01T00:00:00Z"},
        {},
        "the status list is out of date",
    ),
    "not-valid-yet": (
        {"validFrom": "2025-04-01T00:00:00Z"},
        {},
        "the status list is not valid yet",
    ),
    "unreadable-date": (
        {"validUntil": "soon"},
        {},
        "the status list has an unreadable date 'soon'",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_LISTS))
def test_refused_list_leaves_status_unknown_naming_why(
    case: str, ctx: VerificationContext, http_server: LocalServer
) -> None:
    list_changes, subject_changes, detail = REFUSED_LISTS[case]
    url = served_list(http_server, **list_changes)
    if subject_changes:
        listed = json.loads(http_server.routes["/status/1"].body)
        subject = {**listed["credentialSubject"], **subject_changes}
        listed["credentialSubject"] = {k: v for k, v in subject.items() if v is not None}
        http_server.serve("/status/1", json.dumps(listed))
    checks = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert unknown_detail(checks) == detail


REFUSED_ENTRIES: dict[str, tuple[Any, str]] = {
    "not-an-object": ("https://status.example/1", "a credentialStatus entry is not an object"),
    "unsupported-method": (
        {"type": "CredentialStatusList2017"},
        "status method 'CredentialStatusList2017' is not supported",
    ),
    "size-nine": ({"statusSize": 9}, "statusSize must be between 1 and 8"),
    "size-zero": ({"statusSize": 0}, "statusSize must be between 1 and 8"),
    "negative-index": (
        {"statusListIndex": -1},
        "a status index or size is not a non-negative integer",
    ),
    "boolean-index": (
        {"statusListIndex": True},
        "a status index or size is not a non-negative integer",
    ),
    "text-index": (
        {"statusListIndex": "first"},
        "a status index or size is not a non-negative integer",
    ),
    "index-outside": ({"statusListIndex": str(MIN_BITS)}, "the status index is outside the list"),
    "no-list-address": (
        {"statusListCredential": ""},
        "the status entry has no statusListCredential",
    ),
    "list-address-number": (
        {"statusListCredential": 5},
        "the status entry has no statusListCredential",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_ENTRIES))
def test_refused_entry_leaves_status_unknown_naming_why(
    case: str, ctx: VerificationContext, http_server: LocalServer
) -> None:
    changes, detail = REFUSED_ENTRIES[case]
    entry = changes
    if isinstance(changes, dict) and "type" not in changes:
        entry = bitstring_entry(served_list(http_server), VALID) | changes
    assert unknown_detail(check_status(credential(entry), ctx, no_list_proof)) == detail


def test_list_answering_an_error_names_the_http_status(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    http_server.serve("/status/1", "gone", status=404)
    entry = bitstring_entry(http_server.url("/status/1"), VALID)
    checks = check_status(credential(entry), ctx, no_list_proof)
    assert unknown_detail(checks) == "the status list answered HTTP 404"


def test_list_neither_json_nor_jwt_is_named(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    http_server.serve("/status/1", "lista stat\u00f3w")
    entry = bitstring_entry(http_server.url("/status/1"), VALID)
    checks = check_status(credential(entry), ctx, no_list_proof)
    assert unknown_detail(checks) == "the status list is neither JSON nor a JWT"


def test_list_failing_its_own_proof_names_the_check(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = served_list(http_server)

    def forged(listed: ListCredential) -> list[Check]:
        return [Check("proof", CheckStatus.FAILED, UNKNOWN)]

    checks = check_status(credential(bitstring_entry(url, VALID)), ctx, forged)
    assert unknown_detail(checks) == "the status list's own proof check did not pass"


@pytest.mark.parametrize(
    ("document", "detail"),
    [
        (
            {"issuer": "did:web:other.example", "revokedCredentials": []},
            "the revocation list was published by a different issuer",
        ),
        ({"issuer": ISSUER}, "the revocation list has no revokedCredentials"),
    ],
    ids=["other-issuer", "no-list"],
)
def test_refused_1edtech_revocation_list_names_why(
    document: dict[str, Any], detail: str, ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.serve("/revoked", json.dumps(document))
    entry = {"id": url, "type": "1EdTechRevocationList"}
    assert unknown_detail(check_status(credential(entry), ctx, no_list_proof)) == detail


def test_1edtech_revocation_list_needs_the_credential_id(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.serve("/revoked", json.dumps({"revokedCredentials": []}))
    anonymous = {"issuer": ISSUER, "credentialStatus": {"id": url, "type": "1EdTechRevocationList"}}
    checks = check_status(anonymous, ctx, no_list_proof)
    assert unknown_detail(checks) == "the credential has no id to look up"


def test_1edtech_revocation_list_error_names_the_http_status(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.serve("/revoked", "{}", status=500)
    entry = {"id": url, "type": "1EdTechRevocationList"}
    checks = check_status(credential(entry), ctx, no_list_proof)
    assert unknown_detail(checks) == "the revocation list answered HTTP 500"
