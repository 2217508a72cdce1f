"""Signed Open Badges 2.0 verification: JWS, the issuer's key and its revocation list."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import (
    LoopbackFetcher,
    Ob2Issuer,
    PrivateKey,
    b64url,
    bake_svg,
    make_issuer,
    public_pem,
    sign_jws,
)
from wallet import importing
from wallet.verification.context import VerificationContext
from wallet.verification.ob2 import verify_ob2
from wallet.verification.report import CheckStatus, Report, Verdict


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def issuer(http_server: LocalServer, rsa_key: rsa.RSAPrivateKey) -> Ob2Issuer:
    return make_issuer(http_server, rsa_key)


def _verify(data: bytes | str) -> Report:
    raw = data.encode() if isinstance(data, str) else data
    [envelope] = importing.read_envelopes(raw, "badge")
    ctx = VerificationContext(
        fetcher=LoopbackFetcher(),
        at=datetime(2025, 1, 1, tzinfo=UTC),
        recipients=frozenset({"alice@example.org"}),
    )
    return Report.of(verify_ob2(envelope, ctx))


def _status(report: Report, code: str) -> CheckStatus | None:
    check = report.find(code)
    return check.status if check else None


def test_verify_ob2_signed_rs256_valid_is_verified(issuer: Ob2Issuer) -> None:
    report = _verify(sign_jws(issuer.signed_assertion(), issuer.key))
    assert report.verdict is Verdict.VERIFIED
    for code in ("proof", "key_resolution", "issuer_binding", "schema", "revocation", "recipient"):
        assert _status(report, code) is CheckStatus.PASSED, code


def test_verify_ob2_signed_es256_key_is_verified(http_server: LocalServer) -> None:
    issuer = make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))
    report = _verify(sign_jws(issuer.signed_assertion(), issuer.key))
    assert _status(report, "proof") is CheckStatus.PASSED


def test_verify_ob2_signed_baked_in_svg_is_verified(issuer: Ob2Issuer) -> None:
    token = sign_jws(issuer.signed_assertion(), issuer.key)
    report = _verify(bake_svg(token, in_attribute=True))
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_signed_tampered_payload_fails_proof(issuer: Ob2Issuer) -> None:
    header, _, signature = sign_jws(issuer.signed_assertion(), issuer.key).split(".")
    changed = issuer.signed_assertion(issuedOn="2020-01-01T00:00:00+00:00")
    token = f"{header}.{b64url(json.dumps(changed).encode())}.{signature}"
    report = _verify(token)
    assert _status(report, "proof") is CheckStatus.FAILED
    assert _status(report, "issuer_binding") is CheckStatus.PASSED


def test_verify_ob2_signed_by_other_key_fails_proof(issuer: Ob2Issuer) -> None:
    other: PrivateKey = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    report = _verify(sign_jws(issuer.signed_assertion(), other))
    assert _status(report, "proof") is CheckStatus.FAILED


def test_verify_ob2_signed_key_not_owned_by_issuer_fails_binding(issuer: Ob2Issuer) -> None:
    issuer.key_document["owner"] = issuer.server.url("/someone-else")
    issuer.publish()
    report = _verify(sign_jws(issuer.signed_assertion(), issuer.key))
    assert _status(report, "issuer_binding") is CheckStatus.FAILED
    assert _status(report, "proof") is CheckStatus.PASSED
    assert report.verdict is Verdict.FAILED


def test_verify_ob2_signed_key_not_listed_by_issuer_fails_binding(issuer: Ob2Issuer) -> None:
    other_key = issuer.server.url("/keys/2")
    issuer.server.serve("/keys/2", json.dumps(issuer.key_document | {"id": other_key}))
    assertion = issuer.signed_assertion(verification={"type": "SignedBadge", "creator": other_key})
    report = _verify(sign_jws(assertion, issuer.key))
    assert _status(report, "issuer_binding") is CheckStatus.FAILED


def test_verify_ob2_signed_listed_in_revocation_list_is_revoked(issuer: Ob2Issuer) -> None:
    assertion = issuer.signed_assertion()
    issuer.revoked.append(assertion["id"])
    issuer.publish()
    report = _verify(sign_jws(assertion, issuer.key))
    assert _status(report, "revocation") is CheckStatus.FAILED
    assert _status(report, "proof") is CheckStatus.PASSED


def test_verify_ob2_signed_revocation_list_unreachable_is_unverifiable(issuer: Ob2Issuer) -> None:
    issuer.profile["revocationList"] = issuer.server.url("/no-such-list")
    issuer.publish()
    report = _verify(sign_jws(issuer.signed_assertion(), issuer.key))
    assert _status(report, "revocation") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_ob2_signed_key_unreachable_is_unverifiable(issuer: Ob2Issuer) -> None:
    missing = issuer.server.url("/keys/missing")
    issuer.profile["publicKey"] = [issuer.key_url, missing]
    issuer.publish()
    assertion = issuer.signed_assertion(verification={"type": "SignedBadge", "creator": missing})
    report = _verify(sign_jws(assertion, issuer.key))
    assert _status(report, "key_resolution") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_ob2_signed_without_creator_uses_profile_keys(issuer: Ob2Issuer) -> None:
    assertion = issuer.signed_assertion(verification={"type": "SignedBadge"})
    report = _verify(sign_jws(assertion, issuer.key))
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_signed_json_without_signature_is_unverifiable(issuer: Ob2Issuer) -> None:
    report = _verify(json.dumps(issuer.signed_assertion()))
    assert _status(report, "proof") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_ob2_signed_alg_none_fails_proof(issuer: Ob2Issuer) -> None:
    header = b64url(json.dumps({"alg": "none"}).encode())
    payload = b64url(json.dumps(issuer.signed_assertion()).encode())
    report = _verify(f"{header}.{payload}.")
    assert _status(report, "proof") is CheckStatus.FAILED


def test_verify_ob2_signed_key_document_pem_is_checked(issuer: Ob2Issuer) -> None:
    issuer.key_document["publicKeyPem"] = public_pem(issuer.key).replace("M", "A", 3)
    issuer.publish()
    report = _verify(sign_jws(issuer.signed_assertion(), issuer.key))
    assert _status(report, "key_resolution") is CheckStatus.FAILED
