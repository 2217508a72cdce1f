"""JSON values from untrusted input: a typed alias and a parser with size and depth caps."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import TypeAlias

from wallet.errors import CredentialFormatError

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"

MAX_JSON_BYTES = 5 * 1024 * 1024
MAX_JSON_DEPTH = 64
# A string with its escape pairs: an escaped quote never ends it.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEPS = {"[": 1, "{": 1, "]": -1, "}": -1}


def parse_json(
    data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> JsonValue:
    """Decode JSON text, refusing oversized or too deeply nested documents."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size > max_bytes:
        raise CredentialFormatError(
            f"JSON document is {size} bytes; the limit is {max_bytes}", reason="too_large"
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CredentialFormatError(
                f"JSON is not valid UTF-8: {error.reason}", reason="invalid_json"
            ) from None
    else:
        text = data
    _check_depth(text, max_depth)
    try:
        value: JsonValue = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise CredentialFormatError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            reason="invalid_json",
        ) from None
    return value


def parse_json_object(data: bytes | str, **caps: int) -> JsonObject:
    """Like ``parse_json`` but the top level must be an object."""
    value = parse_json(data, **caps)
    if not isinstance(value, dict):
        raise CredentialFormatError("expected a JSON object at the top level")
    return value


def _refuse_constant(name: str) -> JsonValue:
    raise CredentialFormatError(
        f"JSON contains the non-standard constant {name}", reason="invalid_json"
    )


def _check_depth(text: str, max_depth: int) -> None:
    """Measure bracket nesting outside strings before the decoder recurses.

    Strings, then everything but brackets, are cut out by expressions and the depth summed up
    by ``accumulate``: all in C, as every credential read passes here.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) <= max_depth:
        return
    if max(accumulate(map(_STEPS.__getitem__, brackets))) > max_depth:
        raise CredentialFormatError(
            f"JSON is nested deeper than {max_depth} levels", reason="unsafe_file"
        )
