"""Credential status against real status lists served on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import b64url, did_jwk, json_bytes, new_key, sign_compact
from tests.support.status_lists import (
    bitstring_entry,
    bitstring_list_credential,
    encode_bitstring,
    encode_list,
    status_list_2021_credential,
)
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Report, Verdict
from wallet.verification.status import (
    ListCredential,
    StatusUnknownError,
    check_status,
    read_status,
)
from wallet.verification.vc_jwt import verify_vc_jwt

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
ISSUER = "did:web:issuer.example"
REVOKED, VALID = 94567, 94568


@pytest.fixture
def ctx() -> VerificationContext:
    return VerificationContext(fetcher=SafeFetcher(allow_loopback=True, timeout=5), at=AT)


def no_list_proof(listed: ListCredential) -> list[Check]:
    return []


def credential(status: Any, issuer: str = ISSUER) -> dict[str, Any]:
    return {"id": "urn:uuid:c1", "issuer": {"id": issuer}, "credentialStatus": status}


def serve_list(server: LocalServer, body: dict[str, Any] | str, path: str = "/status/1") -> str:
    text = body if isinstance(body, str) else json.dumps(body)
    return server.serve(path, text)


def revocation_list(server: LocalServer, issuer: str = ISSUER, **extra: Any) -> str:
    url = server.url("/status/1")
    encoded = encode_list({REVOKED: 1})
    return serve_list(server, bitstring_list_credential(url, issuer, encoded, **extra))


def only_status(checks: list[Check]) -> tuple[CheckStatus, bool]:
    [result] = checks
    assert result.code == "revocation"
    return result.status, result.required


def test_check_status_without_credential_status_is_skipped_not_required(
    ctx: VerificationContext,
) -> None:
    checks = check_status({"issuer": ISSUER}, ctx, no_list_proof)
    assert only_status(checks) == (CheckStatus.SKIPPED, False)
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_check_status_unset_bit_passes(ctx: VerificationContext, http_server: LocalServer) -> None:
    url = revocation_list(http_server)
    checks = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert only_status(checks) == (CheckStatus.PASSED, True)
    assert http_server.requests == ["/status/1"]


def test_check_status_set_revocation_bit_fails(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = revocation_list(http_server)
    checks = check_status(credential(bitstring_entry(url, REVOKED)), ctx, no_list_proof)
    assert only_status(checks) == (CheckStatus.FAILED, True)


def test_check_status_set_suspension_bit_fails(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.url("/status/1")
    listed = bitstring_list_credential(url, ISSUER, encode_list({REVOKED: 1}), purpose="suspension")
    serve_list(http_server, listed)
    entry = bitstring_entry(url, REVOKED, purpose="suspension")
    assert only_status(check_status(credential(entry), ctx, no_list_proof))[0] is (
        CheckStatus.FAILED
    )


def test_check_status_unreachable_list_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    entry = bitstring_entry(http_server.url("/status/missing"), VALID)
    checks = check_status(credential(entry), ctx, no_list_proof)
    assert only_status(checks) == (CheckStatus.SKIPPED, True)
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_check_status_list_of_other_issuer_passes_with_warning(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = revocation_list(http_server, issuer="did:web:registry.example")
    checks = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert [(c.code, c.status, c.required) for c in checks] == [
        ("revocation", CheckStatus.PASSED, True),
        ("status_list_issuer", CheckStatus.WARNING, False),
    ]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"validUntil": "2025-02-01T00:00:00Z"}, CheckStatus.SKIPPED),
        ({"validFrom": "2025-03-02T00:00:00Z"}, CheckStatus.SKIPPED),
        ({"issuanceDate": "2025-03-02T00:00:00Z", "validFrom": None}, CheckStatus.SKIPPED),
        ({"validUntil": AT.isoformat()}, CheckStatus.PASSED),
        ({"validFrom": AT.isoformat()}, CheckStatus.PASSED),
    ],
    ids=["expired", "valid-from-future", "issued-future", "until-now", "from-now"],
)
def test_check_status_list_outside_its_validity_is_unverifiable(
    dates: dict[str, Any], expected: CheckStatus, ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = revocation_list(http_server, **dates)
    checks = check_status(credential(bitstring_entry(url, VALID)), ctx, no_list_proof)
    assert only_status(checks) == (expected, True)


def test_check_status_list_for_other_purpose_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = revocation_list(http_server)
    entry = bitstring_entry(url, VALID, purpose="suspension")
    assert only_status(check_status(credential(entry), ctx, no_list_proof)) == (
        CheckStatus.SKIPPED,
        True,
    )


def test_check_status_list_shorter_than_minimum_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.url("/status/1")
    short = encode_list({3: 1}, entries=1024)
    serve_list(http_server, bitstring_list_credential(url, ISSUER, short))
    checks = check_status(credential(bitstring_entry(url, 3)), ctx, no_list_proof)
    assert only_status(checks) == (CheckStatus.SKIPPED, True)


def test_check_status_index_beyond_list_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = revocation_list(http_server)
    entry = bitstring_entry(url, 16 * 1024 * 8)
    assert only_status(check_status(credential(entry), ctx, no_list_proof)) == (
        CheckStatus.SKIPPED,
        True,
    )


def test_check_status_status_list_2021_set_bit_fails(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.url("/status/2021")
    encoded = encode_list({REVOKED: 1}, multibase=False)
    serve_list(http_server, status_list_2021_credential(url, ISSUER, encoded), "/status/2021")
    entry = {**bitstring_entry(url, REVOKED), "type": "StatusList2021Entry"}
    assert only_status(check_status(credential(entry), ctx, no_list_proof))[0] is (
        CheckStatus.FAILED
    )


def test_check_status_message_purpose_reports_message_as_warning(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = http_server.url("/status/1")
    encoded = encode_list({7: 2}, size=2)
    serve_list(http_server, bitstring_list_credential(url, ISSUER, encoded, purpose="message"))
    messages = [{"status": "0x0", "message": "valid"}, {"status": "0x2", "message": "under review"}]
    entry = bitstring_entry(url, 7, purpose="message", statusSize=2, statusMessage=messages)
    [result] = check_status(credential(entry), ctx, no_list_proof)
    assert (result.status, result.required, result.detail) == (
        CheckStatus.WARNING,
        False,
        "under review",
    )


def test_check_status_unknown_method_is_unverifiable(ctx: VerificationContext) -> None:
    entry = {"id": "https://status.example/1", "type": "CredentialStatusList2017"}
    assert only_status(check_status(credential(entry), ctx, no_list_proof)) == (
        CheckStatus.SKIPPED,
        True,
    )


def signed_list(http_server: LocalServer, *, tamper: bool) -> tuple[str, str]:
    """A BitstringStatusListCredential served as a VC-JWT by a did:jwk issuer."""
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    url = http_server.url("/status/jwt")
    listed = bitstring_list_credential(url, issuer, encode_list({REVOKED: 1}))
    token = sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, listed, key)
    if tamper:
        listed["credentialSubject"]["encodedList"] = encode_list({})
        header, _payload, signature = token.split(".")
        token = ".".join((header, b64url(json_bytes(listed)), signature))
    http_server.serve("/status/jwt", token, content_type="application/vc+jwt")
    return url, issuer


@pytest.mark.parametrize(
    ("tamper", "expected"), [(False, CheckStatus.FAILED), (True, CheckStatus.SKIPPED)]
)
def test_check_status_jwt_list_proof_decides_trust(
    tamper: bool, expected: CheckStatus, ctx: VerificationContext, http_server: LocalServer
) -> None:
    url, issuer = signed_list(http_server, tamper=tamper)

    def verify_list(listed: ListCredential) -> list[Check]:
        assert listed.token is not None
        return verify_vc_jwt(listed.token, ctx)

    checks = check_status(credential(bitstring_entry(url, REVOKED), issuer), ctx, verify_list)
    assert only_status(checks) == (expected, True)


def test_check_status_1edtech_revocation_list_listed_id_fails(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    revoked = {"id": "urn:uuid:c1", "revocationReason": "issued in error"}
    url = serve_list(http_server, {"issuer": ISSUER, "revokedCredentials": [revoked]})
    entry = {"id": url, "type": "1EdTechRevocationList"}
    assert only_status(check_status(credential(entry), ctx, no_list_proof))[0] is (
        CheckStatus.FAILED
    )


def test_check_status_1edtech_revocation_list_other_ids_passes(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    url = serve_list(http_server, {"issuer": ISSUER, "revokedCredentials": [{"id": "urn:x"}]})
    entry = {"id": url, "type": "1EdTechRevocationList"}
    assert only_status(check_status(credential(entry), ctx, no_list_proof))[0] is (
        CheckStatus.PASSED
    )


@pytest.mark.parametrize(("index", "expected"), [(0, 1), (1, 0), (7, 0), (15, 1)])
def test_read_status_most_significant_bit_first(index: int, expected: int) -> None:
    assert read_status(b"\x80\x01", index) == expected


def test_read_status_multi_bit_value_reads_in_order() -> None:
    assert read_status(encode_bitstring({5: 3, 6: 1}, size=2, entries=8), 5, 2) == 3
    assert read_status(encode_bitstring({5: 3, 6: 1}, size=2, entries=8), 6, 2) == 1


def test_read_status_index_outside_raises() -> None:
    with pytest.raises(StatusUnknownError):
        read_status(b"\x00", 8)
