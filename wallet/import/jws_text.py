"""Splitting signed text: compact JWS, SD-JWT with disclosures, and JAdES JSON serialisations."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, parse_json_object

_B64URL = r"[A-Za-z0-9_-]"
_COMPACT_JWS = re.compile(rf"{_B64URL}+\.{_B64URL}+\.{_B64URL}*")
_SD_JWT = re.compile(rf"{_B64URL}+\.{_B64URL}+\.{_B64URL}*~(?:{_B64URL}+~)*(?:[A-Za-z0-9_.-]*)")

MAX_SIGNED_TEXT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CompactJws:
    """A compact JWS split into its decoded parts; ``text`` is the exact input."""

    text: str
    header: JsonObject
    payload: JsonObject
    signing_input: bytes
    signature: bytes


def decode_b64url(part: str) -> bytes:
    """Decode unpadded base64url, refusing any other alphabet."""
    if not re.fullmatch(rf"{_B64URL}*", part):
        raise CredentialFormatError("a JWS part is not base64url")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise CredentialFormatError("a JWS part is not valid base64url") from None


def is_compact_jws(text: str) -> bool:
    """Whether ``text`` has the shape ``header.payload.signature``."""
    return _COMPACT_JWS.fullmatch(text) is not None


def is_sd_jwt(text: str) -> bool:
    """Whether ``text`` has the shape ``jwt~disclosure~…~[kb-jwt]``."""
    return "~" in text and _SD_JWT.fullmatch(text) is not None


def split_compact_jws(text: str) -> CompactJws:
    """Decode a compact JWS whose header and payload are JSON objects."""
    if len(text) > MAX_SIGNED_TEXT_BYTES:
        raise CredentialFormatError("the signed text is too large")
    if not is_compact_jws(text):
        raise CredentialFormatError("not a compact JWS: expected three base64url parts")
    header_part, payload_part, signature_part = text.split(".")
    try:
        header = parse_json_object(decode_b64url(header_part))
        payload = parse_json_object(decode_b64url(payload_part))
    except CredentialFormatError as error:
        raise CredentialFormatError(f"a compact JWS whose parts are not JSON: {error}") from None
    return CompactJws(
        text=text,
        header=header,
        payload=payload,
        signing_input=f"{header_part}.{payload_part}".encode("ascii"),
        signature=decode_b64url(signature_part),
    )


def is_jades_json(document: JsonObject) -> bool:
    """Whether a JSON object is a JWS JSON serialisation (``payload`` + ``signatures``)."""
    return isinstance(document.get("payload"), str) and isinstance(document.get("signatures"), list)


def jades_payload(document: JsonObject) -> JsonObject:
    """The credential a JWS JSON serialisation carries, whether or not it is base64url-encoded."""
    payload = document.get("payload")
    signatures = document.get("signatures")
    if not isinstance(payload, str) or not isinstance(signatures, list) or not signatures:
        raise CredentialFormatError("a JWS JSON serialisation without payload or signatures")
    first = signatures[0]
    protected = first.get("protected") if isinstance(first, dict) else None
    if not isinstance(protected, str):
        raise CredentialFormatError("a JWS JSON signature without a protected header")
    header = parse_json_object(decode_b64url(protected))
    # RFC 7797: with "b64": false the payload is the credential text itself.
    if header.get("b64") is False:
        return parse_json_object(payload)
    return parse_json_object(decode_b64url(payload))
