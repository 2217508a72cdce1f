"""Signed Open Badges 2.0, rule by rule: each check's status, words and detail.

The issuer's Profile, BadgeClass, key document and revocation list come from a real server on
127.0.0.1, which records the paths it was asked for. The assertion follows the shape of 1EdTech's
published OB 2.0 signed example (``verification`` of type ``SignedBadge`` naming a ``creator``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import (
    LoopbackFetcher,
    Ob2Issuer,
    b64url,
    make_issuer,
    public_pem,
    sign_jws,
)
from wallet.verification.context import VerificationContext
from wallet.verification.ob2_signed import verify_signed
from wallet.verification.report import Check, CheckStatus, Message

AT = datetime(2025, 1, 1, tzinfo=UTC)

PROOF_PASSED = Message("The issuer's signature is valid.", "Podpis wystawcy jest prawidłowy.")
PROOF_FAILED = Message(
    "The signature does not match: the badge was changed or signed by someone else.",
    "Podpis się nie zgadza: odznakę zmieniono albo podpisał ją ktoś inny.",
)
PROOF_SKIPPED = Message(
    "The badge's signature is missing, so it cannot be checked.",
    "Brak podpisu odznaki, więc nie można jej sprawdzić.",
)
KEY_FOUND = Message("The issuer's public key was found.", "Znaleziono klucz publiczny wystawcy.")
KEY_UNUSABLE = Message(
    "The issuer's public key cannot be used to check the signature.",
    "Klucza publicznego wystawcy nie można użyć do sprawdzenia podpisu.",
)
BOUND = Message(
    "The signing key belongs to the badge's issuer.",
    "Klucz, którym podpisano odznakę, należy do jej wystawcy.",
)
NOT_BOUND = Message(
    "The signing key does not belong to the badge's issuer.",
    "Klucz, którym podpisano odznakę, nie należy do jej wystawcy.",
)
NOT_REVOKED = Message(
    "The issuer has not revoked this badge.", "Wystawca nie unieważnił tej odznaki."
)
REVOKED = Message("The issuer has revoked this badge.", "Wystawca unieważnił tę odznakę.")
NO_LIST = Message(
    "The issuer publishes no revocation list for its signed badges.",
    "Wystawca nie publikuje listy unieważnionych odznak podpisanych.",
)
UNREACHABLE = Message(
    "The issuer's published data could not be retrieved, so this could not be checked.",
    "Nie udało się pobrać danych opublikowanych przez wystawcę, więc nie można tego sprawdzić.",
)


@pytest.fixture
def issuer(http_server: LocalServer) -> Ob2Issuer:
    return make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))


def _ctx() -> VerificationContext:
    return VerificationContext(
        fetcher=LoopbackFetcher(), at=AT, recipients=frozenset({"alice@example.org"})
    )


def _checks(token: str | None) -> tuple[list[Check], dict[str, Any] | None]:
    return verify_signed(token, _ctx())


def _find(checks: list[Check], code: str) -> Check:
    [found] = [c for c in checks if c.code == code]
    return found


def _signed(issuer: Ob2Issuer, **overrides: Any) -> str:
    return sign_jws(issuer.signed_assertion(**overrides), issuer.key)


def _second_key(issuer: Ob2Issuer, path: str = "/keys/2") -> tuple[str, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    url = issuer.server.url(path)
    document = issuer.key_document | {"id": url, "publicKeyPem": public_pem(key)}
    issuer.server.serve(path, json.dumps(document))
    return url, key


def test_json_without_a_signature_skips_the_proof() -> None:
    checks, assertion = _checks(None)
    assert checks == [
        Check(
            "proof",
            CheckStatus.SKIPPED,
            PROOF_SKIPPED,
            detail="only the JSON was imported, not the signature",
        )
    ]
    assert assertion is None


def test_a_malformed_jws_fails_the_proof_with_the_reason() -> None:
    checks, assertion = _checks("not-a-jws")
    assert checks == [
        Check(
            "proof",
            CheckStatus.FAILED,
            PROOF_FAILED,
            detail="a compact JWS has three parts: header.payload.signature",
        )
    ]
    assert assertion is None


def test_a_valid_signature_passes_every_check_with_its_detail(issuer: Ob2Issuer) -> None:
    checks, assertion = _checks(_signed(issuer))
    assert assertion == issuer.signed_assertion()
    assert [c.code for c in checks] == [
        "schema",
        "key_resolution",
        "issuer_binding",
        "proof",
        "revocation",
    ]
    assert checks[1:] == [
        Check("key_resolution", CheckStatus.PASSED, KEY_FOUND, detail=issuer.key_url),
        Check("issuer_binding", CheckStatus.PASSED, BOUND),
        Check("proof", CheckStatus.PASSED, PROOF_PASSED, detail="ES256"),
        Check("revocation", CheckStatus.PASSED, NOT_REVOKED, detail=issuer.revocation_url),
    ]
    assert checks[0].status is CheckStatus.PASSED


def test_an_rsa_signature_names_its_algorithm(http_server: LocalServer) -> None:
    issuer = make_issuer(
        http_server, rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "proof") == Check(
        "proof", CheckStatus.PASSED, PROOF_PASSED, detail="RS256"
    )


def test_a_changed_payload_fails_the_proof(issuer: Ob2Issuer) -> None:
    header, _, signature = _signed(issuer).split(".")
    changed = issuer.signed_assertion(issuedOn="2020-01-01T00:00:00+00:00")
    token = f"{header}.{b64url(json.dumps(changed).encode())}.{signature}"
    checks, _ = _checks(token)
    assert _find(checks, "proof") == Check(
        "proof", CheckStatus.FAILED, PROOF_FAILED, detail="ES256"
    )


def test_an_unreachable_badge_class_leaves_four_checks_unrun(issuer: Ob2Issuer) -> None:
    missing = issuer.server.url("/badges/missing")
    checks, assertion = _checks(_signed(issuer, badge=missing))
    assert checks == [
        Check(code, CheckStatus.SKIPPED, UNREACHABLE, detail=f"{missing}: HTTP 404")
        for code in ("schema", "key_resolution", "proof", "revocation")
    ]
    assert assertion is not None
    assert assertion["badge"] == missing


def test_without_creator_every_listed_key_is_tried_in_order(issuer: Ob2Issuer) -> None:
    second, second_key = _second_key(issuer, "/keys/0")
    issuer.profile["publicKey"] = [issuer.key_url, second]
    issuer.publish()
    assertion = issuer.signed_assertion(verification={"type": "SignedBadge"})
    checks, _ = _checks(sign_jws(assertion, second_key))
    assert _find(checks, "key_resolution").detail == f"{second}, {issuer.key_url}"
    assert _find(checks, "issuer_binding").status is CheckStatus.PASSED
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_the_legacy_verify_property_names_the_creator(issuer: Ob2Issuer) -> None:
    second, _ = _second_key(issuer)
    issuer.profile["publicKey"] = [issuer.key_url, second]
    issuer.publish()
    assertion = issuer.signed_assertion()
    assertion["verify"] = assertion.pop("verification")
    checks, _ = _checks(sign_jws(assertion, issuer.key))
    assert _find(checks, "key_resolution").detail == issuer.key_url
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_verification_wins_over_verify(issuer: Ob2Issuer) -> None:
    second, _ = _second_key(issuer)
    issuer.profile["publicKey"] = [issuer.key_url, second]
    issuer.publish()
    assertion = issuer.signed_assertion(verify={"type": "SignedBadge", "creator": second})
    checks, _ = _checks(sign_jws(assertion, issuer.key))
    assert _find(checks, "key_resolution").detail == issuer.key_url


def test_a_creator_that_is_not_a_string_falls_back_to_the_listed_keys(issuer: Ob2Issuer) -> None:
    assertion = issuer.signed_assertion(verification={"type": "SignedBadge", "creator": 7})
    checks, _ = _checks(sign_jws(assertion, issuer.key))
    assert _find(checks, "key_resolution").detail == issuer.key_url
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_a_verification_that_is_not_an_object_falls_back_to_the_listed_keys(
    issuer: Ob2Issuer,
) -> None:
    checks, _ = _checks(_signed(issuer, verification="SignedBadge"))
    assert _find(checks, "key_resolution").detail == issuer.key_url


def test_a_profile_without_keys_and_no_creator_fails_key_resolution(issuer: Ob2Issuer) -> None:
    del issuer.profile["publicKey"]
    issuer.publish()
    checks, _ = _checks(_signed(issuer, verification={"type": "SignedBadge"}))
    assert _find(checks, "key_resolution") == Check(
        "key_resolution",
        CheckStatus.FAILED,
        KEY_UNUSABLE,
        detail="the issuer profile lists no publicKey",
    )
    assert [c.code for c in checks][-2:] == ["key_resolution", "revocation"]


def test_an_embedded_key_is_used_without_fetching_it(issuer: Ob2Issuer) -> None:
    issuer.profile["publicKey"] = [issuer.key_document]
    issuer.publish()
    issuer.server.routes.pop("/keys/1")
    checks, _ = _checks(_signed(issuer))
    assert "/keys/1" not in issuer.server.requests
    assert _find(checks, "key_resolution").status is CheckStatus.PASSED
    assert _find(checks, "issuer_binding").status is CheckStatus.PASSED
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_an_embedded_key_without_pem_is_fetched(issuer: Ob2Issuer) -> None:
    issuer.profile["publicKey"] = [{"id": issuer.key_url, "owner": issuer.issuer_url}]
    issuer.publish()
    checks, _ = _checks(_signed(issuer))
    assert "/keys/1" in issuer.server.requests
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_an_embedded_key_of_another_id_is_not_used(issuer: Ob2Issuer) -> None:
    issuer.profile["publicKey"] = [
        issuer.key_document | {"id": issuer.server.url("/keys/9")},
        issuer.key_url,
    ]
    issuer.publish()
    issuer.key_document["publicKeyPem"] = public_pem(ec.generate_private_key(ec.SECP256R1()))
    issuer.publish()
    checks, _ = _checks(_signed(issuer))
    assert "/keys/1" in issuer.server.requests
    assert _find(checks, "proof").status is CheckStatus.FAILED


def test_an_embedded_key_alone_is_used(issuer: Ob2Issuer) -> None:
    issuer.profile["publicKey"] = issuer.key_document
    issuer.publish()
    issuer.server.routes.pop("/keys/1")
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "key_resolution").detail == issuer.key_url
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_an_unreachable_key_leaves_key_resolution_unrun(issuer: Ob2Issuer) -> None:
    issuer.server.routes.pop("/keys/1")
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "key_resolution") == Check(
        "key_resolution", CheckStatus.SKIPPED, UNREACHABLE, detail=f"{issuer.key_url}: HTTP 404"
    )
    assert [c.code for c in checks][-2:] == ["key_resolution", "revocation"]


def test_a_key_that_is_not_json_names_the_reason(issuer: Ob2Issuer) -> None:
    issuer.server.serve("/keys/1", "not json")
    checks, _ = _checks(_signed(issuer))
    check = _find(checks, "key_resolution")
    assert check.status is CheckStatus.SKIPPED
    assert check.detail is not None
    assert check.detail.startswith(f"{issuer.key_url}: ")
    assert check.detail != f"{issuer.key_url}: no document"


def _ed25519_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    "pem",
    [None, 42, "not a pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "ed"],
    ids=["missing", "number", "text", "broken", "ed25519"],
)
def test_a_key_without_a_usable_rsa_or_ec_key_fails(issuer: Ob2Issuer, pem: Any) -> None:
    if pem is None:
        del issuer.key_document["publicKeyPem"]
    else:
        issuer.key_document["publicKeyPem"] = _ed25519_pem() if pem == "ed" else pem
    issuer.publish()
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "key_resolution") == Check(
        "key_resolution",
        CheckStatus.FAILED,
        KEY_UNUSABLE,
        detail=f"{issuer.key_url} holds no usable RSA or EC public key",
    )


def test_a_key_owned_by_someone_else_fails_the_binding(issuer: Ob2Issuer) -> None:
    someone = issuer.server.url("/someone-else")
    issuer.key_document["owner"] = someone
    issuer.publish()
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "issuer_binding") == Check(
        "issuer_binding",
        CheckStatus.FAILED,
        NOT_BOUND,
        detail=f"{issuer.key_url} is owned by {someone}",
    )
    assert _find(checks, "proof").status is CheckStatus.PASSED


@pytest.mark.parametrize("owner", [None, 5], ids=["missing", "number"])
def test_a_key_without_a_string_owner_fails_the_binding(issuer: Ob2Issuer, owner: Any) -> None:
    if owner is None:
        del issuer.key_document["owner"]
    else:
        issuer.key_document["owner"] = owner
    issuer.publish()
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "issuer_binding").detail == f"{issuer.key_url} is owned by None"


def test_an_unlisted_key_of_another_owner_names_both_problems(issuer: Ob2Issuer) -> None:
    second, second_key = _second_key(issuer)
    someone = issuer.server.url("/someone-else")
    issuer.server.serve(
        "/keys/2",
        json.dumps(
            issuer.key_document
            | {"id": second, "owner": someone, "publicKeyPem": public_pem(second_key)}
        ),
    )
    assertion = issuer.signed_assertion(verification={"type": "SignedBadge", "creator": second})
    checks, _ = _checks(sign_jws(assertion, second_key))
    assert _find(checks, "issuer_binding") == Check(
        "issuer_binding",
        CheckStatus.FAILED,
        NOT_BOUND,
        detail=(
            f"{second} is not listed in the issuer's publicKey; {second} is owned by {someone}"
        ),
    )


def test_a_key_listed_among_others_is_bound(issuer: Ob2Issuer) -> None:
    second, second_key = _second_key(issuer)
    issuer.profile["publicKey"] = [{"id": issuer.key_url}, second]
    issuer.publish()
    checks, _ = _checks(
        sign_jws(
            issuer.signed_assertion(verification={"type": "SignedBadge", "creator": second}),
            second_key,
        )
    )
    assert _find(checks, "issuer_binding").status is CheckStatus.PASSED
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "issuer_binding").status is CheckStatus.PASSED


def test_a_key_id_that_is_not_a_string_is_not_listed(issuer: Ob2Issuer) -> None:
    issuer.profile["publicKey"] = [{"id": 3}, {"id": issuer.key_url}]
    issuer.publish()
    checks, _ = _checks(_signed(issuer, verification={"type": "SignedBadge"}))
    assert _find(checks, "key_resolution").detail == issuer.key_url


def test_an_assertion_marked_revoked_is_revoked_without_the_list(issuer: Ob2Issuer) -> None:
    checks, _ = _checks(_signed(issuer, revoked=True))
    assert _find(checks, "revocation") == Check(
        "revocation", CheckStatus.FAILED, REVOKED, detail="revoked: true"
    )
    assert "/revocations" not in issuer.server.requests


@pytest.mark.parametrize("value", [False, "true", 1], ids=["false", "string", "one"])
def test_only_revoked_true_revokes(issuer: Ob2Issuer, value: Any) -> None:
    checks, _ = _checks(_signed(issuer, revoked=value))
    assert _find(checks, "revocation").status is CheckStatus.PASSED


@pytest.mark.parametrize("value", [None, 5], ids=["missing", "number"])
def test_no_revocation_list_skips_revocation_as_optional(issuer: Ob2Issuer, value: Any) -> None:
    if value is None:
        del issuer.profile["revocationList"]
    else:
        issuer.profile["revocationList"] = value
    issuer.publish()
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "revocation") == Check(
        "revocation", CheckStatus.SKIPPED, NO_LIST, required=False
    )


def test_an_unreachable_revocation_list_leaves_revocation_unrun(issuer: Ob2Issuer) -> None:
    issuer.server.routes.pop("/revocations")
    checks, _ = _checks(_signed(issuer))
    assert _find(checks, "revocation") == Check(
        "revocation",
        CheckStatus.SKIPPED,
        UNREACHABLE,
        detail=f"{issuer.revocation_url}: HTTP 404",
    )


def _list(issuer: Ob2Issuer, entries: Any) -> None:
    issuer.server.serve(
        "/revocations",
        json.dumps(
            {"type": "RevocationList", "id": issuer.revocation_url, "revokedAssertions": entries}
        ),
    )


@pytest.mark.parametrize(
    "entries",
    [
        "urn:uuid:0b2c5c63-61a4-4dd5-9b29-2a3f1c7e7d01",
        ["urn:uuid:0b2c5c63-61a4-4dd5-9b29-2a3f1c7e7d01"],
        [{"id": "urn:uuid:0b2c5c63-61a4-4dd5-9b29-2a3f1c7e7d01", "revocationReason": "Misconduct"}],
        [7, {"uid": "abc"}, {"id": 1}],
    ],
    ids=["single", "string", "object", "uid"],
)
def test_an_assertion_on_the_list_is_revoked(issuer: Ob2Issuer, entries: Any) -> None:
    _list(issuer, entries)
    checks, _ = _checks(_signed(issuer, uid="abc"))
    assert _find(checks, "revocation") == Check(
        "revocation", CheckStatus.FAILED, REVOKED, detail=f"listed in {issuer.revocation_url}"
    )


@pytest.mark.parametrize(
    "entries",
    [[], ["urn:uuid:other"], [{"id": "urn:uuid:other", "uid": "other"}], None],
    ids=["empty", "other", "other_object", "missing"],
)
def test_an_assertion_not_on_the_list_is_not_revoked(issuer: Ob2Issuer, entries: Any) -> None:
    _list(issuer, entries)
    checks, _ = _checks(_signed(issuer, uid="abc"))
    assert _find(checks, "revocation").status is CheckStatus.PASSED


def test_a_uid_on_the_list_revokes_an_assertion_by_uid(issuer: Ob2Issuer) -> None:
    _list(issuer, [{"id": "urn:uuid:other", "uid": "abc"}])
    checks, _ = _checks(_signed(issuer, uid="abc"))
    assert _find(checks, "revocation").status is CheckStatus.FAILED


def test_a_signed_1_0_assertion_is_upgraded_and_read_by_the_looser_rules(
    issuer: Ob2Issuer,
) -> None:
    badge = {k: v for k, v in issuer.badge_class.items() if k not in ("id", "type", "@context")}
    badge["issuer"] = {"name": "Example Maker Society", "origin": issuer.server.base_url}
    legacy = {
        "id": "urn:uuid:0b2c5c63-61a4-4dd5-9b29-2a3f1c7e7d01",
        "uid": "abc",
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "badge": badge,
        "verify": {"type": "signed", "url": issuer.key_url},
        "issuedOn": "2024-05-01T10:00:00+00:00",
    }
    checks, assertion = _checks(sign_jws(legacy, issuer.key))
    assert assertion is not None
    assert assertion["verification"] == {"type": "SignedBadge", "creator": issuer.key_url}
    assert _find(checks, "schema").status is CheckStatus.PASSED
    assert _find(checks, "key_resolution").detail == issuer.key_url
    assert _find(checks, "proof").status is CheckStatus.PASSED


def test_a_2_0_assertion_embedding_a_badge_class_without_id_fails_the_schema(
    issuer: Ob2Issuer,
) -> None:
    badge = {k: v for k, v in issuer.badge_class.items() if k != "id"}
    checks, assertion = _checks(_signed(issuer, badge=badge))
    assert assertion == issuer.signed_assertion(badge=badge)
    assert _find(checks, "schema").status is CheckStatus.FAILED


def test_an_rs384_signature_of_the_larger_ob2_hashes_is_accepted(http_server: LocalServer) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = make_issuer(http_server, key)
    header = b64url(json.dumps({"alg": "RS384"}).encode())
    body = b64url(json.dumps(issuer.signed_assertion()).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA384())
    checks, _ = _checks(f"{header}.{body}.{b64url(signature)}")
    assert _find(checks, "proof") == Check(
        "proof", CheckStatus.PASSED, PROOF_PASSED, detail="RS384"
    )


def test_an_eddsa_header_is_not_an_ob2_algorithm(issuer: Ob2Issuer) -> None:
    header = b64url(json.dumps({"alg": "EdDSA"}).encode())
    body = b64url(json.dumps(issuer.signed_assertion()).encode())
    checks, assertion = _checks(f"{header}.{body}.{b64url(bytes(64))}")
    assert checks == [
        Check(
            "proof",
            CheckStatus.FAILED,
            PROOF_FAILED,
            detail="signature algorithm 'EdDSA' is not accepted",
        )
    ]
    assert assertion is None
