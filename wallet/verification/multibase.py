"""Multibase and multicodec encodings used by DIDs and Data Integrity proofs."""

from __future__ import annotations

import base64
import binascii

from wallet.errors import CredentialFormatError, ValidationError

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}

# Multicodec varint prefixes of the public keys Plecak reads.
ED25519_PUB = b"\xed\x01"
P256_PUB = b"\x80\x24"
P384_PUB = b"\x81\x24"


def encode_base58(data: bytes) -> str:
    """Bitcoin-alphabet base58 of ``data`` (leading zero bytes become "1")."""
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def decode_base58(text: str) -> bytes:
    """Bytes of a Bitcoin-alphabet base58 string; ``ValidationError`` on a foreign character."""
    number = 0
    for char in text:
        value = _INDEX.get(char)
        if value is None:
            raise ValidationError(f"{char!r} is not a base58 character")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc (``z`` prefix) of ``data``."""
    return "z" + encode_base58(data)


def decode_multibase(text: str) -> bytes:
    """Bytes of a multibase string in base58btc (``z``) or base64url (``u``)."""
    if text.startswith("z"):
        return decode_base58(text[1:])
    if text.startswith("u"):
        return decode_base64url(text[1:])
    raise ValidationError("multibase value is neither base58btc ('z') nor base64url ('u')")


def decode_base64url(text: str) -> bytes:
    """Bytes of unpadded (or padded) base64url text; ``CredentialFormatError`` when malformed."""
    try:
        padded = text + "=" * (-len(text) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise CredentialFormatError("value is not valid base64url") from None


def encode_base64url(data: bytes) -> str:
    """Unpadded base64url text of ``data``."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
