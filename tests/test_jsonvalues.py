"""The JSON parser every untrusted document goes through: its depth and size caps."""

from __future__ import annotations

import json

import pytest

from wallet.errors import CredentialFormatError
from wallet.jsonvalues import MAX_JSON_DEPTH, parse_json, parse_json_object


def nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
def test_parse_json_nesting_up_to_the_cap_is_read_one_more_is_refused(
    opener: str, closer: str
) -> None:
    parse_json(
        nested(MAX_JSON_DEPTH, opener, closer).replace(opener + closer, opener + "1" + closer)
    )
    with pytest.raises(CredentialFormatError, match=f"deeper than {MAX_JSON_DEPTH}") as refused:
        parse_json(nested(MAX_JSON_DEPTH + 1, opener, closer))
    assert refused.value.reason == "unsafe_file"


def test_parse_json_depth_is_the_deepest_point_not_the_bracket_count() -> None:
    wide = json.dumps([[[1]] for _ in range(500)])
    assert len(parse_json(wide)) == 500  # type: ignore[arg-type]
    deep_at_the_end = (
        json.dumps([[1] for _ in range(100)])[:-1] + "," + nested(MAX_JSON_DEPTH) + "]"
    )
    with pytest.raises(CredentialFormatError, match="deeper than"):
        parse_json(deep_at_the_end)


def test_parse_json_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"note": "[" * 500 + '\\" {{{' + "]" * 3, "list": [["a"]]})
    assert parse_json_object(text)["list"] == [["a"]]
    escaped_quote = '{"a": "x\\\\", "b": "' + "[" * 100 + '"}'
    assert parse_json_object(escaped_quote)["b"] == "[" * 100


def test_parse_json_caps_the_size_and_names_the_limit() -> None:
    with pytest.raises(CredentialFormatError, match="limit is 10") as refused:
        parse_json(b'{"a": "0123456789"}', max_bytes=10)
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("text", ['{"a": "unterminated', "[1, 2", '{"a": 1}}'])
def test_parse_json_malformed_text_is_refused_as_invalid(text: str) -> None:
    with pytest.raises(CredentialFormatError) as refused:
        parse_json(text)
    assert refused.value.reason == "invalid_json"
