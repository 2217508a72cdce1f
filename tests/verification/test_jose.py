"""Shared JWS mechanics: compact parsing, the algorithm allowlist and key sources."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.support.jose_issuer import b64url, issue_certificate, make_ca, new_key, sign_compact
from tests.support.rfc_keys import RFC7517_RSA
from wallet.errors import CredentialFormatError
from wallet.verification.dids import KeyResolutionError
from wallet.verification.jose import (
    algorithm_of,
    certificate_names_issuer,
    certificates_from_x5c,
    jwk_thumbprint,
    key_from_jwk,
    split_compact,
    verify_signature,
)

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256", "PS256"])
def test_verify_signature_own_key_passes_and_other_key_fails(alg: str) -> None:
    key = new_key(alg)
    jws = split_compact(sign_compact({}, {"a": 1}, key))
    public = key_from_jwk(key.public_jwk())
    assert verify_signature(alg, jws.signing_input, jws.signature, public)
    other = key_from_jwk(new_key(alg).public_jwk())
    assert not verify_signature(alg, jws.signing_input, jws.signature, other)


def test_verify_signature_algorithm_of_other_key_type_fails() -> None:
    key = new_key("ES256")
    jws = split_compact(sign_compact({}, {"a": 1}, key))
    public = key_from_jwk(key.public_jwk())
    assert not verify_signature("RS256", jws.signing_input, jws.signature, public)


@pytest.mark.parametrize("alg", ["none", "HS256", "ES512", None])
def test_algorithm_of_outside_allowlist_raises(alg: str | None) -> None:
    with pytest.raises(CredentialFormatError):
        algorithm_of({"alg": alg})


def test_algorithm_of_ps256_only_with_jades_list() -> None:
    with pytest.raises(CredentialFormatError):
        algorithm_of({"alg": "PS256"})


@pytest.mark.parametrize("token", ["a.b", "a..c", "a.b.c.d", "***.e30.c"])
def test_split_compact_malformed_raises(token: str) -> None:
    with pytest.raises(CredentialFormatError):
        split_compact(token)


def test_split_compact_unencoded_payload_raises() -> None:
    token = sign_compact({"b64": False, "crit": ["b64"]}, {"a": 1}, new_key())
    with pytest.raises(CredentialFormatError):
        split_compact(token)


def test_key_from_jwk_symmetric_key_raises() -> None:
    with pytest.raises(KeyResolutionError):
        key_from_jwk({"kty": "oct", "k": b64url(b"secret-key-material")})


def test_key_from_jwk_private_member_raises() -> None:
    with pytest.raises(KeyResolutionError):
        key_from_jwk({**new_key("ES256").public_jwk(), "d": b64url(b"\1" * 32)})


def test_key_from_jwk_x25519_key_raises() -> None:
    with pytest.raises(KeyResolutionError):
        key_from_jwk({"kty": "OKP", "crv": "X25519", "x": b64url(b"\x09" * 32)})


# RFC 7638 section 3.1 (IETF Trust, Simplified BSD licence): the example RSA key and its
# published SHA-256 thumbprint.
RFC7638_KEY = {**RFC7517_RSA, "alg": "RS256", "kid": "2011-04-29"}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_jwk_thumbprint_rfc7638_example_key_gives_published_thumbprint() -> None:
    assert jwk_thumbprint(key_from_jwk(RFC7638_KEY)) == RFC7638_THUMBPRINT


def test_jwk_thumbprint_other_key_differs() -> None:
    assert jwk_thumbprint(key_from_jwk(new_key("RS256").public_jwk())) != RFC7638_THUMBPRINT


@pytest.mark.parametrize("value", [[], "MIIB", ["not base64!"], [json.dumps({})], [1]])
def test_certificates_from_x5c_malformed_raises(value: object) -> None:
    with pytest.raises(KeyResolutionError):
        certificates_from_x5c(value)  # type: ignore[arg-type]


def test_certificate_names_issuer_by_uri_or_host() -> None:
    ca = make_ca(at=AT)
    leaf = issue_certificate(
        ca, at=AT, uris=("https://uni.example/issuer",), dns_names=("uni.example",)
    )
    assert certificate_names_issuer(leaf.certificate, "https://uni.example/issuer")
    assert certificate_names_issuer(leaf.certificate, "https://uni.example/other")
    assert not certificate_names_issuer(leaf.certificate, "https://evil.example/issuer")
