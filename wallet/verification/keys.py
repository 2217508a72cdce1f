"""Public keys from their published forms: multikey bytes, JWKs and base58 Ed25519 keys."""

from __future__ import annotations

from functools import lru_cache
from typing import TypeAlias

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from wallet.errors import ValidationError
from wallet.jsonvalues import JsonValue
from wallet.verification.multibase import (
    ED25519_PUB,
    P256_PUB,
    P384_PUB,
    decode_base58,
    decode_base64url,
    decode_multibase,
)

PublicKey: TypeAlias = Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey

_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
    "secp256k1": ec.SECP256K1(),
}
_MIN_RSA_BITS = 2048


@lru_cache(maxsize=1024)
def public_key_from_multikey(value: str) -> PublicKey:
    """The key in a ``publicKeyMultibase`` value (Ed25519, P-256 or P-384 multicodec)."""
    data = decode_multibase(value)
    prefix, key = data[:2], data[2:]
    if prefix == ED25519_PUB:
        return _ed25519(key)
    if prefix == P256_PUB:
        return _ec_point(ec.SECP256R1(), key)
    if prefix == P384_PUB:
        return _ec_point(ec.SECP384R1(), key)
    raise ValidationError("the multikey is not an Ed25519, P-256 or P-384 public key")


def public_key_from_base58(value: str) -> PublicKey:
    """The Ed25519 key in a ``publicKeyBase58`` value (Ed25519VerificationKey2018)."""
    return _ed25519(decode_base58(value))


def public_key_from_jwk(jwk: JsonValue) -> PublicKey:
    """The public key described by a JWK (OKP Ed25519, EC or RSA); private keys are refused."""
    if not isinstance(jwk, dict):
        raise ValidationError("publicKeyJwk is not an object")
    if "d" in jwk or "p" in jwk:
        raise ValidationError("the JWK contains private key material")
    kty = jwk.get("kty")
    if kty == "OKP":
        if jwk.get("crv") != "Ed25519":
            raise ValidationError("only the Ed25519 OKP curve is supported")
        return _ed25519(decode_base64url(_member(jwk, "x")))
    if kty == "EC":
        curve = _CURVES.get(str(jwk.get("crv")))
        if curve is None:
            raise ValidationError(f"unsupported EC curve {jwk.get('crv')!r}")
        x = int.from_bytes(decode_base64url(_member(jwk, "x")), "big")
        y = int.from_bytes(decode_base64url(_member(jwk, "y")), "big")
        try:
            return ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
        except ValueError:
            raise ValidationError("the EC point is not on the curve") from None
    if kty == "RSA":
        n = int.from_bytes(decode_base64url(_member(jwk, "n")), "big")
        e = int.from_bytes(decode_base64url(_member(jwk, "e")), "big")
        if n.bit_length() < _MIN_RSA_BITS:
            raise ValidationError(f"RSA keys shorter than {_MIN_RSA_BITS} bits are refused")
        try:
            return rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError:
            raise ValidationError("the RSA key is malformed") from None
    raise ValidationError(f"unsupported JWK key type {kty!r}")


def _member(jwk: dict[str, JsonValue], name: str) -> str:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise ValidationError(f"the JWK lacks its {name!r} member")
    return value


def _ed25519(key: bytes) -> Ed25519PublicKey:
    if len(key) != 32:
        raise ValidationError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(key)


def _ec_point(curve: ec.EllipticCurve, point: bytes) -> EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
    except ValueError:
        raise ValidationError("the EC point is malformed or not on the curve") from None
