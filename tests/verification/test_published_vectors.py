"""Published vectors, format by format: the intermediate values they publish, checked one by one.

The verdicts of the credential vectors are asserted by the conformance corpus
(``tests/conformance``, the ``manifest.json`` files); each data folder names its sources. Here
the vectors' published intermediate values are compared with what Plecak derives from them.
Published vectors tested elsewhere: Data Integrity (``test_data_integrity.py``,
``test_di_conformance.py``), Bitstring Status List Example 5 (``test_status_lists_published.py``),
JAdES from EU DSS (``test_jades_existence.py``), RFC 7638's thumbprint (``test_jose.py``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from tests.support.conformance import Vector, verification_context
from tests.support.di_issuer import base58_decode
from tests.support.di_vectors import NoNetwork
from wallet.verification.dids import KeyResolutionError, resolve_verification_method
from wallet.verification.ob2_signed import split_signed
from wallet.verification.report import CheckStatus
from wallet.verification.sd_jwt import parse_sd_jwt, reconstruct_claims, sd_digest
from wallet.verification.vc_jwt import read_vc_jwt
from wallet.verify_command import verify_bytes

CORPUS = Path(__file__).resolve().parent.parent / "data" / "conformance"
DIDS = CORPUS / "dids"
JWT = CORPUS / "jwt"

# RFC 9901 Section 5.1: each disclosure of the example and the SHA-256 digest printed beside it
# ("Claim given_name: SHA-256 Hash: jsu9…"); array elements are keyed by their value.
RFC9901_5_1_DIGESTS = {
    "given_name": "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4",
    "family_name": "TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo",
    "email": "JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE",
    "phone_number": "PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI",
    "phone_number_verified": "XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM",
    "address": "XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE",
    "birthdate": "gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM",
    "updated_at": "CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI",
    "US": "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo",
    "DE": "7Cf6JkPudry3lcbwHgeZ8khAv1U1OSlerP0VkBJrWZ0",
}

# RFC 9901 Section 4.2.3 (Hashing Disclosures): two disclosures and their SHA-256 digests.
RFC9901_4_2_3 = [
    (
        "WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
        "uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY",
    ),
    ("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0", "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"),
]

# VCDM 2.0 Example 7: the protected header and credential printed beside the encoded JWT.
VCDM2_EXAMPLE_7_HEADER = {"kid": "ExHkBMW9fmbkvV266mRpuP2sUY_N_EWIN1lapUzO8ro", "alg": "ES256"}
VCDM2_EXAMPLE_7 = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "http://university.example/credentials/3732",
    "type": ["VerifiableCredential", "ExampleDegreeCredential"],
    "issuer": "https://university.example/issuers/14",
    "validFrom": "2010-01-01T19:23:24Z",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"},
    },
}
# Its sd-jwt tab: the digests of the decoded issuer-signed payload, by where they sit.
VCDM2_EXAMPLE_7_DIGESTS = {
    (): {
        "JO8FgHben-We8roP0b3OnWXkTvR2V39tSJYsvjbO-vs",
        "horLRQ5jlzMpY-X7J1p5ZhxQsM6c2hxhescRqtFtPH8",
    },
    ("credentialSubject",): {"Nroz4QPDqS8fduR4l1PhVpKyzhRs7lakueAFC2hMkhs"},
    ("credentialSubject", "degree"): {"cx_BlSjQIZzn3yhTasJDxhKeYkrwKsn_-w5DaJUWMbc"},
}


def _json(path: Path) -> dict[str, Any]:
    loaded = json.loads(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


def _raw(key: object) -> bytes:
    assert isinstance(key, Ed25519PublicKey)
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64url_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def _fingerprint(did: str) -> str:
    return f"{did}#{did.removeprefix('did:key:')}"


# --- did:key and did:jwk (W3C CCG did:key test vectors, did:jwk specification examples) ----


@pytest.mark.parametrize("did", list(_json(DIDS / "did-key-ed25519.json")))
def test_did_key_ed25519_vector_resolves_to_published_key(did: str) -> None:
    vector = _json(DIDS / "did-key-ed25519.json")[did]
    resolved = resolve_verification_method(_fingerprint(did), NoNetwork())
    published = base58_decode(vector["publicKeyBase58"])
    from_seed = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["seed"])).public_key()
    assert _raw(resolved.public_key) == published == _raw(from_seed)
    assert resolved.controller == did


@pytest.mark.parametrize("did", list(_json(DIDS / "did-key-nist-curves.json")))
def test_did_key_nist_vector_resolves_to_published_point(did: str) -> None:
    jwk = _json(DIDS / "did-key-nist-curves.json")[did]
    if jwk["crv"] == "P-521":
        # Plecak reads Ed25519, P-256 and P-384 multikeys only: P-521 is refused, not misread.
        with pytest.raises(KeyResolutionError):
            resolve_verification_method(_fingerprint(did), NoNetwork())
        return
    key = resolve_verification_method(_fingerprint(did), NoNetwork()).public_key
    assert isinstance(key, EllipticCurvePublicKey)
    numbers = key.public_numbers()
    assert key.curve.name == {"P-256": "secp256r1", "P-384": "secp384r1"}[jwk["crv"]]
    assert (numbers.x, numbers.y) == (_b64url_int(jwk["x"]), _b64url_int(jwk["y"]))


def test_did_jwk_p256_example_resolves_to_published_point() -> None:
    (did, vector), _ = _json(DIDS / "did-jwk.json").items()
    assert vector["assertionMethod"] is True
    key = resolve_verification_method(f"{did}#0", NoNetwork()).public_key
    assert isinstance(key, EllipticCurvePublicKey)
    jwk = vector["publicKeyJwk"]
    numbers = key.public_numbers()
    assert (numbers.x, numbers.y) == (_b64url_int(jwk["x"]), _b64url_int(jwk["y"]))


def test_did_jwk_x25519_example_is_no_assertion_key() -> None:
    _, (did, vector) = _json(DIDS / "did-jwk.json").items()
    assert vector["assertionMethod"] is False  # its document lists it under keyAgreement only
    with pytest.raises(KeyResolutionError):
        resolve_verification_method(f"{did}#0", NoNetwork())


# --- SD-JWT (RFC 9901) ---------------------------------------------------------------------


def test_rfc9901_5_1_disclosures_hash_to_published_digests() -> None:
    sd_jwt = parse_sd_jwt((JWT / "rfc9901-5.1-issued.sd-jwt").read_text())
    digests = {
        str(d.name if d.name is not None else d.value): sd_digest(d.encoded)
        for d in sd_jwt.disclosures
    }
    assert digests == RFC9901_5_1_DIGESTS


def test_rfc9901_5_1_disclosures_decode_to_published_claims() -> None:
    sd_jwt = parse_sd_jwt((JWT / "rfc9901-5.1-issued.sd-jwt").read_text())
    given = next(d for d in sd_jwt.disclosures if d.name == "given_name")
    assert (given.salt, given.value) == ("2GLC42sKQveCfGfryNRN9w", "John")
    claims = reconstruct_claims(sd_jwt)
    assert claims["nationalities"] == ["US", "DE"]
    assert claims["address"] == {
        "street_address": "123 Main St",
        "locality": "Anytown",
        "region": "Anystate",
        "country": "US",
    }


@pytest.mark.parametrize(("encoded", "published"), RFC9901_4_2_3)
def test_rfc9901_hashing_disclosures_example(encoded: str, published: str) -> None:
    assert sd_digest(encoded) == published


def test_vcdm2_example_7_sd_jwt_disclosures_match_published_payload() -> None:
    sd_jwt = parse_sd_jwt((JWT / "vcdm2" / "example-7.sd-jwt").read_text())
    assert sd_jwt.issuer_jwt.header == VCDM2_EXAMPLE_7_HEADER
    claims = sd_jwt.claims
    subject = claims["credentialSubject"]
    assert isinstance(subject, dict) and isinstance(subject["degree"], dict)
    found = {
        (): set(claims["_sd"]),  # type: ignore[arg-type]
        ("credentialSubject",): set(subject["_sd"]),  # type: ignore[arg-type]
        ("credentialSubject", "degree"): set(subject["degree"]["_sd"]),  # type: ignore[arg-type]
    }
    assert found == VCDM2_EXAMPLE_7_DIGESTS
    published = set().union(*VCDM2_EXAMPLE_7_DIGESTS.values())
    assert {sd_digest(d.encoded) for d in sd_jwt.disclosures} == published


def test_vcdm2_example_7_sd_jwt_reconstructs_published_credential() -> None:
    claims = reconstruct_claims((JWT / "vcdm2" / "example-7.sd-jwt").read_text())
    assert "_sd_alg" not in claims  # processing removes it, with every digest
    assert (claims.pop("iat"), claims.pop("exp")) == (1745776713, 1746986313)
    assert claims == VCDM2_EXAMPLE_7


# --- VC-JWT (VCDM 2.0 secured with VC-JOSE-COSE) ---------------------------------------------


def test_vcdm2_example_7_jwt_decodes_to_published_header_and_credential() -> None:
    decoded = read_vc_jwt((JWT / "vcdm2" / "example-7.vc-jwt").read_text())
    assert decoded.header == VCDM2_EXAMPLE_7_HEADER
    assert decoded.credential == VCDM2_EXAMPLE_7
    assert decoded.version == "2.0"
    assert decoded.issuer == "https://university.example/issuers/14"


# --- Open Badges 2.0 signed (1EdTech examples) ---------------------------------------------


def test_ob2_signed_example_decodes_to_published_header_and_assertion() -> None:
    text = (CORPUS / "ob" / "spec-examples" / "signed-assertion.jws").read_text()
    signed = split_signed(text)
    assert signed.alg == "RS256"  # the published header is { "alg": "RS256" }
    assert len(signed.signature) == 256  # an RSA-2048 signature
    assertion = signed.assertion
    assert assertion["badge"] == "https://example.org/robotics-badge.json"
    assert assertion["issuedOn"] == "2016-12-31T23:59:59Z"
    recipient = assertion["recipient"]
    assert isinstance(recipient, dict)
    assert recipient["identity"] == (
        "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5"
    )


# --- CLR 2.0 (1EdTech's signed sample) -------------------------------------------------------


def test_clr20_sample_container_and_nested_badge_each_verify() -> None:
    manifest = CORPUS / "clr" / "manifest.json"
    entry = json.loads(manifest.read_text())["vectors"][0]
    vector = Vector("clr", manifest, 0, entry)
    results = verify_bytes(vector.path.read_bytes(), vector.path.name, verification_context(vector))
    issuers = {"https://example.edu/issuers/565049", "https://example.com/issuers/876543"}
    bound = set()
    for result in results:
        checks = {check.code: check for check in result.report.checks}
        assert checks["proof"].status is CheckStatus.PASSED
        bound.add(checks["issuer_binding"].detail)
    assert len(results) == 2 and bound == issuers
