"""Status lists for tests: encoded bitstrings and the list credentials that carry them."""

from __future__ import annotations

import base64
import gzip
from typing import Any

MIN_BITS = 16 * 1024 * 8


def encode_bitstring(values: dict[int, int], *, size: int = 1, entries: int = MIN_BITS) -> bytes:
    """A bitstring with ``values[index]`` stored in ``size`` bits, most significant bit first."""
    bits = bytearray((entries * size + 7) // 8)
    for index, value in values.items():
        for offset in range(size):
            if value >> (size - 1 - offset) & 1:
                position = index * size + offset
                bits[position // 8] |= 0x80 >> (position % 8)
    return bytes(bits)


def encode_list(
    values: dict[int, int], *, size: int = 1, entries: int = MIN_BITS, multibase: bool = True
) -> str:
    """``encodedList``: GZIP, base64url without padding, with the multibase ``u`` prefix."""
    compressed = gzip.compress(encode_bitstring(values, size=size, entries=entries), mtime=0)
    text = base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")
    return "u" + text if multibase else text


def bitstring_list_credential(
    url: str, issuer: str, encoded: str, *, purpose: str = "revocation", **extra: Any
) -> dict[str, Any]:
    """A BitstringStatusListCredential (VCDM 2.0) with no proof."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
        **extra,
    }


def status_list_2021_credential(url: str, issuer: str, encoded: str) -> dict[str, Any]:
    """A StatusList2021Credential (VCDM 1.1) with no proof."""
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": url,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": issuer,
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": url + "#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


def bitstring_entry(
    list_url: str, index: int, *, purpose: str = "revocation", **extra: Any
) -> dict[str, Any]:
    """A BitstringStatusListEntry pointing at entry ``index`` of ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
        **extra,
    }
