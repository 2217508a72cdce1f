"""ECDSA cryptosuites against the published vc-di-ecdsa test vectors, and P-256/P-384 keys."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.di_vectors import VECTORS, NoNetwork, load_vector, vector_loader
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject
from wallet.verification.cbor import decode_cbor
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import read_proof, verify_data_integrity, verify_signature
from wallet.verification.dids import resolve_verification_method
from wallet.verification.ecdsa_sd import parse_derived_proof_value
from wallet.verification.keys import public_key_from_multikey
from wallet.verification.multibase import decode_base64url, encode_base64url
from wallet.verification.report import Check, CheckStatus, Report, Verdict

P256 = json.loads((VECTORS / "p256KeyPair.json").read_text())["publicKeyMultibase"]
P384 = json.loads((VECTORS / "p384KeyPair.json").read_text())["publicKeyMultibase"]
PUBLISHED = {
    "ecdsa-rdfc-2019-p256-employ.json": P256,
    "ecdsa-rdfc-2019-p384-employ.json": P384,
    "ecdsa-jcs-2019-p256.json": P256,
    "ecdsa-jcs-2019-p384.json": P384,
    "ecdsa-sd-2023-derived.json": P256,
    "ecdsa-sd-2023-derived-prc.json": P256,
}


def _proof_status(document: JsonObject, key: str) -> CheckStatus:
    checks = verify_signature(
        document, read_proof(document), public_key_from_multikey(key), vector_loader()
    )
    return next(check.status for check in checks if check.code == "proof")


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_ecdsa_vector_verifies(name: str) -> None:
    assert _proof_status(load_vector(name), PUBLISHED[name]) is CheckStatus.PASSED


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_ecdsa_vector_tampered_fails(name: str) -> None:
    document = load_vector(name)
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    subject["tampered"] = "yes"
    document["validFrom"] = "2020-01-01T00:00:00Z"
    assert _proof_status(document, PUBLISHED[name]) is CheckStatus.FAILED


def test_published_ecdsa_vector_other_curve_key_fails() -> None:
    document = load_vector("ecdsa-jcs-2019-p256.json")
    assert _proof_status(document, P384) is CheckStatus.FAILED


def test_published_sd_vector_changed_disclosed_value_fails() -> None:
    document = load_vector("ecdsa-sd-2023-derived.json")
    subject = document["credentialSubject"]
    assert isinstance(subject, dict) and isinstance(subject["sails"], list)
    sail = subject["sails"][0]
    assert isinstance(sail, dict)
    sail["size"] = 9.9
    assert _proof_status(document, P256) is CheckStatus.FAILED


def test_published_sd_vector_withheld_statement_fails() -> None:
    document = load_vector("ecdsa-sd-2023-derived.json")
    subject = document["credentialSubject"]
    assert isinstance(subject, dict) and isinstance(subject["boards"], list)
    subject["boards"] = subject["boards"][:1]
    assert _proof_status(document, P256) is CheckStatus.FAILED


def test_parse_derived_proof_value_reads_published_components() -> None:
    proof = read_proof(load_vector("ecdsa-sd-2023-derived.json"))
    derived = parse_derived_proof_value(proof.proof_value)
    assert len(derived.base_signature) == 64
    assert derived.public_key[:2] == b"\x80\x24"
    assert len(derived.signatures) > 0
    assert all(label.startswith("u") for label in derived.label_map.values())


def test_parse_base_proof_value_refused() -> None:
    proof = read_proof(load_vector("ecdsa-sd-2023-derived.json"))
    data = decode_base64url(proof.proof_value[1:])
    base = "u" + encode_base64url(b"\xd9\x5d\x00" + data[3:])
    with pytest.raises(CredentialFormatError):
        parse_derived_proof_value(base)


def test_decode_cbor_truncated_refused() -> None:
    with pytest.raises(CredentialFormatError):
        decode_cbor(b"\x85\x58\x40\x00")


def test_decode_cbor_small_structures() -> None:
    assert decode_cbor(b"\x83\x01\x20\x42\xab\xcd") == [1, -1, b"\xab\xcd"]
    assert decode_cbor(b"\xa1\x00\x41\x07") == {0: b"\x07"}


@pytest.mark.parametrize(("key", "curve"), [(P256, "secp256r1"), (P384, "secp384r1")])
def test_did_key_nist_curve_resolves(key: str, curve: str) -> None:
    resolved = resolve_verification_method(f"did:key:{key}#{key}", NoNetwork())
    assert isinstance(resolved.public_key, ec.EllipticCurvePublicKey)
    assert resolved.public_key.curve.name == curve
    assert resolved.controller == f"did:key:{key}"


@pytest.mark.parametrize(("key", "crv", "size"), [(P256, "P-256", 32), (P384, "P-384", 48)])
def test_did_jwk_nist_curve_resolves_to_published_key(key: str, crv: str, size: int) -> None:
    public = public_key_from_multikey(key)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    numbers = public.public_numbers()
    jwk = {
        "kty": "EC",
        "crv": crv,
        "x": encode_base64url(numbers.x.to_bytes(size, "big")),
        "y": encode_base64url(numbers.y.to_bytes(size, "big")),
    }
    did = "did:jwk:" + encode_base64url(json.dumps(jwk).encode())
    resolved = resolve_verification_method(f"{did}#0", NoNetwork())
    assert isinstance(resolved.public_key, ec.EllipticCurvePublicKey)
    assert resolved.public_key.public_numbers() == numbers


def _statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {check.code: check.status for check in checks}


def test_legacy_eddsa_2022_name_verifies_with_warning() -> None:
    issuer = TestIssuer.generate()
    signed = issuer.sign(achievement_credential(issuer.did), "eddsa-2022")
    ctx = VerificationContext(NoNetwork(), datetime(2027, 1, 1, tzinfo=UTC))
    checks = verify_data_integrity(signed, ctx)
    legacy = next(check for check in checks if check.code == "cryptosuite")
    assert (legacy.status, legacy.required) == (CheckStatus.WARNING, False)
    assert _statuses(checks)["proof"] is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_legacy_eddsa_2022_name_tampered_fails() -> None:
    issuer = TestIssuer.generate()
    signed = copy.deepcopy(issuer.sign(achievement_credential(issuer.did), "eddsa-2022"))
    signed["name"] = "Other"
    ctx = VerificationContext(NoNetwork(), datetime(2027, 1, 1, tzinfo=UTC))
    assert _statuses(verify_data_integrity(signed, ctx))["proof"] is CheckStatus.FAILED


def test_sd_proof_with_p384_base_key_is_not_judged() -> None:
    document = load_vector("ecdsa-sd-2023-derived.json")
    assert _proof_status(document, P384) is CheckStatus.SKIPPED
