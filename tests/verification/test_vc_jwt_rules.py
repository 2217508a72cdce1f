"""VC-JWT, rule by rule: what each outcome says, and every reason a token or a key is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import did_jwk, issue_certificate, make_ca, new_key, sign_compact
from tests.support.mapped_fetcher import MappedFetcher
from tests.verification.test_sd_jwt_rules import UncappedFetcher, did_web_issuer, padded
from tests.verification.test_vc_jwt import AT, SUBJECT, ob3_credential, v11_claims
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.jose import MAX_KEY_DOCUMENT_BYTES
from wallet.verification.report import Check, CheckStatus, Message, Report, Verdict
from wallet.verification.vc_jwt import VCDM2_TYPES, decode_vc_jwt, read_vc_jwt, verify_vc_jwt

BOUND = Message("The signing key belongs to the issuer.", "Klucz podpisu należy do wystawcy.")


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


# --- did:web keys and the web scheme -------------------------------------------------------


def test_did_web_key_is_read_over_the_scheme_given(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key()
    did = did_web_issuer(http_server, key)
    token = sign_compact({"typ": "vc+jwt", "kid": did + "#key-1"}, ob3_credential(did), key)
    checks = verify_vc_jwt(token, ctx, web_scheme="http")
    assert {c.code: c.detail for c in checks}["key_resolution"] == did
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/did.json"]


def test_did_web_key_is_read_over_https_by_default(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key()
    did = did_web_issuer(http_server, key)
    token = sign_compact({"typ": "vc+jwt", "kid": did + "#key-1"}, ob3_credential(did), key)
    check = {c.code: c for c in verify_vc_jwt(token, ctx)}["key_resolution"]
    assert check.status is CheckStatus.SKIPPED
    assert check.detail is not None
    assert check.detail.startswith(f"fetching https://{http_server.host}/.well-known/did.json")


# --- which header member names the key ----------------------------------------------------


@pytest.mark.parametrize("kid", [None, "key-0"])
@pytest.mark.parametrize("kind", ["jwk", "x5c"])
def test_a_key_in_the_header_is_used_before_the_issuer_profile(
    ctx: VerificationContext, http_server: LocalServer, kind: str, kid: str | None
) -> None:
    """The issuer serves no profile: looking the key up there would fail it."""
    issuer = http_server.url("/issuers/uni")
    header: dict[str, Any]
    if kind == "x5c":
        sealer = issue_certificate(make_ca(at=AT), at=AT, alg="ES256", uris=(issuer,))
        header, key = {"x5c": [sealer.x5c]}, sealer.key
    else:
        key = new_key("ES256")
        header = {"jwk": key.public_jwk()}
    if kid is not None:
        header["kid"] = kid
    checks = by_code(sign_compact(header, ob3_credential(issuer), key), ctx)
    assert (checks["key_resolution"].status, checks["key_resolution"].detail) == (
        CheckStatus.PASSED,
        kind,
    )
    assert checks["proof"].status is CheckStatus.PASSED


@pytest.mark.parametrize(
    ("kid", "detail"),
    [
        ("", "the signature names no key (no kid, jwk or x5c)"),
        ("#key-0", "the key id is neither a DID URL nor a web address"),
    ],
)
def test_an_empty_or_fragment_kid_of_a_web_issuer_names_no_profile_key(
    ctx: VerificationContext, http_server: LocalServer, kid: str, detail: str
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    http_server.serve("/issuers/uni", json.dumps({"id": issuer, "publicKeyJwk": key.public_jwk()}))
    check = by_code(sign_compact({"kid": kid}, ob3_credential(issuer), key), ctx)["key_resolution"]
    assert (check.status, check.detail) == (CheckStatus.FAILED, detail)


def test_an_https_kid_is_fetched_not_looked_up_in_the_issuer_profile(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key, other = new_key("ES256"), new_key("ES256")
    base = http_server.base_url
    origins = {"https://keys.example": base, "https://uni.example": base}
    issuer = "https://uni.example/issuers/uni"
    profile = {"id": issuer, "publicKeyJwk": other.public_jwk()}
    http_server.serve("/issuers/uni", json.dumps(profile))
    http_server.serve("/keys/1", json.dumps(key.public_jwk()))
    kid = "https://keys.example/keys/1"
    ctx = VerificationContext(fetcher=MappedFetcher(origins, fetcher), at=AT)
    token = sign_compact({"kid": kid}, ob3_credential(issuer), key)
    checks = {c.code: c for c in verify_vc_jwt(token, ctx)}
    assert (checks["key_resolution"].status, checks["key_resolution"].detail) == (
        CheckStatus.PASSED,
        kid,
    )
    assert checks["proof"].status is CheckStatus.PASSED
    assert http_server.requests == ["/keys/1"]


# --- the key of an issuer profile ---------------------------------------------------------


def test_a_profile_key_of_another_kid_is_passed_over_for_the_key_set(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key, other = new_key("ES256"), new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    profile = {
        "id": issuer,
        "publicKeyJwk": other.public_jwk(kid="old"),
        "jwks": {"keys": [key.public_jwk(kid="key-0")]},
    }
    http_server.serve("/issuers/uni", json.dumps(profile))
    token = sign_compact({"kid": "key-0"}, ob3_credential(issuer), key)
    assert Report.of(verify_vc_jwt(token, ctx, web_scheme="http")).verdict is Verdict.VERIFIED


def test_a_profile_key_of_the_kid_named_is_used(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    profile = {"id": issuer, "publicKeyJwk": key.public_jwk(kid="key-0")}
    http_server.serve("/issuers/uni", json.dumps(profile))
    for header in ({"kid": "key-0"}, {"typ": "vc+jwt"}):
        token = sign_compact(header, ob3_credential(issuer), key)
        assert Report.of(verify_vc_jwt(token, ctx, web_scheme="http")).verdict is Verdict.VERIFIED


@pytest.mark.parametrize("published", ["publicKeyJwk", "jwks"])
def test_a_profile_key_is_bound_to_its_issuer_without_looking_further(
    ctx: VerificationContext, http_server: LocalServer, published: str
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    jwk = key.public_jwk(kid="key-0")
    value = jwk if published == "publicKeyJwk" else {"keys": [jwk]}
    http_server.serve("/issuers/uni", json.dumps({"id": issuer, published: value}))
    checks = by_code(sign_compact({"kid": "key-0"}, ob3_credential(issuer), key), ctx)
    assert checks["key_resolution"].detail == issuer
    binding = checks["issuer_binding"]
    assert (binding.status, binding.message, binding.detail) == (CheckStatus.PASSED, BOUND, None)
    assert http_server.requests == ["/issuers/uni"]


def test_a_profile_over_the_cap_is_not_fetched_whole(
    ctx: VerificationContext, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    body = padded({"id": issuer, "publicKeyJwk": key.public_jwk()}, MAX_KEY_DOCUMENT_BYTES + 1)
    http_server.serve("/issuers/uni", body)
    check = by_code(sign_compact({}, ob3_credential(issuer), key), ctx)["key_resolution"]
    assert (check.status, check.detail) == (
        CheckStatus.SKIPPED,
        f"{issuer} is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; the limit is {MAX_KEY_DOCUMENT_BYTES}",
    )


def test_a_profile_over_the_cap_is_refused_even_by_a_fetcher_without_one(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    body = padded({"id": issuer, "publicKeyJwk": key.public_jwk()}, MAX_KEY_DOCUMENT_BYTES + 1)
    http_server.serve("/issuers/uni", body)
    ctx = VerificationContext(fetcher=UncappedFetcher(fetcher), at=AT)
    check = by_code(sign_compact({}, ob3_credential(issuer), key), ctx)["key_resolution"]
    assert (check.status, check.detail) == (
        CheckStatus.FAILED,
        f"the issuer profile is not JSON: JSON document is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; "
        f"the limit is {MAX_KEY_DOCUMENT_BYTES}",
    )


# --- reading the token --------------------------------------------------------------------


def test_jwt_claims_do_not_replace_ids_the_credential_states() -> None:
    claims = v11_claims("https://uni.example", jti="urn:uuid:jwt", sub="did:example:jwt")
    claims["vc"]["id"] = "urn:uuid:vc"
    claims["vc"]["credentialSubject"] = {"id": "did:example:vc"}
    credential = decode_vc_jwt(sign_compact({}, claims, new_key()))
    assert credential["id"] == "urn:uuid:vc"
    assert credential["credentialSubject"] == {"id": "did:example:vc"}


@pytest.mark.parametrize("typ", sorted(VCDM2_TYPES))
def test_the_typ_makes_a_payload_without_context_a_vcdm2_credential(typ: str) -> None:
    payload = {"type": ["VerifiableCredential"], "issuer": "https://uni.example"}
    decoded = read_vc_jwt(sign_compact({"typ": typ}, payload, new_key()))
    assert (decoded.version, decoded.credential) == ("2.0", payload)


@pytest.mark.parametrize("unusable", ["", 5])
def test_an_empty_or_non_string_issuer_id_leaves_iss_to_name_the_issuer(
    ctx: VerificationContext, unusable: object
) -> None:
    key = new_key()
    issuer = did_jwk(key)
    credential = ob3_credential(issuer, iss=issuer)
    credential["issuer"]["id"] = unusable
    checks = by_code(sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, credential, key), ctx)
    assert checks["issuer_binding"].status is CheckStatus.PASSED
    assert Report.of(list(checks.values())).verdict is Verdict.VERIFIED


@pytest.mark.parametrize("unusable", ["", 5])
def test_an_empty_or_non_string_iss_is_not_compared_with_the_issuer(
    ctx: VerificationContext, unusable: object
) -> None:
    key = new_key()
    issuer = did_jwk(key)
    token = sign_compact(
        {"typ": "vc+jwt", "kid": issuer + "#0"}, ob3_credential(issuer, iss=unusable), key
    )
    assert by_code(token, ctx)["issuer_binding"].status is CheckStatus.PASSED


# --- the 1.1 claims against the credential ------------------------------------------------


def schema_of(vc_changes: dict[str, Any], ctx: VerificationContext) -> Check:
    key = new_key()
    issuer = did_jwk(key)
    claims = v11_claims(issuer)
    claims["vc"] = {**claims["vc"], **vc_changes}
    return by_code(sign_compact({"kid": issuer + "#0"}, claims, key), ctx)["schema"]


def test_schema_of_subjects_given_as_a_list_compares_no_subject_id(
    ctx: VerificationContext,
) -> None:
    subjects = [{"id": "did:example:other"}, {"id": SUBJECT}]
    assert schema_of({"credentialSubject": subjects}, ctx).status is CheckStatus.PASSED


@pytest.mark.parametrize(
    "issued",
    [
        "2025-01-01T12:00:00Z",
        "2025-01-01T13:00:00+01:00",
        # Without an offset a date is taken as UTC.
        "2025-01-01T12:00:00",
    ],
)
def test_schema_compares_dates_as_instants(ctx: VerificationContext, issued: str) -> None:
    # The JWT's nbf is 2025-01-01T12:00:00Z.
    assert schema_of({"issuanceDate": issued}, ctx).status is CheckStatus.PASSED


def test_schema_reads_a_date_with_z_and_no_time_as_midnight_utc(ctx: VerificationContext) -> None:
    # Only replacing the Z makes this readable: fromisoformat refuses "2025-01-01Z" itself.
    check = schema_of({"issuanceDate": "2025-01-01Z"}, ctx)  # nbf is 12:00 that day
    assert (check.status, check.detail) == (CheckStatus.FAILED, "nbf differs from issuanceDate")
