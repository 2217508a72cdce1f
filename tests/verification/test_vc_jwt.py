"""VC-JWT: VCDM 1.1 ``vc`` claim JWTs and VCDM 2.0 / OB 3.0 JOSE credentials."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import b64url, did_jwk, new_key, sign_compact
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.vc_jwt import decode_vc_jwt, read_vc_jwt, verify_vc_jwt

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
NBF = 1_735_732_800  # 2025-01-01T12:00:00Z
SUBJECT = "did:example:learner"


@pytest.fixture
def ctx() -> VerificationContext:
    return VerificationContext(fetcher=SafeFetcher(allow_loopback=True, timeout=5), at=AT)


def ob3_credential(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:4c1f0a8e-6a57-4b8e-9b7c-2f6f6f0d2a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Uniwersytet Przykładowy"},
        "validFrom": "2025-01-01T12:00:00Z",
        "name": "Data literacy",
        "credentialSubject": {
            "id": SUBJECT,
            "type": ["AchievementSubject"],
            "achievement": {"id": "urn:uuid:a1", "type": ["Achievement"], "name": "Data literacy"},
        },
        **extra,
    }


def v11_claims(issuer: str, **overrides: Any) -> dict[str, Any]:
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"type": ["AchievementSubject"]},
    }
    claims = {"iss": issuer, "nbf": NBF, "jti": "urn:uuid:1", "sub": SUBJECT, "vc": vc}
    return {**claims, **overrides}


def statuses(token: str, ctx: VerificationContext) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in verify_vc_jwt(token, ctx, web_scheme="http")}


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256"])
def test_verify_vc_jwt_vcdm2_did_jwk_kid_is_verified(alg: str, ctx: VerificationContext) -> None:
    key = new_key(alg)
    issuer = did_jwk(key)
    token = sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, ob3_credential(issuer), key)
    checks = verify_vc_jwt(token, ctx)
    assert [c.code for c in checks] == ["format", "key_resolution", "proof", "issuer_binding"]
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_vc_jwt_relative_kid_resolves_against_issuer(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    token = sign_compact({"typ": "vc+ld+json+jwt", "kid": "#0"}, ob3_credential(issuer), key)
    assert statuses(token, ctx)["proof"] is CheckStatus.PASSED


def test_verify_vc_jwt_other_key_fails_proof(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    token = sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, ob3_credential(issuer), new_key())
    assert statuses(token, ctx)["proof"] is CheckStatus.FAILED


def test_verify_vc_jwt_key_of_other_did_fails_issuer_binding(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    token = sign_compact(
        {"typ": "vc+jwt", "kid": did_jwk(key) + "#0"}, ob3_credential(did_jwk(new_key())), key
    )
    result = statuses(token, ctx)
    assert result["proof"] is CheckStatus.PASSED
    assert result["issuer_binding"] is CheckStatus.FAILED


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_verify_vc_jwt_disallowed_algorithm_fails_format(
    alg: str, ctx: VerificationContext
) -> None:
    key = new_key("EdDSA")
    header = json.dumps({"alg": alg, "typ": "vc+jwt", "jwk": key.public_jwk()}).encode()
    token = sign_compact({"typ": "vc+jwt"}, ob3_credential(did_jwk(key)), key)
    forged = b64url(header) + "." + token.split(".", 1)[1]
    assert statuses(forged, ctx) == {"format": CheckStatus.FAILED}


def test_verify_vc_jwt_embedded_jwk_of_did_jwk_issuer_passes(ctx: VerificationContext) -> None:
    key = new_key("ES256")
    token = sign_compact({"jwk": key.public_jwk()}, ob3_credential(did_jwk(key)), key)
    assert Report.of(verify_vc_jwt(token, ctx)).verdict is Verdict.VERIFIED


def test_verify_vc_jwt_embedded_jwk_for_web_issuer_is_unverifiable(
    ctx: VerificationContext,
) -> None:
    key = new_key("ES256")
    token = sign_compact({"jwk": key.public_jwk()}, ob3_credential("https://uni.example"), key)
    checks = verify_vc_jwt(token, ctx)
    assert {c.code: c.status for c in checks}["issuer_binding"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_verify_vc_jwt_embedded_private_key_fails_key_resolution(
    ctx: VerificationContext,
) -> None:
    key = new_key("EdDSA")
    leaked = {**key.public_jwk(), "d": "AAAA"}
    token = sign_compact({"jwk": leaked}, ob3_credential(did_jwk(key)), key)
    assert statuses(token, ctx)["key_resolution"] is CheckStatus.FAILED


def test_verify_vc_jwt_kid_url_on_issuer_host_passes(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key("RS256")
    kid = http_server.serve("/keys/1", json.dumps(key.public_jwk()))
    issuer = http_server.url("/issuers/uni")
    token = sign_compact({"kid": kid}, ob3_credential(issuer), key)
    assert Report.of(verify_vc_jwt(token, ctx)).verdict is Verdict.VERIFIED


def test_verify_vc_jwt_kid_url_unreachable_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key("RS256")
    token = sign_compact(
        {"kid": http_server.url("/keys/missing")}, ob3_credential(http_server.url("/i")), key
    )
    checks = verify_vc_jwt(token, ctx)
    assert {c.code: c.status for c in checks}["key_resolution"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_verify_vc_jwt_issuer_profile_key_passes(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/issuers/uni", json.dumps({"id": issuer, "publicKeyJwk": key.public_jwk()}))
    token = sign_compact({"typ": "vc+jwt"}, ob3_credential(issuer), key)
    assert Report.of(verify_vc_jwt(token, ctx)).verdict is Verdict.VERIFIED


def test_verify_vc_jwt_bare_kid_names_key_of_issuer_profile(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key, other = new_key("ES256"), new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    jwks = {"keys": [other.public_jwk(kid="old"), key.public_jwk(kid="key-0")]}
    http_server.serve("/issuers/uni", json.dumps({"id": issuer, "jwks": jwks}))
    token = sign_compact({"kid": "key-0"}, ob3_credential(issuer), key)
    assert Report.of(verify_vc_jwt(token, ctx)).verdict is Verdict.VERIFIED
    # Named "old", the same signature is checked against the other published key.
    forged = sign_compact({"kid": "old"}, ob3_credential(issuer), key)
    assert statuses(forged, ctx)["proof"] is CheckStatus.FAILED


def test_verify_vc_jwt_bare_kid_of_unreachable_issuer_is_unverifiable(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    token = sign_compact({"kid": "key-0"}, ob3_credential(http_server.url("/gone")), new_key())
    checks = verify_vc_jwt(token, ctx)
    assert {c.code: c.status for c in checks}["key_resolution"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_verify_vc_jwt_v11_consistent_claims_is_verified(ctx: VerificationContext) -> None:
    key = new_key("RS256")
    issuer = did_jwk(key)
    token = sign_compact({"typ": "JWT", "kid": issuer + "#0"}, v11_claims(issuer), key)
    checks = verify_vc_jwt(token, ctx)
    assert {c.code: c.status for c in checks}["schema"] is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_vc_jwt_v11_iss_differs_from_issuer_fails_issuer_binding(
    ctx: VerificationContext,
) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = v11_claims(issuer)
    claims["vc"]["issuer"] = "https://other.example"
    token = sign_compact({"kid": issuer + "#0"}, claims, key)
    assert statuses(token, ctx)["issuer_binding"] is CheckStatus.FAILED


def test_verify_vc_jwt_v11_jti_differs_from_id_fails_schema(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = v11_claims(issuer)
    claims["vc"]["id"] = "urn:uuid:other"
    token = sign_compact({"kid": issuer + "#0"}, claims, key)
    assert statuses(token, ctx)["schema"] is CheckStatus.FAILED


def test_verify_vc_jwt_v11_nbf_differs_from_issuance_date_fails_schema(
    ctx: VerificationContext,
) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = v11_claims(issuer)
    claims["vc"]["issuanceDate"] = "2024-06-01T00:00:00Z"
    token = sign_compact({"kid": issuer + "#0"}, claims, key)
    assert statuses(token, ctx)["schema"] is CheckStatus.FAILED


def test_decode_vc_jwt_v11_maps_jwt_claims_into_credential() -> None:
    key = new_key("EdDSA")
    token = sign_compact({}, v11_claims("https://uni.example", exp=NBF + 86400), key)
    credential = decode_vc_jwt(token)
    assert credential["issuer"] == "https://uni.example"
    assert credential["id"] == "urn:uuid:1"
    assert credential["issuanceDate"] == "2025-01-01T12:00:00Z"
    assert credential["expirationDate"] == "2025-01-02T12:00:00Z"
    assert credential["credentialSubject"] == {"type": ["AchievementSubject"], "id": SUBJECT}


def test_read_vc_jwt_returns_validity_window() -> None:
    token = sign_compact({}, v11_claims("https://uni.example", exp=NBF + 60), new_key())
    decoded = read_vc_jwt(token)
    assert decoded.not_before == dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert decoded.expires == dt.datetime(2025, 1, 1, 12, 1, tzinfo=dt.UTC)


def test_verify_vc_jwt_plain_jwt_without_credential_fails_format(
    ctx: VerificationContext,
) -> None:
    token = sign_compact({"typ": "JWT"}, {"iss": "https://uni.example", "sub": "x"}, new_key())
    assert statuses(token, ctx) == {"format": CheckStatus.FAILED}


@pytest.mark.parametrize(("other_iss", "expected"), [(False, "passed"), (True, "failed")])
def test_verify_vc_jwt_vcdm2_iss_decides_issuer_binding(
    other_iss: bool, expected: str, ctx: VerificationContext
) -> None:
    """Key, kid and issuer all agree: only the ``iss`` claim differs between the two cases."""
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    iss = did_jwk(new_key()) if other_iss else issuer
    token = sign_compact(
        {"typ": "vc+jwt", "kid": issuer + "#0"}, ob3_credential(issuer, iss=iss), key
    )
    assert statuses(token, ctx)["issuer_binding"] is CheckStatus(expected)
