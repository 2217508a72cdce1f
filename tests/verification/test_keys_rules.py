"""Public keys from multikeys, base58 and JWKs: published vectors, each curve and key type
read, and the refusal of each unusable key."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.support.di_issuer import base58_encode
from tests.support.jose_issuer import b64url
from tests.support.rfc_keys import RFC7517_RSA
from wallet.errors import CredentialFormatError, ValidationError
from wallet.verification.keys import (
    public_key_from_base58,
    public_key_from_jwk,
    public_key_from_multikey,
)

DIDS = Path(__file__).resolve().parent.parent / "data" / "conformance" / "dids"
ED25519_VECTORS: dict[str, dict[str, str]] = json.loads((DIDS / "did-key-ed25519.json").read_text())
NIST_VECTORS: dict[str, dict[str, str]] = json.loads(
    (DIDS / "did-key-nist-curves.json").read_text()
)
CURVE_NAMES = {"P-256": "secp256r1", "P-384": "secp384r1", "P-521": "secp521r1"}

# RFC 7517 appendix A.1 (IETF Trust, Simplified BSD licence): the example EC key (the RSA key
# is in tests/support/rfc_keys.py).
RFC7517_EC = {
    "kty": "EC",
    "crv": "P-256",
    "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
    "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
}
# RFC 8037 appendix A.2: the example Ed25519 public key.
RFC8037_OKP = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}


def b64url_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def raw(key: object) -> bytes:
    assert isinstance(key, Ed25519PublicKey)
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def point(key: object) -> tuple[str, int, int]:
    assert isinstance(key, ec.EllipticCurvePublicKey)
    numbers = key.public_numbers()
    return key.curve.name, numbers.x, numbers.y


def refusal(call: Any, value: Any) -> str:
    with pytest.raises(ValidationError) as error:
        call(value)
    return error.value.detail


def multikey(prefix: bytes, key: bytes) -> str:
    return "z" + base58_encode(prefix + key)


# --- multikeys and base58 ----------------------------------------------------------------------


@pytest.mark.parametrize("did", list(ED25519_VECTORS))
def test_ed25519_vectors_read_from_multikey_and_base58(did: str) -> None:
    vector = ED25519_VECTORS[did]
    seeded = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["seed"])).public_key()
    expected = raw(seeded)
    assert raw(public_key_from_multikey(did.removeprefix("did:key:"))) == expected
    assert raw(public_key_from_base58(vector["publicKeyBase58"])) == expected


@pytest.mark.parametrize("did", [d for d, jwk in NIST_VECTORS.items() if jwk["crv"] != "P-521"])
def test_nist_vectors_read_from_multikey(did: str) -> None:
    jwk = NIST_VECTORS[did]
    expected = (CURVE_NAMES[jwk["crv"]], b64url_int(jwk["x"]), b64url_int(jwk["y"]))
    assert point(public_key_from_multikey(did.removeprefix("did:key:"))) == expected


@pytest.mark.parametrize("did", [d for d, jwk in NIST_VECTORS.items() if jwk["crv"] == "P-521"])
def test_p521_multikey_is_refused(did: str) -> None:
    assert refusal(public_key_from_multikey, did.removeprefix("did:key:")) == (
        "the multikey is not an Ed25519, P-256 or P-384 public key"
    )


@pytest.mark.parametrize(
    "value",
    [
        multikey(b"\xec\x01", bytes(32)),  # X25519
        multikey(b"\xe7\x01", bytes(33)),  # secp256k1
        multikey(b"\xed", b""),
        "z",
    ],
)
def test_multikey_of_another_codec_is_refused(value: str) -> None:
    assert refusal(public_key_from_multikey, value) == (
        "the multikey is not an Ed25519, P-256 or P-384 public key"
    )


@pytest.mark.parametrize("size", [0, 31, 33])
def test_ed25519_key_of_another_length_is_refused(size: int) -> None:
    assert refusal(public_key_from_multikey, multikey(b"\xed\x01", b"\1" * size)) == (
        "an Ed25519 public key is 32 bytes"
    )
    assert refusal(public_key_from_base58, base58_encode(b"\1" * size)) == (
        "an Ed25519 public key is 32 bytes"
    )


@pytest.mark.parametrize(
    ("prefix", "curve"), [(b"\x80\x24", ec.SECP256R1()), (b"\x81\x24", ec.SECP384R1())]
)
def test_ec_multikey_reads_compressed_and_uncompressed_points(
    prefix: bytes, curve: ec.EllipticCurve
) -> None:
    public = ec.generate_private_key(curve).public_key()
    numbers = public.public_numbers()
    for form in (PublicFormat.CompressedPoint, PublicFormat.UncompressedPoint):
        value = multikey(prefix, public.public_bytes(Encoding.X962, form))
        assert point(public_key_from_multikey(value)) == (curve.name, numbers.x, numbers.y)


@pytest.mark.parametrize("prefix", [b"\x80\x24", b"\x81\x24"])
def test_ec_multikey_not_a_point_is_refused(prefix: bytes) -> None:
    assert refusal(public_key_from_multikey, multikey(prefix, b"\x02" + b"\xff" * 48)) == (
        "the EC point is malformed or not on the curve"
    )


def test_multikey_p256_and_p384_prefixes_name_their_curves() -> None:
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    encoded = p256.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    with pytest.raises(ValidationError):
        public_key_from_multikey(multikey(b"\x81\x24", encoded))
    with pytest.raises(ValidationError):
        public_key_from_multikey(multikey(b"\xed\x01", encoded))


def test_multikey_and_base58_malformed_text_is_refused() -> None:
    with pytest.raises(ValidationError):
        public_key_from_multikey("f00")
    with pytest.raises(ValidationError):
        public_key_from_base58("0OIl")
    with pytest.raises(CredentialFormatError):
        public_key_from_multikey("u!")


# --- JWKs --------------------------------------------------------------------------------------


def test_jwk_rfc8037_okp_key_is_read() -> None:
    assert raw(public_key_from_jwk(RFC8037_OKP)) == base64.urlsafe_b64decode(RFC8037_OKP["x"] + "=")


def test_jwk_rfc7517_ec_key_is_read() -> None:
    assert point(public_key_from_jwk(RFC7517_EC)) == (
        "secp256r1",
        b64url_int(RFC7517_EC["x"]),
        b64url_int(RFC7517_EC["y"]),
    )


@pytest.mark.parametrize("did", list(NIST_VECTORS))
def test_jwk_nist_vectors_are_read_on_their_curves(did: str) -> None:
    jwk = NIST_VECTORS[did]
    expected = (CURVE_NAMES[jwk["crv"]], b64url_int(jwk["x"]), b64url_int(jwk["y"]))
    assert point(public_key_from_jwk(jwk)) == expected


def test_jwk_secp256k1_key_is_read() -> None:
    numbers = ec.generate_private_key(ec.SECP256K1()).public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "secp256k1",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    assert point(public_key_from_jwk(jwk)) == ("secp256k1", numbers.x, numbers.y)


def test_jwk_rfc7517_rsa_key_is_read() -> None:
    key = public_key_from_jwk(RFC7517_RSA)
    assert isinstance(key, RSAPublicKey)
    assert key.public_numbers().e == 65537
    assert key.public_numbers().n == b64url_int(RFC7517_RSA["n"])
    assert key.key_size == 2048


def test_jwk_rsa_key_of_2047_bits_is_refused() -> None:
    jwk = {"kty": "RSA", "n": b64url((2**2046 + 1).to_bytes(256, "big")), "e": "AQAB"}
    assert refusal(public_key_from_jwk, jwk) == "RSA keys shorter than 2048 bits are refused"


@pytest.mark.parametrize("e", ["AQ", "Ag", ""])
def test_jwk_rsa_key_malformed_is_refused(e: str) -> None:
    jwk = {**RFC7517_RSA, "e": e}
    assert refusal(public_key_from_jwk, jwk) == "the RSA key is malformed"


@pytest.mark.parametrize(
    ("jwk", "detail"),
    [
        ("a key", "publicKeyJwk is not an object"),
        ([RFC8037_OKP], "publicKeyJwk is not an object"),
        (None, "publicKeyJwk is not an object"),
        ({**RFC8037_OKP, "d": "AA"}, "the JWK contains private key material"),
        ({**RFC7517_RSA, "p": "AA"}, "the JWK contains private key material"),
        ({**RFC8037_OKP, "crv": "X25519"}, "only the Ed25519 OKP curve is supported"),
        ({"kty": "OKP", "x": RFC8037_OKP["x"]}, "only the Ed25519 OKP curve is supported"),
        ({"kty": "OKP", "crv": "Ed25519"}, "the JWK lacks its 'x' member"),
        ({**RFC8037_OKP, "x": 5}, "the JWK lacks its 'x' member"),
        ({**RFC8037_OKP, "x": "AAAA"}, "an Ed25519 public key is 32 bytes"),
        ({**RFC7517_EC, "crv": "P-192"}, "unsupported EC curve 'P-192'"),
        ({"kty": "EC", "x": RFC7517_EC["x"], "y": RFC7517_EC["y"]}, "unsupported EC curve None"),
        ({"kty": "EC", "crv": "P-256", "y": RFC7517_EC["y"]}, "the JWK lacks its 'x' member"),
        ({"kty": "EC", "crv": "P-256", "x": RFC7517_EC["x"]}, "the JWK lacks its 'y' member"),
        ({**RFC7517_EC, "y": RFC7517_EC["x"]}, "the EC point is not on the curve"),
        ({"kty": "RSA", "e": "AQAB"}, "the JWK lacks its 'n' member"),
        ({"kty": "RSA", "n": RFC7517_RSA["n"]}, "the JWK lacks its 'e' member"),
        ({"kty": "oct", "k": "AA"}, "unsupported JWK key type 'oct'"),
        ({"x": RFC8037_OKP["x"]}, "unsupported JWK key type None"),
    ],
)
def test_jwk_unusable_key_names_the_reason(jwk: Any, detail: str) -> None:
    assert refusal(public_key_from_jwk, jwk) == detail


def test_jwk_member_not_base64url_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        public_key_from_jwk({**RFC8037_OKP, "x": "not base64url!"})
