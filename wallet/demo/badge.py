"""The demo's Open Badges 2.0 badge: a signed assertion baked into a PNG.

Signed OB 2.0 badges name their key by URL, so an offline import cannot check the signature: the
wallet stores the badge and honestly calls it "unverifiable" until the issuer's key can be read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib

from wallet.demo.issuer import b64url, compact_json
from wallet.demo.portfolio import DemoIssuers
from wallet.jsonvalues import JsonObject

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
BADGES = "https://odznaki.demo.plecak.example"


def signed_badge_png(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """A PNG with a JWS-signed OB 2.0 assertion baked into an ``openbadges`` iTXt chunk."""
    signer = issuers.library
    header: JsonObject = {"alg": "ES256"}
    signing_input = f"{b64url(compact_json(header))}.{b64url(compact_json(_assertion(email, at)))}"
    token = f"{signing_input}.{b64url(signer.sign_bytes(signing_input.encode()))}"
    return _png(b"openbadges\x00\x00\x00\x00\x00" + token.encode())


def _assertion(email: str, at: dt.datetime) -> JsonObject:
    salt = "plecak-demo"
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": "urn:uuid:5a3f0c2e-8d4b-4c1e-9f6a-2b7d0e1c3a55",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
        },
        "issuedOn": (at - dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verification": {"type": "SignedBadge", "creator": f"{BADGES}/klucze/1"},
        "badge": {
            "type": "BadgeClass",
            "id": f"{BADGES}/odznaki/wolontariusz-cyfrowy",
            "name": "Wolontariusz cyfrowy (Digital volunteer)",
            "description": "Pomagał seniorom w bibliotece w korzystaniu z e-usług publicznych.",
            "image": f"{BADGES}/odznaki/wolontariusz-cyfrowy.png",
            "criteria": {"narrative": "Co najmniej 20 godzin dyżurów w punkcie pomocy cyfrowej."},
            "tags": ["wolontariat", "kompetencje cyfrowe"],
            "issuer": {
                "type": "Issuer",
                "id": f"{BADGES}/wystawca",
                "name": "Biblioteka Publiczna (demo)",
                "url": BADGES,
                "email": "odznaki@demo.plecak.example",
                "publicKey": f"{BADGES}/klucze/1",
            },
        },
    }


def _png(itxt: bytes) -> bytes:
    """A 1×1 PNG carrying one iTXt chunk."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1f\x5f\x8b")
    chunks = ((b"IHDR", header), (b"iTXt", itxt), (b"IDAT", pixels), (b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(_chunk(kind, data) for kind, data in chunks)


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
