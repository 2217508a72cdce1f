"""Multibase, base58btc and base64url against published vectors, and the refusal of each
malformed value."""

from __future__ import annotations

import pytest

from wallet.errors import CredentialFormatError, ValidationError
from wallet.verification.multibase import (
    decode_base58,
    decode_base64url,
    decode_multibase,
    encode_base58,
    encode_base64url,
    encode_multibase,
)

# draft-msporny-base58-03 section 5 (IETF Trust): bytes and their base58btc text.
BASE58_VECTORS = [
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
    ),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
]
# Edge values: nothing, zero bytes only, one full byte, a value just past a byte boundary.
BASE58_EDGES = [
    (b"", ""),
    (b"\0", "1"),
    (b"\0\0\0", "111"),
    (b"\xff", "5Q"),
    (b"\x01\x00", "5R"),
    (b"\0\x01", "12"),
    (bytes(range(1, 58)), None),
]
# RFC 4648 section 10 (IETF Trust), unpadded, and values using the two URL-safe characters.
BASE64URL_VECTORS = [
    (b"", ""),
    (b"f", "Zg"),
    (b"fo", "Zm8"),
    (b"foo", "Zm9v"),
    (b"foob", "Zm9vYg"),
    (b"fooba", "Zm9vYmE"),
    (b"foobar", "Zm9vYmFy"),
    (b"\xfb\xff", "-_8"),
    (b"\0\0\x17", "AAAX"),
]


@pytest.mark.parametrize(("data", "text"), BASE58_VECTORS)
def test_base58_published_vectors_round_trip(data: bytes, text: str) -> None:
    assert encode_base58(data) == text
    assert decode_base58(text) == data


@pytest.mark.parametrize(("data", "text"), BASE58_EDGES)
def test_base58_edge_values_round_trip(data: bytes, text: str | None) -> None:
    if text is not None:
        assert encode_base58(data) == text
    assert decode_base58(encode_base58(data)) == data


def test_base58_every_digit_has_its_place_in_the_alphabet() -> None:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    assert [decode_base58("2" + digit) for digit in alphabet] == [
        bytes([58 + value]) for value in range(58)
    ]
    assert [encode_base58(bytes([value])) for value in range(58)] == list(alphabet)


@pytest.mark.parametrize("char", ["0", "O", "I", "l", "+", " ", "é"])
def test_decode_base58_foreign_character_is_named(char: str) -> None:
    with pytest.raises(ValidationError) as error:
        decode_base58(f"2NEpo{char}7TZ")
    assert error.value.detail == f"{char!r} is not a base58 character"


@pytest.mark.parametrize(("data", "text"), BASE64URL_VECTORS)
def test_base64url_published_vectors_round_trip(data: bytes, text: str) -> None:
    assert encode_base64url(data) == text
    assert decode_base64url(text) == data


@pytest.mark.parametrize(("text", "data"), [("Zg==", b"f"), ("Zm8=", b"fo"), ("Zm9v", b"foo")])
def test_decode_base64url_padded_text_is_read(text: str, data: bytes) -> None:
    assert decode_base64url(text) == data


@pytest.mark.parametrize(
    "text", ["Z", "Zm9vY", "Zm9v Yg", "Zm    9v", "Zm9v!", "Zm9vé", "Zg===", "=Zg"]
)
def test_decode_base64url_malformed_text_is_refused(text: str) -> None:
    with pytest.raises(CredentialFormatError) as error:
        decode_base64url(text)
    assert error.value.detail == "value is not valid base64url"


# The multibase specification's example (IETF draft-multiformats-multibase-08, "yes mani !").
@pytest.mark.parametrize("text", ["z7paNL19xttacUY", "ueWVzIG1hbmkgIQ"])
def test_decode_multibase_published_example(text: str) -> None:
    assert decode_multibase(text) == b"yes mani !"


def test_encode_multibase_is_base58btc_with_z() -> None:
    assert encode_multibase(b"yes mani !") == "z7paNL19xttacUY"
    assert encode_multibase(b"") == "z"


@pytest.mark.parametrize("text", ["", "Z7paNL19xttacUY", "f796573206d616e692021", "m", "7paNL"])
def test_decode_multibase_other_base_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        decode_multibase(text)
    assert error.value.detail == "multibase value is neither base58btc ('z') nor base64url ('u')"


def test_decode_multibase_malformed_body_is_refused_by_its_base() -> None:
    with pytest.raises(ValidationError):
        decode_multibase("z0")
    with pytest.raises(CredentialFormatError):
        decode_multibase("uZ")
