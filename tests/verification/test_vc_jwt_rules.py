"""VC-JWT, rule by rule: what each outcome says, and every reason a token or a key is refused."""

from __future__ import annotations

import json

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import did_jwk, new_key, sign_compact
from tests.verification.test_vc_jwt import AT, ob3_credential, v11_claims
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.jose import MAX_KEY_DOCUMENT_BYTES
from wallet.verification.report import Check, CheckStatus, Message
from wallet.verification.vc_jwt import verify_vc_jwt


@pytest.fixture
def ctx(fetcher: SafeFetcher) -> VerificationContext:
    return VerificationContext(fetcher=fetcher, at=AT)


def by_code(token: str, ctx: VerificationContext) -> dict[str, Check]:
    return {c.code: c for c in verify_vc_jwt(token, ctx, web_scheme="http")}


def test_format_of_a_readable_token_names_its_data_model(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    v2 = sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, ob3_credential(issuer), key)
    v11 = sign_compact({"typ": "JWT", "kid": issuer + "#0"}, v11_claims(issuer), key)
    assert by_code(v2, ctx)["format"].message == Message(
        "This is a JWT-secured credential (data model 2.0).",
        "To poświadczenie zabezpieczone JWT (model danych 2.0).",
    )
    assert by_code(v11, ctx)["format"].message.en == (
        "This is a JWT-secured credential (data model 1.1)."
    )


def test_format_of_a_token_without_credential_says_so(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    token = sign_compact({"typ": "JWT"}, {"iss": did_jwk(key), "sub": "x"}, key)
    check = by_code(token, ctx)["format"]
    assert check.status is CheckStatus.FAILED
    assert check.message == Message(
        "This is not a readable JWT-secured credential.",
        "To nie jest czytelne poświadczenie zabezpieczone JWT.",
    )
    assert check.detail == "the JWT carries no verifiable credential"


@pytest.mark.parametrize(
    ("nbf", "detail"),
    [("2025-01-01", "a JWT date is not a number"), (10**20, "a JWT date is out of range")],
)
def test_format_names_a_bad_jwt_date(ctx: VerificationContext, nbf: object, detail: str) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    token = sign_compact({"kid": issuer + "#0"}, v11_claims(issuer, nbf=nbf), key)
    check = by_code(token, ctx)["format"]
    assert (check.status, check.detail) == (CheckStatus.FAILED, detail)


def test_schema_names_every_claim_that_disagrees(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = v11_claims(issuer, exp=1_767_268_800)
    claims["vc"] = {
        **claims["vc"],
        "id": "urn:uuid:other",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "expirationDate": "2027-01-01T00:00:00",
        "credentialSubject": {"id": "did:example:other"},
    }
    check = by_code(sign_compact({"kid": issuer + "#0"}, claims, key), ctx)["schema"]
    assert check.status is CheckStatus.FAILED
    assert check.message == Message(
        "The signed JWT and the credential inside it disagree.",
        "Podpisany JWT i zawarte w nim poświadczenie są ze sobą sprzeczne.",
    )
    assert check.detail == (
        "jti differs from the credential id; sub differs from credentialSubject.id; "
        "nbf differs from issuanceDate; exp differs from expirationDate"
    )


def test_schema_of_agreeing_claims_says_so(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = v11_claims(issuer)
    claims["vc"] = {**claims["vc"], "issuanceDate": "2025-01-01T12:00:00Z", "id": "urn:uuid:1"}
    check = by_code(sign_compact({"kid": issuer + "#0"}, claims, key), ctx)["schema"]
    assert check.status is CheckStatus.PASSED
    assert check.message == Message(
        "The signed JWT and the credential inside it agree.",
        "Podpisany JWT i zawarte w nim poświadczenie są zgodne.",
    )


def test_issuer_binding_names_both_issuers_when_they_differ(ctx: VerificationContext) -> None:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = {**ob3_credential(issuer), "iss": "did:example:other"}
    check = by_code(sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, claims, key), ctx)[
        "issuer_binding"
    ]
    assert check.status is CheckStatus.FAILED
    assert check.message == Message(
        "The JWT names a different issuer than the credential.",
        "JWT wskazuje innego wystawcę niż poświadczenie.",
    )
    assert check.detail == f"iss did:example:other, issuer {issuer}"


def test_issuer_profile_is_asked_for_as_json_within_the_key_cap(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    profile = json.dumps({"id": issuer, "publicKeyJwk": key.public_jwk()})
    http_server.serve("/issuers/uni", profile + " " * (MAX_KEY_DOCUMENT_BYTES - len(profile)))
    token = sign_compact({"typ": "vc+jwt"}, ob3_credential(issuer), key)
    assert by_code(token, ctx)["proof"].status is CheckStatus.PASSED
    assert http_server.request_headers[-1]["Accept"] == "application/json"
    http_server.serve("/issuers/uni", profile + " " * (MAX_KEY_DOCUMENT_BYTES - len(profile) + 1))
    assert by_code(token, ctx)["key_resolution"].status is not CheckStatus.PASSED


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ("{}", 404, "the issuer profile answered HTTP 404"),
        ("{}", 200, "the issuer profile publishes no key"),
    ],
)
def test_key_resolution_names_why_a_profile_gives_no_key(
    ctx: VerificationContext, http_server: LocalServer, body: str, status: int, detail: str
) -> None:
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/issuers/uni", body, status=status)
    token = sign_compact({"typ": "vc+jwt"}, ob3_credential(issuer), new_key("ES256"))
    assert by_code(token, ctx)["key_resolution"].detail == detail


def test_key_resolution_of_a_profile_that_is_not_json_says_why(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/issuers/uni", "[1]")
    token = sign_compact({"typ": "vc+jwt"}, ob3_credential(issuer), new_key("ES256"))
    detail = by_code(token, ctx)["key_resolution"].detail
    assert detail is not None and detail.startswith("the issuer profile is not JSON: ")


def test_key_resolution_without_key_or_web_profile_says_so(ctx: VerificationContext) -> None:
    token = sign_compact({"typ": "vc+jwt"}, ob3_credential("urn:example:issuer"), new_key())
    check = by_code(token, ctx)["key_resolution"]
    assert check.detail == "the signature names no key and the issuer has no web profile"
