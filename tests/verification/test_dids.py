"""did:key, did:jwk and did:web resolution to verification keys."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.httpserver import LocalServer
from wallet.errors import FetchError
from wallet.fetching import Fetched, SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.dids import (
    KeyResolutionError,
    resolve_did_document,
    resolve_verification_method,
)
from wallet.verification.multibase import (
    ED25519_PUB,
    P256_PUB,
    encode_base58,
    encode_base64url,
    encode_multibase,
)


class NoNetwork:
    """A fetcher for DID methods that must never touch the network."""

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise AssertionError(f"unexpected fetch of {url}")


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _did_key(key: Ed25519PrivateKey) -> str:
    return "did:key:" + encode_multibase(ED25519_PUB + _raw(key))


def _did_jwk(jwk: dict[str, str]) -> str:
    return "did:jwk:" + encode_base64url(json.dumps(jwk).encode())


def test_resolve_did_key_ed25519_returns_key_and_controller() -> None:
    key = Ed25519PrivateKey.generate()
    did = _did_key(key)
    fingerprint = did.removeprefix("did:key:")
    resolved = resolve_verification_method(f"{did}#{fingerprint}", NoNetwork())
    assert fingerprint.startswith("z6Mk")
    assert resolved.id == f"{did}#{fingerprint}"
    assert resolved.controller == did
    assert _raw_public(resolved.public_key) == _raw(key)


def _raw_public(public_key: object) -> bytes:
    assert hasattr(public_key, "public_bytes")
    data: bytes = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return data


def test_resolve_did_key_p256_returns_ec_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    did = "did:key:" + encode_multibase(P256_PUB + point)
    resolved = resolve_verification_method(f"{did}#{did[8:]}", NoNetwork())
    assert did.startswith("did:key:zDn")
    assert isinstance(resolved.public_key, ec.EllipticCurvePublicKey)
    assert resolved.public_key.public_numbers() == key.public_key().public_numbers()


def test_resolve_did_key_wrong_fragment_fails() -> None:
    did = _did_key(Ed25519PrivateKey.generate())
    with pytest.raises(KeyResolutionError) as caught:
        resolve_verification_method(f"{did}#other", NoNetwork())
    assert caught.value.code == "key_resolution"


def test_resolve_did_key_corrupt_multikey_fails() -> None:
    with pytest.raises(KeyResolutionError):
        resolve_did_document("did:key:z6MkTooShort", NoNetwork())


def test_resolve_did_key_unknown_purpose_fails() -> None:
    did = _did_key(Ed25519PrivateKey.generate())
    with pytest.raises(KeyResolutionError):
        resolve_verification_method(f"{did}#{did[8:]}", NoNetwork(), purpose="keyAgreement")


def test_resolve_did_jwk_okp_returns_ed25519_key() -> None:
    key = Ed25519PrivateKey.generate()
    did = _did_jwk({"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(_raw(key))})
    resolved = resolve_verification_method(f"{did}#0", NoNetwork())
    assert resolved.controller == did
    assert _raw_public(resolved.public_key) == _raw(key)


def test_resolve_did_jwk_ec_p256_returns_ec_key() -> None:
    numbers = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": encode_base64url(numbers.x.to_bytes(32, "big")),
        "y": encode_base64url(numbers.y.to_bytes(32, "big")),
    }
    resolved = resolve_verification_method(_did_jwk(jwk) + "#0", NoNetwork())
    assert isinstance(resolved.public_key, ec.EllipticCurvePublicKey)
    assert resolved.public_key.public_numbers() == numbers


def test_resolve_did_jwk_rsa_returns_rsa_key() -> None:
    numbers = rsa.generate_private_key(65537, 2048).public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "n": encode_base64url(numbers.n.to_bytes(256, "big")),
        "e": encode_base64url(numbers.e.to_bytes(3, "big")),
    }
    resolved = resolve_verification_method(_did_jwk(jwk) + "#0", NoNetwork())
    assert isinstance(resolved.public_key, rsa.RSAPublicKey)
    assert resolved.public_key.public_numbers() == numbers


def test_resolve_did_jwk_private_key_fails() -> None:
    key = Ed25519PrivateKey.generate()
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(_raw(key)), "d": "AAAA"}
    with pytest.raises(KeyResolutionError):
        resolve_verification_method(_did_jwk(jwk) + "#0", NoNetwork())


def test_resolve_did_jwk_encryption_key_not_assertion_method_fails() -> None:
    key = Ed25519PrivateKey.generate()
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(_raw(key)), "use": "enc"}
    with pytest.raises(KeyResolutionError):
        resolve_verification_method(_did_jwk(jwk) + "#0", NoNetwork())


def test_resolve_unsupported_method_fails() -> None:
    with pytest.raises(KeyResolutionError):
        resolve_did_document("did:example:123", NoNetwork())


def _web_document(did: str, key: Ed25519PrivateKey, *, embedded: bool = False) -> JsonObject:
    method: JsonObject = {
        "id": f"{did}#key-1",
        "type": "Ed25519VerificationKey2020",
        "controller": did,
        "publicKeyMultibase": encode_multibase(ED25519_PUB + _raw(key)),
    }
    if embedded:
        return {"id": did, "assertionMethod": [method]}
    return {"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]}


@pytest.mark.parametrize("embedded", [False, True])
def test_resolve_did_web_path_document_returns_key(
    http_server: LocalServer, embedded: bool
) -> None:
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{http_server.host.replace(':', '%3A')}:issuers:acme"
    http_server.serve(
        "/issuers/acme/did.json", json.dumps(_web_document(did, key, embedded=embedded))
    )
    fetcher = SafeFetcher(allow_loopback=True)
    resolved = resolve_verification_method(f"{did}#key-1", fetcher, web_scheme="http")
    assert resolved.controller == did
    assert _raw_public(resolved.public_key) == _raw(key)


def test_resolve_did_web_well_known_document_returns_key(http_server: LocalServer) -> None:
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    http_server.serve("/.well-known/did.json", json.dumps(_web_document(did, key)))
    fetcher = SafeFetcher(allow_loopback=True)
    resolved = resolve_verification_method(f"{did}#key-1", fetcher, web_scheme="http")
    assert http_server.requests == ["/.well-known/did.json"]
    assert resolved.id == f"{did}#key-1"


def test_resolve_did_web_document_id_mismatch_fails(http_server: LocalServer) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    other = _web_document("did:web:elsewhere.example", Ed25519PrivateKey.generate())
    http_server.serve("/.well-known/did.json", json.dumps(other))
    with pytest.raises(KeyResolutionError):
        resolve_did_document(did, SafeFetcher(allow_loopback=True), web_scheme="http")


def test_resolve_did_web_method_not_assertion_method_fails(http_server: LocalServer) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    document = _web_document(did, Ed25519PrivateKey.generate())
    document["assertionMethod"] = []
    document["authentication"] = ["#key-1"]
    http_server.serve("/.well-known/did.json", json.dumps(document))
    with pytest.raises(KeyResolutionError):
        resolve_verification_method(
            f"{did}#key-1", SafeFetcher(allow_loopback=True), web_scheme="http"
        )


def test_resolve_did_web_missing_document_fails(http_server: LocalServer) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    with pytest.raises(KeyResolutionError):
        resolve_did_document(did, SafeFetcher(allow_loopback=True), web_scheme="http")


def test_resolve_did_web_server_error_is_fetch_error(http_server: LocalServer) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    http_server.serve("/.well-known/did.json", b"", status=503)
    with pytest.raises(FetchError):
        resolve_did_document(did, SafeFetcher(allow_loopback=True), web_scheme="http")


def test_resolve_did_web_plain_http_for_public_host_refused() -> None:
    with pytest.raises(KeyResolutionError):
        resolve_did_document("did:web:issuer.example", NoNetwork(), web_scheme="http")


def test_resolve_did_web_ed25519_2018_base58_key_returns_key(http_server: LocalServer) -> None:
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    method: JsonObject = {
        "id": f"{did}#k",
        "type": "Ed25519VerificationKey2018",
        "controller": did,
        "publicKeyBase58": encode_base58(_raw(key)),
    }
    document: JsonObject = {"id": did, "verificationMethod": [method], "assertionMethod": ["#k"]}
    http_server.serve("/.well-known/did.json", json.dumps(document))
    fetcher = SafeFetcher(allow_loopback=True)
    resolved = resolve_verification_method(f"{did}#k", fetcher, web_scheme="http")
    assert _raw_public(resolved.public_key) == _raw(key)
