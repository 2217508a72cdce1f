"""Open Badges 2.0 issuers for tests: documents on a local server, keys, JWS and baked images."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from tests.support.httpserver import LocalServer
from wallet.fetching import Fetched, SafeFetcher

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class LoopbackFetcher:
    """The real guarded fetcher, allowed onto 127.0.0.1, noting every URL asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self._fetcher = SafeFetcher(allow_loopback=True)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.urls.append(url)
        return self._fetcher.fetch(url, accept=accept, max_bytes=max_bytes)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_jws(payload: dict[str, Any], key: PrivateKey) -> str:
    """A compact JWS over ``payload`` (RS256 for RSA keys, ES256 for P-256 keys)."""
    alg = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    header = b64url(json.dumps({"alg": alg}).encode())
    body = b64url(json.dumps(payload).encode())
    signing_input = f"{header}.{body}".encode()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{header}.{body}.{b64url(signature)}"


def public_pem(key: PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class Ob2Issuer:
    """An issuer whose Profile, BadgeClass, key and revocation list a local server publishes."""

    server: LocalServer
    key: PrivateKey
    profile: dict[str, Any] = field(default_factory=dict)
    badge_class: dict[str, Any] = field(default_factory=dict)
    key_document: dict[str, Any] = field(default_factory=dict)
    revoked: list[str] = field(default_factory=list)

    @property
    def issuer_url(self) -> str:
        return self.server.url("/issuer")

    @property
    def badge_url(self) -> str:
        return self.server.url("/badges/1")

    @property
    def key_url(self) -> str:
        return self.server.url("/keys/1")

    @property
    def revocation_url(self) -> str:
        return self.server.url("/revocations")

    def publish(self) -> None:
        """Serve the current documents (call again after changing them)."""
        self.server.serve("/issuer", json.dumps(self.profile))
        self.server.serve("/badges/1", json.dumps(self.badge_class))
        self.server.serve("/keys/1", json.dumps(self.key_document))
        revocations = {
            "@context": OB2_CONTEXT,
            "type": "RevocationList",
            "id": self.revocation_url,
            "issuer": self.issuer_url,
            "revokedAssertions": self.revoked,
        }
        self.server.serve("/revocations", json.dumps(revocations))

    def assertion(self, number: int = 1, **overrides: Any) -> dict[str, Any]:
        """A hosted assertion served at ``/assertions/<number>`` (not yet published)."""
        document: dict[str, Any] = {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": self.server.url(f"/assertions/{number}"),
            "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
            "badge": self.badge_url,
            "issuedOn": "2024-05-01T10:00:00+00:00",
            "verification": {"type": "HostedBadge"},
        }
        document.update(overrides)
        return document

    def host(self, assertion: dict[str, Any], *, status: int = 200) -> str:
        """Serve ``assertion`` at its own id."""
        path = assertion["id"].removeprefix(self.server.base_url)
        return self.server.serve(path, json.dumps(assertion), status=status)

    def signed_assertion(self, **overrides: Any) -> dict[str, Any]:
        """An assertion for signed verification with ``creator`` naming the issuer's key."""
        document = self.assertion(
            id="urn:uuid:0b2c5c63-61a4-4dd5-9b29-2a3f1c7e7d01",
            verification={"type": "SignedBadge", "creator": self.key_url},
        )
        document.update(overrides)
        return document


def make_issuer(server: LocalServer, key: PrivateKey) -> Ob2Issuer:
    """A complete, published issuer on ``server``."""
    issuer = Ob2Issuer(server, key)
    issuer.profile = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer.issuer_url,
        "name": "Example Maker Society",
        "url": server.base_url,
        "email": "badges@example.org",
        "publicKey": issuer.key_url,
        "revocationList": issuer.revocation_url,
    }
    issuer.badge_class = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": issuer.badge_url,
        "name": "3-D Printmaster",
        "description": "Awarded for passing the 3-D printing safety test.",
        "image": server.url("/badges/1/image"),
        "criteria": {"narrative": "Pass the written and the practical test."},
        "issuer": issuer.issuer_url,
    }
    issuer.key_document = {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": issuer.key_url,
        "owner": issuer.issuer_url,
        "publicKeyPem": public_pem(key),
    }
    issuer.publish()
    return issuer


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(
    *,
    width: int = 2,
    height: int = 2,
    chunks: tuple[tuple[bytes, bytes], ...] = (),
) -> bytes:
    """A small valid RGB PNG with extra chunks inserted after IHDR."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * min(width, 64) for _ in range(min(height, 64)))
    parts = [b"\x89PNG\r\n\x1a\n", png_chunk(b"IHDR", header)]
    parts += [png_chunk(kind, data) for kind, data in chunks]
    parts += [png_chunk(b"IDAT", zlib.compress(rows)), png_chunk(b"IEND", b"")]
    return b"".join(parts)


def bake_png(text: str, *, keyword: bytes = b"openbadges", chunk: bytes = b"iTXt") -> bytes:
    """A PNG with ``text`` baked under ``keyword`` (iTXt uncompressed, or legacy tEXt)."""
    if chunk == b"tEXt":
        data = keyword + b"\x00" + text.encode("latin-1")
    else:
        data = keyword + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode()
    return make_png(chunks=((chunk, data),))


def bake_svg(
    text: str,
    *,
    element: str = "assertion",
    namespace: str = "http://openbadges.org",
    in_attribute: bool = False,
    prolog: str = "",
) -> bytes:
    """An SVG with ``text`` in an ``openbadges:`` element body (CDATA) or its verify attribute."""
    if in_attribute:
        baked = f'<openbadges:{element} verify="{text}"/>'
    else:
        baked = f"<openbadges:{element}><![CDATA[{text}]]></openbadges:{element}>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{namespace}" '
        f'viewBox="0 0 10 10">{baked}<circle cx="5" cy="5" r="4"/></svg>'
    ).encode()
