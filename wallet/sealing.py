"""Sealing secrets at rest: AES-GCM under a key derived from the app secret for one purpose."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"plecak sealed secret v1"
_NONCE_BYTES = 12


class SealBroken(Exception):
    """Sealed bytes were altered, or sealed under another secret, purpose or context."""


def _cipher(secret: str, purpose: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=purpose.encode(), info=_INFO).derive(
        secret.encode()
    )
    return AESGCM(derived)


def seal(secret: str, purpose: str, plaintext: bytes, context: str) -> bytes:
    """``plaintext`` encrypted for ``purpose``; ``context`` (the owner, say) is authenticated too.

    A sealed value copied to another row (another ``context``) no longer opens.
    """
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + _cipher(secret, purpose).encrypt(nonce, plaintext, context.encode())


def unseal(secret: str, purpose: str, sealed: bytes, context: str) -> bytes:
    """The plaintext ``seal`` was given; ``SealBroken`` if anything about it differs."""
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        return _cipher(secret, purpose).decrypt(nonce, ciphertext, context.encode())
    except (InvalidTag, ValueError):
        raise SealBroken(f"a sealed {purpose} value does not open") from None
