"""The CBOR reader, rule by rule: RFC 8949's own examples, and every reason a value is refused.

Values are the examples of RFC 8949 Appendix A that Data Integrity proof values can hold
(integers, strings, arrays, maps, tags, false, true and null); floats, other simple values and
indefinite lengths are refused, like malformed, truncated, trailed or too deeply nested data.
"""

from __future__ import annotations

import pytest

from wallet.errors import CredentialFormatError
from wallet.verification.cbor import CborValue, decode_cbor

# (diagnostic notation, encoding, value) from RFC 8949 Appendix A; a tag gives its content.
RFC_8949_EXAMPLES: list[tuple[str, str, CborValue]] = [
    ("0", "00", 0),
    ("1", "01", 1),
    ("10", "0a", 10),
    ("23", "17", 23),
    ("24", "1818", 24),
    ("25", "1819", 25),
    ("100", "1864", 100),
    ("1000", "1903e8", 1000),
    ("1000000", "1a000f4240", 1000000),
    ("1000000000000", "1b000000e8d4a51000", 1000000000000),
    ("18446744073709551615", "1bffffffffffffffff", 18446744073709551615),
    ("2(h'010000000000000000')", "c249010000000000000000", bytes.fromhex("010000000000000000")),
    ("-18446744073709551616", "3bffffffffffffffff", -18446744073709551616),
    ("-1", "20", -1),
    ("-10", "29", -10),
    ("-100", "3863", -100),
    ("-1000", "3903e7", -1000),
    ("false", "f4", False),
    ("true", "f5", True),
    ("null", "f6", None),
    (
        '0("2013-03-21T20:04:00Z")',
        "c074323031332d30332d32315432303a30343a30305a",
        "2013-03-21T20:04:00Z",
    ),
    ("1(1363896240)", "c11a514b67b0", 1363896240),
    ("23(h'01020304')", "d74401020304", b"\x01\x02\x03\x04"),
    ("24(h'6449455446')", "d818456449455446", b"dIETF"),
    (
        '32("http://www.example.com")',
        "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
        "http://www.example.com",
    ),
    ("h''", "40", b""),
    ("h'01020304'", "4401020304", b"\x01\x02\x03\x04"),
    ('""', "60", ""),
    ('"a"', "6161", "a"),
    ('"IETF"', "6449455446", "IETF"),
    ('"\\"\\\\"', "62225c", '"\\'),
    ('"\\u00fc"', "62c3bc", "\u00fc"),
    ('"\\u6c34"', "63e6b0b4", "\u6c34"),
    ('"\\ud800\\udd51"', "64f0908591", "\U00010151"),
    ("[]", "80", []),
    ("[1, 2, 3]", "83010203", [1, 2, 3]),
    ("[1, [2, 3], [4, 5]]", "8301820203820405", [1, [2, 3], [4, 5]]),
    (
        "[1, 2, ..., 25]",
        "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
        list(range(1, 26)),
    ),
    ("{}", "a0", {}),
    ("{1: 2, 3: 4}", "a201020304", {1: 2, 3: 4}),
    ('{"a": 1, "b": [2, 3]}', "a26161016162820203", {"a": 1, "b": [2, 3]}),
    ('["a", {"b": "c"}]', "826161a161626163", ["a", {"b": "c"}]),
    (
        '{"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}',
        "a56161614161626142616361436164614461656145",
        {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"},
    ),
]

# RFC 8949 Appendix A examples outside what the reader accepts.
RFC_8949_REFUSED: list[tuple[str, str, str]] = [
    ("0.0", "f90000", "unsupported CBOR simple value or float"),
    ("1.1", "fb3ff199999999999a", "unsupported CBOR simple value or float"),
    ("100000.0", "fa47c35000", "unsupported CBOR simple value or float"),
    ("undefined", "f7", "unsupported CBOR simple value or float"),
    ("simple(16)", "f0", "unsupported CBOR simple value or float"),
    ("simple(255)", "f8ff", "unsupported CBOR simple value or float"),
    (
        "(_ h'0102', h'030405')",
        "5f42010243030405ff",
        "indefinite-length CBOR items are not accepted",
    ),
    (
        '(_ "strea", "ming")',
        "7f657374726561646d696e67ff",
        "indefinite-length CBOR items are not accepted",
    ),
    ("[_ ]", "9fff", "indefinite-length CBOR items are not accepted"),
    ("{_ }", "bfff", "indefinite-length CBOR items are not accepted"),
]


@pytest.mark.parametrize(
    ("encoded", "value"),
    [(encoded, value) for _, encoded, value in RFC_8949_EXAMPLES],
    ids=[encoded for _, encoded, _ in RFC_8949_EXAMPLES],
)
def test_decode_cbor_reads_the_rfc_8949_examples(encoded: str, value: CborValue) -> None:
    decoded = decode_cbor(bytes.fromhex(encoded))

    assert decoded == value
    assert type(decoded) is type(value)


@pytest.mark.parametrize(
    ("encoded", "detail"),
    [(encoded, detail) for _, encoded, detail in RFC_8949_REFUSED],
    ids=[encoded for _, encoded, _ in RFC_8949_REFUSED],
)
def test_decode_cbor_refuses_the_rfc_8949_examples_it_does_not_read(
    encoded: str, detail: str
) -> None:
    with pytest.raises(CredentialFormatError) as raised:
        decode_cbor(bytes.fromhex(encoded))

    assert raised.value.detail == detail


@pytest.mark.parametrize(
    ("encoded", "detail"),
    [
        ("", "the CBOR value ends early"),
        ("18", "the CBOR value ends early"),
        ("1900", "the CBOR value ends early"),
        ("1a000f42", "the CBOR value ends early"),
        ("1b000000e8d4a510", "the CBOR value ends early"),
        ("c1", "the CBOR value ends early"),
        ("78", "the CBOR value ends early"),
        ("8201", "a CBOR array is longer than its data"),
        ("830102", "a CBOR array is longer than its data"),
        ("820118", "the CBOR value ends early"),
        ("a30102", "a CBOR map is longer than its data"),
        ("a20102", "the CBOR value ends early"),
        ("a101", "the CBOR value ends early"),
        ("82010203", "the CBOR value has trailing bytes"),
        ("0000", "the CBOR value has trailing bytes"),
        ("a0f6", "the CBOR value has trailing bytes"),
        ("4401020304ff", "the CBOR value has trailing bytes"),
        ("44010203", "a CBOR string runs past the end"),
        ("64494554", "a CBOR string runs past the end"),
        ("61ff", "a CBOR text string is not UTF-8"),
        ("62c328", "a CBOR text string is not UTF-8"),
        ("1c", "indefinite-length CBOR items are not accepted"),
        ("1d", "indefinite-length CBOR items are not accepted"),
        ("1e", "indefinite-length CBOR items are not accepted"),
        ("a1f501", "a CBOR map key is not a number or string"),
        ("a1f401", "a CBOR map key is not a number or string"),
        ("a1f601", "a CBOR map key is not a number or string"),
        ("a18001", "a CBOR map key is not a number or string"),
        ("a1a00102", "a CBOR map key is not a number or string"),
    ],
    ids=lambda value: value.split(" ")[-1] or "empty",
)
def test_decode_cbor_refuses_malformed_data_saying_why(encoded: str, detail: str) -> None:
    with pytest.raises(CredentialFormatError) as raised:
        decode_cbor(bytes.fromhex(encoded))

    assert raised.value.detail == detail


@pytest.mark.parametrize(
    ("encoded", "value"),
    [
        ("a1c10102", {1: 2}),
        ("a14001", {b"": 1}),
        ("a16001", {"": 1}),
        ("a12000", {-1: 0}),
        ("a10000", {0: 0}),
        ("c1c1c101", 1),
    ],
)
def test_decode_cbor_map_keys_numbers_and_strings_even_tagged(
    encoded: str, value: CborValue
) -> None:
    assert decode_cbor(bytes.fromhex(encoded)) == value


def nested(wrapper: str, levels: int) -> CborValue:
    value: CborValue = 0
    for _ in range(levels):
        value = [value] if wrapper == "81" else {0: value} if wrapper == "a100" else value
    return value


@pytest.mark.parametrize("wrapper", ["81", "a100", "c1"], ids=["array", "map", "tag"])
def test_decode_cbor_reads_8_levels_and_refuses_9(wrapper: str) -> None:
    assert decode_cbor(bytes.fromhex(wrapper * 8 + "00")) == nested(wrapper, 8)
    with pytest.raises(CredentialFormatError) as raised:
        decode_cbor(bytes.fromhex(wrapper * 9 + "00"))

    assert raised.value.detail == "the CBOR value is nested too deeply"


def test_decode_cbor_map_key_counts_as_a_level() -> None:
    # The map is level 0 and its key level 1, so a key tagged 7 times is read and 8 times not.
    assert decode_cbor(bytes.fromhex("a1" + "c1" * 7 + "00" + "01")) == {0: 1}
    with pytest.raises(CredentialFormatError) as raised:
        decode_cbor(bytes.fromhex("a1" + "c1" * 8 + "00" + "01"))

    assert raised.value.detail == "the CBOR value is nested too deeply"
