"""A bounded CBOR (RFC 8949) reader for the few shapes Data Integrity proof values use."""

from __future__ import annotations

from typing import TypeAlias

from wallet.errors import CredentialFormatError

CborValue: TypeAlias = (
    int | bytes | str | bool | list["CborValue"] | dict["CborKey", "CborValue"] | None
)
CborKey: TypeAlias = int | bytes | str
MAX_DEPTH = 8


def decode_cbor(data: bytes) -> CborValue:
    """The single CBOR item in ``data``; ``CredentialFormatError`` when malformed or trailed."""
    value, end = _item(data, 0, 0)
    if end != len(data):
        raise CredentialFormatError("the CBOR value has trailing bytes")
    return value


def _item(data: bytes, at: int, depth: int) -> tuple[CborValue, int]:
    if depth > MAX_DEPTH:
        raise CredentialFormatError("the CBOR value is nested too deeply")
    major, argument, at = _head(data, at)
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        if at + argument > len(data):
            raise CredentialFormatError("a CBOR string runs past the end")
        chunk = data[at : at + argument]
        at += argument
        if major == 2:
            return chunk, at
        try:
            return chunk.decode("utf-8"), at
        except UnicodeDecodeError:
            raise CredentialFormatError("a CBOR text string is not UTF-8") from None
    if major == 4:
        return _array(data, at, argument, depth)
    if major == 5:
        return _map(data, at, argument, depth)
    if major == 6:
        return _item(data, at, depth + 1)
    return _simple(argument), at


def _array(data: bytes, at: int, count: int, depth: int) -> tuple[CborValue, int]:
    if count > len(data) - at:
        raise CredentialFormatError("a CBOR array is longer than its data")
    items: list[CborValue] = []
    for _ in range(count):
        item, at = _item(data, at, depth + 1)
        items.append(item)
    return items, at


def _map(data: bytes, at: int, count: int, depth: int) -> tuple[CborValue, int]:
    if count > len(data) - at:
        raise CredentialFormatError("a CBOR map is longer than its data")
    entries: dict[CborKey, CborValue] = {}
    for _ in range(count):
        key, at = _item(data, at, depth + 1)
        if not isinstance(key, int | bytes | str) or isinstance(key, bool):
            raise CredentialFormatError("a CBOR map key is not a number or string")
        entries[key], at = _item(data, at, depth + 1)
    return entries, at


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """Major type, argument and the offset after the head of the item at ``at``."""
    if at >= len(data):
        raise CredentialFormatError("the CBOR value ends early")
    initial = data[at]
    major, info = initial >> 5, initial & 0x1F
    at += 1
    if info < 24:
        return major, info, at
    widths = {24: 1, 25: 2, 26: 4, 27: 8}
    if info not in widths:
        raise CredentialFormatError("indefinite-length CBOR items are not accepted")
    width = widths[info]
    if at + width > len(data):
        raise CredentialFormatError("the CBOR value ends early")
    return major, int.from_bytes(data[at : at + width], "big"), at + width


def _simple(argument: int) -> CborValue:
    simple: dict[int, CborValue] = {20: False, 21: True, 22: None}
    if argument not in simple:
        raise CredentialFormatError("unsupported CBOR simple value or float")
    return simple[argument]
