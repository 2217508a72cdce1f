"""The backup file format on its own: sizes and parameters a file may not impose."""

from __future__ import annotations

import hashlib
import struct

import pytest

from wallet.backup.container import (
    MAX_BACKUP_BYTES,
    BackupFileError,
    KdfParameters,
    open_backup,
    seal_backup,
)

PASSPHRASE = "zielony plecak na zimę"
FAST = KdfParameters(memory_kib=8 * 1024, iterations=1, lanes=1)


def test_container_round_trip_gives_the_plaintext_back() -> None:
    plaintext = "zażółć gęślą jaźń".encode() * 100
    assert open_backup(seal_backup(plaintext, PASSPHRASE, FAST), PASSPHRASE) == plaintext


def test_container_two_seals_of_the_same_plaintext_differ() -> None:
    first, second = (seal_backup(b"same", PASSPHRASE, FAST) for _ in range(2))
    assert first[:8] == second[:8] and first[15:43] != second[15:43]  # fresh salt and nonce


def test_container_oversized_file_is_refused_before_reading() -> None:
    with pytest.raises(BackupFileError) as raised:
        open_backup(b"PLCKBKP\x00" + bytes(MAX_BACKUP_BYTES), PASSPHRASE)
    assert raised.value.code == "backup_too_large"


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [(4 * 1024 * 1024, 3, 4), (64 * 1024, 1000, 4), (64 * 1024, 3, 64), (4, 1, 1)],
)
def test_container_costly_kdf_parameters_are_refused_without_running_it(
    memory_kib: int, iterations: int, lanes: int
) -> None:
    data = bytearray(seal_backup(b"payload", PASSPHRASE, FAST))
    struct.pack_into(">IIB", data, 10, memory_kib, iterations, lanes)
    forged = bytes(data[:-32]) + hashlib.sha256(bytes(data[:-32])).digest()
    with pytest.raises(BackupFileError) as raised:
        open_backup(forged, PASSPHRASE)
    assert raised.value.code == "backup_altered"
