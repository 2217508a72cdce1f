"""Presentations signed the way other wallets sign them, for DIDAuth tests.

Data Integrity presentations are signed by ``tools/vpverify/sign.mjs`` (Digital Bazaar's
libraries), VP-JWTs by joserfc: neither is Plecak's own code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

from wallet.verification.multibase import ED25519_PUB, encode_base64url, encode_multibase

ROOT = Path(__file__).resolve().parents[2]
SIGNER = ROOT / "tools" / "vpverify"


@dataclass(frozen=True)
class HolderDid:
    """An Ed25519 key and the DID and verification method that name it."""

    key: Ed25519PrivateKey
    did: str
    method: str

    @property
    def seed_hex(self) -> str:
        return self.key.private_bytes_raw().hex()


def public_multibase(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return encode_multibase(ED25519_PUB + raw)


def did_key_holder(key: Ed25519PrivateKey | None = None) -> HolderDid:
    key = key or Ed25519PrivateKey.generate()
    fingerprint = public_multibase(key)
    return HolderDid(key, f"did:key:{fingerprint}", f"did:key:{fingerprint}#{fingerprint}")


def did_jwk_holder() -> HolderDid:
    key = Ed25519PrivateKey.generate()
    public = OKPKey.import_key(key).as_dict(private=False)
    did = "did:jwk:" + encode_base64url(json.dumps(public).encode())
    return HolderDid(key, did, f"{did}#0")


def did_web_document(did: str, key: Ed25519PrivateKey, purposes: list[str]) -> dict[str, Any]:
    """A did:web document listing ``key`` as ``#key-1`` under ``purposes``."""
    method = f"{did}#key-1"
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_multibase(key),
            }
        ],
    }
    for purpose in purposes:
        document[purpose] = [method]
    return document


def presentation(holder: str | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
    }
    if holder is not None:
        document["holder"] = holder
    return document


def sign_with_node(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    method: str,
    challenge: str,
    domain: str,
    tmp_path: Path,
) -> str:
    """``document`` signed (eddsa-rdfc-2022, authentication) by Digital Bazaar's libraries."""
    node = shutil.which("node")
    if node is None or not (SIGNER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.skip("node or the independent signer (npm install in tools/vpverify) is missing")
    path = tmp_path / "unsigned-vp.json"
    path.write_text(json.dumps(document))
    contexts = ROOT / "wallet" / "contexts"
    seed = key.private_bytes_raw().hex()
    arguments = [str(path), seed, method, challenge, domain, str(contexts)]
    run = subprocess.run(
        [node, str(SIGNER / "sign.mjs"), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return run.stdout.strip().splitlines()[-1]


def sign_jwt(
    key: Ed25519PrivateKey, did: str, kid: str, nonce: str, aud: str, **claims: Any
) -> str:
    """A VP-JWT (EdDSA) by joserfc, with the presentation in ``vp``."""
    payload = {"iss": did, "nonce": nonce, "aud": aud, "vp": presentation(did), **claims}
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    signing_input = f"{_part(header)}.{_part(payload)}".encode()
    # joserfc's own algorithm object (``jwt.encode`` warns that EdDSA is deprecated by RFC 9864).
    signature = JWSRegistry.algorithms["EdDSA"].sign(signing_input, OKPKey.import_key(key))
    return f"{signing_input.decode()}.{encode_base64url(signature)}"


def _part(value: dict[str, Any]) -> str:
    return encode_base64url(json.dumps(value, separators=(",", ":")).encode())
