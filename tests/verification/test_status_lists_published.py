"""Bitstring Status List: the specification's example list, lists by other parties, length."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from tests.support.di_issuer import TestIssuer
from tests.support.di_vectors import load_vector
from tests.support.httpserver import LocalServer
from tests.support.status_lists import bitstring_entry, bitstring_list_credential, encode_list
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity
from wallet.verification.report import Check, CheckStatus, Report, Verdict
from wallet.verification.status import (
    MIN_LIST_BITS,
    ListCredential,
    StatusUnknownError,
    check_status,
    decode_encoded_list,
)

AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
# Example 4 of the specification points at entry 94567 of Example 5's list.
EXAMPLE_INDEX = 94567


@pytest.fixture
def ctx() -> VerificationContext:
    return VerificationContext(fetcher=SafeFetcher(allow_loopback=True, timeout=5), at=AT)


def _no_proof(listed: ListCredential) -> list[Check]:
    return []


def _serve_example(server: LocalServer, **changes: Any) -> str:
    listed = load_vector("bitstring-status-list-example-5.json") | changes
    return server.serve("/credentials/status/3", json.dumps(listed))


def _credential(url: str, issuer: str = "did:example:12345") -> dict[str, Any]:
    return {"issuer": issuer, "credentialStatus": bitstring_entry(url, EXAMPLE_INDEX)}


def _codes(checks: list[Check]) -> list[tuple[str, CheckStatus]]:
    return [(check.code, check.status) for check in checks]


def test_spec_example_list_decodes_to_minimum_length() -> None:
    subject = load_vector("bitstring-status-list-example-5.json")["credentialSubject"]
    assert isinstance(subject, dict)
    bits = decode_encoded_list(subject["encodedList"])
    assert len(bits) * 8 == MIN_LIST_BITS == 131_072
    assert not any(bits)


def test_spec_example_list_entry_not_revoked(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = _serve_example(http_server)
    checks = check_status(_credential(url), ctx, _no_proof)
    assert _codes(checks) == [("revocation", CheckStatus.PASSED)]


def test_spec_example_list_from_other_party_warns(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = _serve_example(http_server)
    checks = check_status(_credential(url, "did:example:university"), ctx, _no_proof)
    assert _codes(checks) == [
        ("revocation", CheckStatus.PASSED),
        ("status_list_issuer", CheckStatus.WARNING),
    ]
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_spec_example_list_without_list_type_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = _serve_example(http_server, type=["VerifiableCredential"])
    [check] = check_status(_credential(url), ctx, _no_proof)
    assert check.status is CheckStatus.SKIPPED and check.required
    assert (check.detail or "").startswith("STATUS_VERIFICATION_ERROR")


def test_list_one_byte_short_is_length_error() -> None:
    with pytest.raises(StatusUnknownError) as caught:
        decode_encoded_list(encode_list({}, entries=MIN_LIST_BITS - 8))
    assert caught.value.message.startswith("STATUS_LIST_LENGTH_ERROR")


def test_list_of_minimum_length_is_accepted() -> None:
    assert len(decode_encoded_list(encode_list({}, entries=MIN_LIST_BITS))) * 8 == MIN_LIST_BITS


def _signed_list(server: LocalServer, publisher: TestIssuer, revoked: set[int]) -> str:
    url = server.url("/status/registry")
    encoded = encode_list(dict.fromkeys(revoked, 1))
    listed = bitstring_list_credential(url, publisher.did, encoded)
    signed = publisher.sign(listed, "eddsa-jcs-2022")
    server.serve("/status/registry", json.dumps(signed))
    return url


def _verify_list(ctx: VerificationContext) -> Any:
    def verify(listed: ListCredential) -> list[Check]:
        return verify_data_integrity(listed.credential, ctx)

    return verify


def test_signed_list_of_other_party_revocation_fails(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    issuer, registry = TestIssuer.generate(), TestIssuer.generate()
    url = _signed_list(http_server, registry, {7})
    credential = {"issuer": issuer.did, "credentialStatus": bitstring_entry(url, 7)}
    checks = check_status(credential, ctx, _verify_list(ctx))
    assert _codes(checks) == [
        ("revocation", CheckStatus.FAILED),
        ("status_list_issuer", CheckStatus.WARNING),
    ]


def test_signed_list_of_other_party_tampered_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    issuer, registry = TestIssuer.generate(), TestIssuer.generate()
    url = _signed_list(http_server, registry, {7})
    route = http_server.routes["/status/registry"]
    tampered = json.loads(route.body)
    tampered["credentialSubject"]["encodedList"] = encode_list({})
    http_server.serve("/status/registry", json.dumps(copy.deepcopy(tampered)))
    credential = {"issuer": issuer.did, "credentialStatus": bitstring_entry(url, 7)}
    checks = check_status(credential, ctx, _verify_list(ctx))
    assert _codes(checks) == [("revocation", CheckStatus.SKIPPED)]
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE
