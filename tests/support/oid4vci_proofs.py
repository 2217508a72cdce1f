"""An OpenID4VCI key proof checked apart from Plecak: ``cryptography`` and base58 of its own.

The issuer in ``oid4vci_issuer.py`` checks every proof the wallet sends with this, so a proof
Plecak gets wrong cannot pass because Plecak's own verifier agrees with it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.support.jose_issuer import b64url

PROOF_TYPE = "openid4vci-proof+jwt"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_MULTICODEC = b"\xed\x01"


@dataclass(frozen=True)
class Proof:
    """A proof that checked: its header and claims, and the key it proves."""

    header: dict[str, Any]
    claims: dict[str, Any]
    jwk: dict[str, Any]
    did: str | None


def base58_decode(text: str) -> bytes:
    """Bitcoin base58 to bytes, written here so the proof check shares nothing with Plecak."""
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + raw


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_proof(token: str, *, audience: str, take_nonce: Callable[[object], bool]) -> Proof:
    """The checked proof if ``token`` proves a key for ``audience`` over a nonce it may take.

    ``ValueError`` naming the first thing wrong.
    """
    encoded_header, encoded_claims, signature = token.split(".")
    header = json.loads(b64decode(encoded_header))
    claims = json.loads(b64decode(encoded_claims))
    if header.get("typ") != PROOF_TYPE or header.get("alg") not in ("EdDSA", "Ed25519"):
        raise ValueError(f"not an Ed25519 proof JWT: {header}")
    did = None
    if "kid" in header:
        did, _, fragment = str(header["kid"]).partition("#")
        if not did.startswith("did:key:z") or fragment != did.removeprefix("did:key:"):
            raise ValueError(f"kid is not a did:key verification method: {header['kid']}")
        raw = base58_decode(did.removeprefix("did:key:z"))
        if raw[:2] != _ED25519_MULTICODEC:
            raise ValueError("the did:key is not an Ed25519 key")
        public = raw[2:]
    else:
        jwk = header["jwk"]
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
            raise ValueError(f"not a public Ed25519 JWK: {jwk}")
        public = b64decode(jwk["x"])
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(
            b64decode(signature), f"{encoded_header}.{encoded_claims}".encode()
        )
    except InvalidSignature:
        raise ValueError("the proof signature does not verify") from None
    if claims.get("aud") != audience or abs(time.time() - claims.get("iat", 0)) > 300:
        raise ValueError(f"wrong audience or time: {claims}")
    if not take_nonce(claims.get("nonce")):
        raise ValueError("unknown nonce")
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public)}
    return Proof(header, claims, jwk, did)
