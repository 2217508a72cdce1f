"""SD-JWT VC: issuer signature, key sources, disclosures, presentations and key binding."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import (
    CertifiedKey,
    IssuerKey,
    SdJwtBuilder,
    b64url,
    did_jwk,
    digest,
    disclosure,
    issue_certificate,
    issue_sd_jwt,
    json_bytes,
    key_binding_jwt,
    make_ca,
    new_key,
    sign_compact,
)
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.sd_jwt import (
    DisclosureError,
    parse_sd_jwt,
    present_sd_jwt,
    reconstruct_claims,
    verify_sd_jwt,
)

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
ISSUER = "https://issuer.example.eu"
VCT = "urn:eu.europa.ec.eudi:learning:credential:1"
LEARNING_CLAIMS: dict[str, Any] = {
    "issuing_authority": "Uniwersytet Przykładowy",
    "issuing_country": "PL",
    "date_of_issuance": "2025-01-15",
    "family_name": "Kowalska",
    "given_name": "Anna",
    "achievement_title": "Data literacy for teachers",
    "achievement_description": "A 5 ECTS micro-credential.",
    "learning_outcomes": ["Clean a data set", "Explain a chart"],
    "assessment_grade": "Pass",
    "language_of_classes": "pl",
    "expected_study_time": "PT125H",
    "level_of_learning_experience": "Level6",
    "integration_stackability_options": "Yes",
}
CONCEALED = ("family_name", "given_name", "assessment_grade", "achievement_title")


@pytest.fixture
def ca() -> CertifiedKey:
    return make_ca(at=AT)


@pytest.fixture
def sealer(ca: CertifiedKey) -> CertifiedKey:
    return issue_certificate(ca, at=AT, alg="ES256", uris=(ISSUER,))


@pytest.fixture
def holder() -> IssuerKey:
    return new_key("ES256")


def context(fetcher: SafeFetcher, *anchors: CertifiedKey) -> VerificationContext:
    return VerificationContext(fetcher=fetcher, at=AT, trust_anchors=tuple(a.der for a in anchors))


def learning_credential(
    key: IssuerKey,
    *,
    header: dict[str, Any],
    iss: str | None = ISSUER,
    holder: IssuerKey | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    builder = SdJwtBuilder()
    claims = builder.conceal({**LEARNING_CLAIMS, "vct": VCT, **(extra or {})}, *CONCEALED)
    claims["learning_outcomes"] = [
        builder.conceal_item(o) for o in LEARNING_CLAIMS["learning_outcomes"]
    ]
    if iss is not None:
        claims["iss"] = iss
    if holder is not None:
        claims["cnf"] = {"jwk": holder.public_jwk()}
    claims["_sd_alg"] = "sha-256"
    return issue_sd_jwt(claims, builder.disclosures, key, header=header)


def x5c_credential(sealer: CertifiedKey, ca: CertifiedKey, **kwargs: Any) -> str:
    return learning_credential(sealer.key, header={"x5c": [sealer.x5c, ca.x5c]}, **kwargs)


def statuses(checks: list[Any]) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in checks}


def test_verify_sd_jwt_x5c_chain_to_anchor_is_verified(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    checks = verify_sd_jwt(x5c_credential(sealer, ca), context(fetcher, ca))
    assert statuses(checks) == {
        "format": CheckStatus.PASSED,
        "key_resolution": CheckStatus.PASSED,
        "proof": CheckStatus.PASSED,
        "issuer_binding": CheckStatus.PASSED,
        "trust": CheckStatus.PASSED,
        "disclosure": CheckStatus.PASSED,
        "key_binding": CheckStatus.SKIPPED,
    }
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_sd_jwt_certificate_for_other_issuer_fails_issuer_binding(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    token = x5c_credential(sealer, ca, iss="https://impostor.example.eu")
    assert statuses(verify_sd_jwt(token, context(fetcher, ca)))["issuer_binding"] is (
        CheckStatus.FAILED
    )


def test_verify_sd_jwt_tampered_payload_fails_proof(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    token = x5c_credential(sealer, ca)
    header, _payload, signature = token.split("~", 1)[0].split(".")
    claims = json.loads(parse_sd_jwt(token).issuer_jwt.payload)
    claims["issuing_country"] = "DE"
    forged = ".".join((header, b64url(json_bytes(claims)), signature))
    result = statuses(verify_sd_jwt(forged + "~" + token.split("~", 1)[1], context(fetcher, ca)))
    assert result["proof"] is CheckStatus.FAILED
    assert result["disclosure"] is CheckStatus.PASSED


def test_verify_sd_jwt_vc_typ_without_vct_fails_format(fetcher: SafeFetcher) -> None:
    key = new_key("EdDSA")
    builder = SdJwtBuilder()
    claims = {**builder.conceal({"given_name": "Anna"}, "given_name"), "iss": did_jwk(key)}
    token = issue_sd_jwt(claims, builder.disclosures, key, header={"typ": "dc+sd-jwt"})
    assert statuses(verify_sd_jwt(token, context(fetcher))) == {"format": CheckStatus.FAILED}


def test_verify_sd_jwt_kb_jwt_typ_as_issuer_jwt_fails_format(fetcher: SafeFetcher) -> None:
    key = new_key("EdDSA")
    token = learning_credential(key, header={"typ": "kb+jwt"}, iss=did_jwk(key))
    assert statuses(verify_sd_jwt(token, context(fetcher))) == {"format": CheckStatus.FAILED}


@pytest.mark.parametrize("typ", ["example+sd-jwt", "JWT", None])
def test_verify_sd_jwt_generic_typ_without_vct_is_verified(
    typ: str | None, fetcher: SafeFetcher
) -> None:
    key = new_key("EdDSA")
    builder = SdJwtBuilder()
    claims = {**builder.conceal({"given_name": "Anna", "sub": "u1"}, "given_name")}
    claims["iss"] = did_jwk(key)
    header = {"kid": did_jwk(key) + "#0", "typ": typ}
    token = sign_compact({k: v for k, v in header.items() if v is not None}, claims, key)
    token += "~" + "".join(d + "~" for d in builder.disclosures)
    checks = verify_sd_jwt(token, context(fetcher))
    assert statuses(checks)["format"] is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_sd_jwt_did_jwk_issuer_passes(fetcher: SafeFetcher) -> None:
    key = new_key("EdDSA")
    did = did_jwk(key)
    token = learning_credential(key, header={"kid": did + "#0"}, iss=did)
    checks = verify_sd_jwt(token, context(fetcher))
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert statuses(checks)["issuer_binding"] is CheckStatus.PASSED


def serve_metadata(server: LocalServer, issuer: str, key: IssuerKey, *, named: str) -> None:
    path = "/.well-known/jwt-vc-issuer" + issuer.removeprefix(server.base_url)
    jwks = {"keys": [key.public_jwk(kid="k1")]}
    server.serve(path, json.dumps({"issuer": named, "jwks": jwks}))


def test_verify_sd_jwt_issuer_metadata_key_passes(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/tenants/uni")
    serve_metadata(http_server, issuer, key, named=issuer)
    token = learning_credential(key, header={"kid": "k1"}, iss=issuer)
    checks = verify_sd_jwt(token, context(fetcher))
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/jwt-vc-issuer/tenants/uni"]


def test_verify_sd_jwt_metadata_of_other_issuer_fails_key_resolution(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/tenants/uni")
    serve_metadata(http_server, issuer, key, named=http_server.url("/tenants/other"))
    token = learning_credential(key, header={"kid": "k1"}, iss=issuer)
    checks = verify_sd_jwt(token, context(fetcher))
    assert statuses(checks)["key_resolution"] is CheckStatus.FAILED


def test_verify_sd_jwt_metadata_missing_is_unverifiable(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    token = learning_credential(new_key("ES256"), header={}, iss=http_server.url("/gone"))
    checks = verify_sd_jwt(token, context(fetcher))
    assert statuses(checks)["key_resolution"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_verify_sd_jwt_unreferenced_disclosure_fails_disclosure(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    token = x5c_credential(sealer, ca) + disclosure("Gdańsk", "place_of_birth") + "~"
    assert statuses(verify_sd_jwt(token, context(fetcher, ca)))["disclosure"] is (
        CheckStatus.FAILED
    )


def test_verify_sd_jwt_unknown_digest_algorithm_fails_disclosure(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    builder = SdJwtBuilder()
    claims = builder.conceal({"vct": VCT, "iss": ISSUER, "given_name": "Anna"}, "given_name")
    claims["_sd_alg"] = "md5"
    token = issue_sd_jwt(claims, builder.disclosures, sealer.key, header={"x5c": [sealer.x5c]})
    assert statuses(verify_sd_jwt(token, context(fetcher, ca)))["disclosure"] is (
        CheckStatus.FAILED
    )


def test_reconstruct_claims_restores_properties_and_array_elements(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    claims = reconstruct_claims(x5c_credential(sealer, ca))
    assert {k: claims[k] for k in LEARNING_CLAIMS} == LEARNING_CLAIMS
    assert "_sd" not in claims and "_sd_alg" not in claims


def test_reconstruct_claims_nested_disclosure_and_decoy_restores_value() -> None:
    builder = SdJwtBuilder()
    address = builder.conceal({"locality": "Kraków", "country": "PL"}, "locality")
    address["_sd"].append(digest(disclosure("decoy", "decoy")))
    claims = builder.conceal({"vct": VCT, "address": address}, "address")
    token = issue_sd_jwt(claims, builder.disclosures, new_key())
    assert reconstruct_claims(token)["address"] == {"locality": "Kraków", "country": "PL"}


def signed(claims: dict[str, Any], disclosures: list[str]) -> str:
    return issue_sd_jwt(claims, disclosures, new_key())


def test_reconstruct_claims_same_disclosure_twice_raises() -> None:
    one = disclosure("Anna", "given_name")
    with pytest.raises(DisclosureError):
        reconstruct_claims(signed({"vct": VCT, "_sd": [digest(one)]}, [one, one]))


def test_reconstruct_claims_digest_listed_twice_raises() -> None:
    one = disclosure("Anna", "given_name")
    with pytest.raises(DisclosureError):
        reconstruct_claims(signed({"vct": VCT, "_sd": [digest(one), digest(one)]}, [one]))


def test_reconstruct_claims_disclosed_name_already_present_raises() -> None:
    one = disclosure("Anna", "given_name")
    claims = {"vct": VCT, "given_name": "Ewa", "_sd": [digest(one)]}
    with pytest.raises(DisclosureError):
        reconstruct_claims(signed(claims, [one]))


def test_reconstruct_claims_element_disclosure_in_sd_raises() -> None:
    element = disclosure("Clean a data set")
    with pytest.raises(DisclosureError):
        reconstruct_claims(signed({"vct": VCT, "_sd": [digest(element)]}, [element]))


def test_reconstruct_claims_property_disclosure_in_array_raises() -> None:
    prop = disclosure("Clean a data set", "outcome")
    claims = {"vct": VCT, "learning_outcomes": [{"...": digest(prop)}]}
    with pytest.raises(DisclosureError):
        reconstruct_claims(signed(claims, [prop]))


def test_present_sd_jwt_chosen_claims_reveals_only_them(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    token = x5c_credential(sealer, ca)
    shown = present_sd_jwt(token, [("achievement_title",), ("learning_outcomes", 1)])
    claims = reconstruct_claims(shown)
    assert claims["achievement_title"] == LEARNING_CLAIMS["achievement_title"]
    assert claims["learning_outcomes"] == ["Explain a chart"]
    assert "family_name" not in claims and "assessment_grade" not in claims
    assert Report.of(verify_sd_jwt(shown, context(fetcher, ca))).verdict is Verdict.VERIFIED


def test_present_sd_jwt_nested_claim_keeps_parent_disclosure() -> None:
    builder = SdJwtBuilder()
    address = builder.conceal({"locality": "Kraków", "street": "Długa 1"}, "locality", "street")
    claims = builder.conceal({"vct": VCT, "address": address, "given_name": "Anna"}, "address")
    claims = builder.conceal(claims, "given_name")
    token = issue_sd_jwt(claims, builder.disclosures, new_key())
    shown = reconstruct_claims(present_sd_jwt(token, [("address", "locality")]))
    assert shown["address"] == {"locality": "Kraków"}
    assert "given_name" not in shown


def with_key_binding(token: str, holder: IssuerKey, **overrides: Any) -> str:
    fields: dict[str, Any] = {"aud": "https://verifier.example", "nonce": "n-1", "iat": 1}
    return token + key_binding_jwt(token, holder, **{**fields, **overrides})


def key_binding_status(fetcher: SafeFetcher, ca: CertifiedKey, token: str) -> CheckStatus:
    checks = verify_sd_jwt(
        token, context(fetcher, ca), audience="https://verifier.example", nonce="n-1"
    )
    return statuses(checks)["key_binding"]


def test_key_binding_valid_kb_jwt_passes(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey, holder: IssuerKey
) -> None:
    token = x5c_credential(sealer, ca, holder=holder)
    assert key_binding_status(fetcher, ca, with_key_binding(token, holder)) is CheckStatus.PASSED


def test_key_binding_other_holder_key_fails(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey, holder: IssuerKey
) -> None:
    token = x5c_credential(sealer, ca, holder=holder)
    forged = with_key_binding(token, new_key("ES256"))
    assert key_binding_status(fetcher, ca, forged) is CheckStatus.FAILED


def test_key_binding_hash_of_other_presentation_fails(
    fetcher: SafeFetcher, ca: CertifiedKey, sealer: CertifiedKey, holder: IssuerKey
) -> None:
    token = x5c_credential(sealer, ca, holder=holder)
    bound = with_key_binding(token, holder, sd_hash=b64url(b"\0" * 32))
    assert key_binding_status(fetcher, ca, bound) is CheckStatus.FAILED


@pytest.mark.parametrize(
    "overrides",
    [
        {"nonce": "replayed"},
        {"typ": "JWT"},
        {"aud": "https://other-verifier.example"},
        {"iat": None},
        {"iat": "1"},
    ],
    ids=["nonce", "typ", "aud", "no-iat", "text-iat"],
)
def test_key_binding_wrong_field_fails(
    overrides: dict[str, Any],
    fetcher: SafeFetcher,
    ca: CertifiedKey,
    sealer: CertifiedKey,
    holder: IssuerKey,
) -> None:
    token = x5c_credential(sealer, ca, holder=holder)
    bound = with_key_binding(token, holder, **overrides)
    assert key_binding_status(fetcher, ca, bound) is CheckStatus.FAILED
