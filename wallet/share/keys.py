"""The holder's own key: an Ed25519 did:key, sealed with a key derived from the app secret."""

from __future__ import annotations

import os
from datetime import datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.models import HolderKey
from wallet.models.base import utcnow
from wallet.verification.multibase import ED25519_PUB, encode_multibase

_INFO = b"plecak holder key v1"


def _sealing_key(secret: str, user_id: int) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=f"user:{user_id}".encode(), info=_INFO
    ).derive(secret.encode())
    return AESGCM(derived)


def did_key(private_key: Ed25519PrivateKey) -> str:
    """The did:key identifier of ``private_key``'s public half."""
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return f"did:key:{encode_multibase(ED25519_PUB + raw)}"


def verification_method(did: str) -> str:
    """The did:key DID URL of the key itself: the DID with the key as its fragment."""
    return f"{did}#{did.removeprefix('did:key:')}"


def stored_holder_key(
    session: Session, user_id: int, secret: str
) -> tuple[HolderKey, Ed25519PrivateKey] | None:
    """The holder's key row and private key if one was made; never makes one."""
    stored = session.scalar(select(HolderKey).where(HolderKey.user_id == user_id))
    if stored is None:
        return None
    sealed = stored.encrypted_private_key
    raw = _sealing_key(secret, user_id).decrypt(sealed[:12], sealed[12:], stored.did.encode())
    return stored, Ed25519PrivateKey.from_private_bytes(raw)


def holder_key(session: Session, user_id: int, secret: str) -> tuple[str, Ed25519PrivateKey]:
    """The holder's DID and private key, made on first use; the caller commits."""
    found = stored_holder_key(session, user_id, secret)
    if found is not None:
        return found[0].did, found[1]
    private_key = Ed25519PrivateKey.generate()
    return adopt_holder_key(session, user_id, secret, private_key), private_key


def adopt_holder_key(
    session: Session,
    user_id: int,
    secret: str,
    private_key: Ed25519PrivateKey,
    created_at: datetime | None = None,
) -> str:
    """Store ``private_key`` (new, or restored from a backup) as the holder's key; its DID."""
    did = did_key(private_key)
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = os.urandom(12)
    session.add(
        HolderKey(
            user_id=user_id,
            did=did,
            encrypted_private_key=nonce
            + _sealing_key(secret, user_id).encrypt(nonce, raw, did.encode()),
            created_at=created_at or utcnow(),
        )
    )
    session.flush()
    return did
