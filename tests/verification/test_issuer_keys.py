"""A key in the JWS header is confirmed only by the issuer's own published documents."""

from __future__ import annotations

import datetime as dt
import json
import socket
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import (
    IssuerKey,
    SdJwtBuilder,
    did_jwk,
    issue_sd_jwt,
    new_key,
    sign_compact,
)
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Report, Verdict
from wallet.verification.sd_jwt import verify_sd_jwt
from wallet.verification.vc_jwt import verify_vc_jwt

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ctx() -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True, timeout=5), at=AT, web_scheme="http"
    )


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T12:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Data literacy"},
    }


def header_jwk_token(key: IssuerKey, issuer: str) -> str:
    return sign_compact({"typ": "vc+jwt", "jwk": key.public_jwk()}, credential(issuer), key)


def binding(checks: list[Check]) -> CheckStatus:
    found = Report.of(checks).find("issuer_binding")
    assert found is not None
    return found.status


def jwks(*keys: IssuerKey) -> str:
    return json.dumps({"keys": [key.public_jwk() for key in keys]})


def test_vc_jwt_header_jwk_listed_in_well_known_jwks_is_verified(
    http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/.well-known/jwks.json", jwks(new_key("ES256"), key))
    checks = verify_vc_jwt(header_jwk_token(key, issuer), ctx, web_scheme="http")
    assert binding(checks) is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_vc_jwt_header_jwk_listed_in_issuer_metadata_is_verified(
    http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("EdDSA")
    issuer = http_server.url("/issuers/uni")
    jwks_uri = http_server.serve("/keys.json", jwks(key))
    metadata = {"issuer": issuer, "jwks_uri": jwks_uri}
    http_server.serve("/.well-known/jwt-vc-issuer/issuers/uni", json.dumps(metadata))
    checks = verify_vc_jwt(header_jwk_token(key, issuer), ctx, web_scheme="http")
    assert binding(checks) is CheckStatus.PASSED


def test_vc_jwt_header_jwk_absent_from_issuer_metadata_fails_binding(
    http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    metadata = {"issuer": issuer, "jwks": json.loads(jwks(new_key("ES256")))}
    http_server.serve("/.well-known/jwt-vc-issuer/issuers/uni", json.dumps(metadata))
    checks = verify_vc_jwt(header_jwk_token(key, issuer), ctx, web_scheme="http")
    assert binding(checks) is CheckStatus.FAILED
    assert Report.of(checks).verdict is Verdict.FAILED


def test_vc_jwt_header_jwk_absent_from_host_jwks_only_is_unverifiable(
    http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/.well-known/jwks.json", jwks(new_key("ES256")))
    checks = verify_vc_jwt(header_jwk_token(key, issuer), ctx, web_scheme="http")
    assert binding(checks) is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_vc_jwt_header_jwk_nothing_published_is_unverifiable(
    http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("ES256")
    checks = verify_vc_jwt(
        header_jwk_token(key, http_server.url("/issuers/uni")), ctx, web_scheme="http"
    )
    assert {c.code: c.status for c in checks}["proof"] is CheckStatus.PASSED
    assert binding(checks) is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE
    assert "/.well-known/jwks.json" in http_server.requests


def test_vc_jwt_header_jwk_issuer_unreachable_is_unverifiable(ctx: VerificationContext) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    key = new_key("ES256")
    token = header_jwk_token(key, f"http://127.0.0.1:{port}/issuers/uni")
    checks = verify_vc_jwt(token, ctx, web_scheme="http")
    assert binding(checks) is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def did_document(did: str, key: IssuerKey) -> str:
    method = {
        "id": f"{did}#key-1",
        "type": "JsonWebKey",
        "controller": did,
        "publicKeyJwk": key.public_jwk(),
    }
    return json.dumps({"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]})


@pytest.mark.parametrize(("listed", "expected"), [(True, "passed"), (False, "failed")])
def test_vc_jwt_header_jwk_of_did_web_issuer_checked_against_did_document(
    listed: bool, expected: str, http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("EdDSA")
    did = "did:web:" + http_server.host.replace(":", "%3A")
    http_server.serve("/.well-known/did.json", did_document(did, key if listed else new_key()))
    checks = verify_vc_jwt(header_jwk_token(key, did), ctx, web_scheme="http")
    assert binding(checks).value == expected


def test_sd_jwt_header_jwk_listed_in_issuer_profile_is_verified(
    http_server: LocalServer, ctx: VerificationContext
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/issuers/uni", json.dumps({"id": issuer, "publicKeyJwk": key.public_jwk()}))
    builder = SdJwtBuilder()
    claims = {**builder.conceal({"given_name": "Anna"}, "given_name"), "iss": issuer}
    token = issue_sd_jwt(
        claims, builder.disclosures, key, header={"typ": "example+sd-jwt", "jwk": key.public_jwk()}
    )
    checks = verify_sd_jwt(token, ctx, web_scheme="http")
    assert binding(checks) is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


@pytest.mark.parametrize("format_name", ["vc-jwt", "sd-jwt"])
def test_jws_naming_no_key_uses_the_only_key_of_a_did_issuer(
    format_name: str, ctx: VerificationContext
) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    if format_name == "vc-jwt":
        checks = verify_vc_jwt(sign_compact({"typ": "vc+jwt"}, credential(issuer), key), ctx)
    else:
        builder = SdJwtBuilder()
        claims = {**builder.conceal({"given_name": "Anna"}, "given_name"), "iss": issuer}
        token = issue_sd_jwt(claims, builder.disclosures, key, header={"typ": "example+sd-jwt"})
        checks = verify_sd_jwt(token, ctx)
    assert binding(checks) is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_jws_naming_no_key_with_other_did_key_fails_proof(ctx: VerificationContext) -> None:
    signer = new_key("EdDSA")
    token = sign_compact({"typ": "vc+jwt"}, credential(did_jwk(new_key("EdDSA"))), signer)
    assert {c.code: c.status for c in verify_vc_jwt(token, ctx)}["proof"] is CheckStatus.FAILED
