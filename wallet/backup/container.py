"""The encrypted backup file: a versioned header, Argon2id, AES-256-GCM and a checksum.

Layout (big-endian)::

    magic "PLCKBKP\\0" | version u8 | kdf u8 | memory KiB u32 | iterations u32 | lanes u8
    | salt 16 | nonce 12 | key check 16 | ciphertext length u64 | ciphertext | SHA-256 32

The whole header is the cipher's associated data, so no field can change unnoticed. The key
check (derived from the passphrase, never from the contents) tells a wrong passphrase from an
altered file; the trailing SHA-256 of everything before it tells a damaged or altered file
from a wrong passphrase even when the change hit the salt or the parameters.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from wallet.errors import N_, ValidationError
from wallet.passwords import is_common_password

MAGIC = b"PLCKBKP\x00"
VERSION = 1
KDF_ARGON2ID = 1
MAX_BACKUP_BYTES = 64 * 1024 * 1024
# A JSON payload compresses well; anything inflating beyond this is refused, not unpacked.
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024
MIN_PASSPHRASE_CHARS = 12
MAX_PASSPHRASE_CHARS = 1024
_HEADER = struct.Struct(">8sBBIIB16s12s16sQ")
_DIGEST_BYTES = 32
_TAG_BYTES = 16
_CHECK_LABEL = b"plecak backup key check v1"


class BackupFileError(ValidationError):
    """The file cannot be opened; ``code`` names why (format, version, damage, passphrase)."""

    code = "backup"


@dataclass(frozen=True)
class KdfParameters:
    """Argon2id cost: RFC 9106's second recommendation by default (64 MiB, 3 passes, 4 lanes)."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    def acceptable(self) -> bool:
        """Within what this instance is willing to spend opening a file (a file chooses them)."""
        return (
            8 * self.lanes <= self.memory_kib <= 256 * 1024
            and 1 <= self.iterations <= 10
            and 1 <= self.lanes <= 8
        )


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short or too common to protect holder keys."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise ValidationError(
            N_("Use a passphrase of at least 12 characters."), code="passphrase_short"
        )
    if len(passphrase) > MAX_PASSPHRASE_CHARS or is_common_password(passphrase):
        raise ValidationError(
            N_("This passphrase is too common or too long. Choose another."),
            code="passphrase_weak",
        )


def seal_backup(plaintext: bytes, passphrase: str, params: KdfParameters | None = None) -> bytes:
    """``plaintext`` compressed and encrypted under ``passphrase``, as one file."""
    params = params or KdfParameters()
    check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    key, check = _derive(passphrase, salt, params)
    compressed = zlib.compress(plaintext, 6)
    header = _HEADER.pack(
        MAGIC,
        VERSION,
        KDF_ARGON2ID,
        params.memory_kib,
        params.iterations,
        params.lanes,
        salt,
        nonce,
        check,
        len(compressed) + _TAG_BYTES,
    )
    body = header + AESGCM(key).encrypt(nonce, compressed, header)
    sealed = body + hashlib.sha256(body).digest()
    if len(sealed) > MAX_BACKUP_BYTES:
        raise ValidationError(
            N_("Your wallet is too large to back up in one file."), code="backup_too_large"
        )
    return sealed


def open_backup(data: bytes, passphrase: str) -> bytes:
    """The plaintext of a file ``seal_backup`` made; ``BackupFileError`` says what is wrong."""
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupFileError(N_("The backup file is too large."), code="backup_too_large")
    if len(data) < len(MAGIC) or not data.startswith(MAGIC):
        raise BackupFileError(N_("This is not a Plecak backup file."), code="backup_format")
    if len(data) < _HEADER.size:
        raise _truncated()
    fields = _HEADER.unpack_from(data)
    version, kdf, memory, iterations, lanes, salt, nonce, check, length = fields[1:]
    if version != VERSION:
        raise BackupFileError(
            N_("This backup was made by a newer version of Plecak. Update Plecak to restore it."),
            code="backup_version",
        )
    end = _HEADER.size + length
    if len(data) < end + _DIGEST_BYTES:
        raise _truncated()
    body, digest = data[:end], data[end : end + _DIGEST_BYTES]
    if len(data) != end + _DIGEST_BYTES or not hmac.compare_digest(
        hashlib.sha256(body).digest(), digest
    ):
        raise _altered()
    params = KdfParameters(memory, iterations, lanes)
    if kdf != KDF_ARGON2ID or not params.acceptable() or length < _TAG_BYTES:
        raise _altered()
    key, expected = _derive(passphrase, salt, params)
    if not hmac.compare_digest(check, expected):
        raise BackupFileError(
            N_("The passphrase is wrong. Enter the passphrase you chose for this backup."),
            code="backup_passphrase",
        )
    try:
        compressed = AESGCM(key).decrypt(nonce, body[_HEADER.size :], body[: _HEADER.size])
    except InvalidTag:
        raise _altered() from None
    return _inflate(compressed)


def _derive(passphrase: str, salt: bytes, params: KdfParameters) -> tuple[bytes, bytes]:
    """The AES key and the key check, both from one Argon2id run."""
    material = Argon2id(
        salt=salt,
        length=64,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase.encode())
    check = hashlib.sha256(_CHECK_LABEL + material[32:]).digest()[:16]
    return material[:32], check


def _inflate(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        plaintext = inflater.decompress(compressed, MAX_PAYLOAD_BYTES)
    except zlib.error:
        raise _altered() from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise BackupFileError(N_("The backup holds more than Plecak restores."), code="backup_size")
    return plaintext


def _truncated() -> BackupFileError:
    return BackupFileError(
        N_("The backup file is incomplete: it was cut short while being saved or copied."),
        code="backup_truncated",
    )


def _altered() -> BackupFileError:
    return BackupFileError(
        N_("The backup file is damaged or has been altered, so it cannot be restored."),
        code="backup_altered",
    )
