"""Recognising signed text by its shape: compact JWS, SD-JWT, JAdES JSON serialisation."""

from __future__ import annotations

import re

from wallet.jsonvalues import JsonObject

_B64URL = r"[A-Za-z0-9_-]"
_COMPACT_JWS = re.compile(rf"{_B64URL}+\.{_B64URL}+\.{_B64URL}*")
_SD_JWT = re.compile(rf"{_B64URL}+\.{_B64URL}+\.{_B64URL}*~(?:{_B64URL}+~)*(?:[A-Za-z0-9_.-]*)")

MAX_SIGNED_TEXT_BYTES = 5 * 1024 * 1024


def is_compact_jws(text: str) -> bool:
    """Whether ``text`` has the shape ``header.payload.signature``."""
    return _COMPACT_JWS.fullmatch(text) is not None


def is_sd_jwt(text: str) -> bool:
    """Whether ``text`` has the shape ``jwt~disclosure~…~[kb-jwt]``."""
    return "~" in text and _SD_JWT.fullmatch(text) is not None


def is_jades_json(document: JsonObject) -> bool:
    """Whether a JSON object is a JWS JSON serialisation (``payload`` + ``signatures``)."""
    return isinstance(document.get("payload"), str) and isinstance(document.get("signatures"), list)
