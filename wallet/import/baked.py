"""Badges baked into images: the ``openbadges`` PNG chunk and the SVG ``openbadges:`` element."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ElementTree
import zlib
from dataclasses import dataclass

from wallet.errors import CredentialFormatError

from .detect import PNG_SIGNATURE

MAX_PNG_BYTES = 20 * 1024 * 1024
MAX_PNG_CHUNKS = 10_000
MAX_PNG_PIXELS = 50_000_000
MAX_BAKED_TEXT_BYTES = 5 * 1024 * 1024
MAX_SVG_BYTES = 10 * 1024 * 1024

# OB 2.0 bakes "openbadges" (iTXt, or tEXt holding a URL before 1.0); OB 3.0 "openbadgecredential".
_PNG_KEYWORDS = (b"openbadges", b"openbadgecredential")
_SVG_NAMESPACES = ("http://openbadges.org", "https://purl.imsglobal.org/ob/v3p0")
_SVG_ELEMENTS = ("assertion", "credential")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_QUOTED = rb"(?:\"[^\"<>]*\"|'[^'<>]*')"
# A name and at most a public identifier with its system literal: no internal subset.
_PUBLIC_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+[A-Za-z_:][\w.:-]*(?:\s+PUBLIC\s+" + _QUOTED + rb"\s+" + _QUOTED + rb")?\s*>",
    re.IGNORECASE,
)
_XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")


@dataclass(frozen=True)
class BakedContent:
    """The text an image carries and how it was found (``png:iTXt``, ``svg:assertion``…)."""

    text: str
    location: str


def extract_png(data: bytes) -> BakedContent:
    """The first openbadges chunk of a PNG, after checking its structure, CRCs and size."""
    if len(data) > MAX_PNG_BYTES:
        raise CredentialFormatError(
            f"the PNG is larger than {MAX_PNG_BYTES} bytes", reason="too_large"
        )
    if not data.startswith(PNG_SIGNATURE):
        raise CredentialFormatError("not a PNG image", reason="damaged_image")
    found: BakedContent | None = None
    for count, (kind, body) in enumerate(_chunks(data), start=1):
        if count == 1:
            _check_header(kind, body)
        elif found is None and kind in (b"iTXt", b"tEXt"):
            found = _badge_text(kind, body)
    if found is None:
        raise CredentialFormatError(
            "a PNG without an openbadges chunk", reason="image_without_credential"
        )
    return found


def extract_svg(data: bytes) -> BakedContent:
    """The ``openbadges:assertion`` or ``openbadges:credential`` content of an SVG."""
    if len(data) > MAX_SVG_BYTES:
        raise CredentialFormatError(
            f"the SVG is larger than {MAX_SVG_BYTES} bytes", reason="too_large"
        )
    _check_svg_prolog(data)
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - entities and subsets are refused above
    except ElementTree.ParseError as error:
        raise CredentialFormatError(
            f"an SVG that is not well-formed XML: {error}", reason="damaged_image"
        ) from None
    if _local_name(root.tag) != "svg":
        raise CredentialFormatError(
            "XML whose root element is not <svg>", reason="not_a_credential"
        )
    for element in root.iter():
        namespace, name = _split_tag(element.tag)
        if namespace in _XINCLUDE_NAMESPACES:
            raise CredentialFormatError("an SVG with an XInclude element, refused")
    for element in root.iter():
        namespace, name = _split_tag(element.tag)
        if namespace in _SVG_NAMESPACES and name in _SVG_ELEMENTS:
            return _svg_content(element, name)
    raise CredentialFormatError(
        "an SVG without an openbadges:assertion or credential element",
        reason="image_without_credential",
    )


def _check_svg_prolog(data: bytes) -> None:
    """Allow a public DOCTYPE; refuse entity declarations and internal or private DTD subsets.

    Expat never loads an external DTD, so with no internal subset it expands only the five
    predefined entities: no entity bombs and no external files.
    """
    if _ENTITY.search(data):
        raise CredentialFormatError("an SVG with an entity declaration, refused")
    doctypes = list(_DOCTYPE.finditer(data))
    if len(doctypes) > 1:
        raise CredentialFormatError("an SVG with more than one DOCTYPE, refused")
    if doctypes and not _PUBLIC_DOCTYPE.match(data, doctypes[0].start()):
        raise CredentialFormatError("an SVG whose DOCTYPE has an internal subset or private DTD")


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every (type, data) pair up to IEND; lengths and CRCs are checked."""
    chunks: list[tuple[bytes, bytes]] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 12 > len(data):
            raise CredentialFormatError(
                "a truncated PNG: it ends before its IEND chunk", reason="damaged_image"
            )
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        end = offset + 8 + length
        if length > 2**31 - 1 or end + 4 > len(data):
            raise CredentialFormatError(
                "a PNG chunk runs past the end of the file", reason="damaged_image"
            )
        body = data[offset + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(kind + body) != crc:
            name = kind.decode("latin-1")
            raise CredentialFormatError(
                f"a damaged PNG: the {name} chunk fails its CRC check", reason="damaged_image"
            )
        chunks.append((kind, body))
        if len(chunks) > MAX_PNG_CHUNKS:
            raise CredentialFormatError(
                f"a PNG with more than {MAX_PNG_CHUNKS} chunks", reason="unsafe_file"
            )
        if kind == b"IEND":
            return chunks
        offset = end + 4


def _check_header(kind: bytes, body: bytes) -> None:
    if kind != b"IHDR" or len(body) != 13:
        raise CredentialFormatError(
            "a PNG whose first chunk is not a valid IHDR", reason="damaged_image"
        )
    width, height = struct.unpack(">II", body[:8])
    if width == 0 or height == 0:
        raise CredentialFormatError("a PNG with zero width or height", reason="damaged_image")
    if width * height > MAX_PNG_PIXELS:
        raise CredentialFormatError(
            f"a PNG of {width}×{height} pixels, more than the {MAX_PNG_PIXELS} allowed",
            reason="unsafe_file",
        )


def _badge_text(kind: bytes, body: bytes) -> BakedContent | None:
    keyword, separator, rest = body.partition(b"\x00")
    if not separator or keyword not in _PNG_KEYWORDS:
        return None
    if kind == b"tEXt":
        return BakedContent(rest.decode("latin-1"), f"png:tEXt:{keyword.decode()}")
    if len(rest) < 2:
        raise CredentialFormatError("a truncated iTXt openbadges chunk", reason="damaged_image")
    compressed, method = rest[0], rest[1]
    _language, _, after_language = rest[2:].partition(b"\x00")
    _translated, _, text = after_language.partition(b"\x00")
    if compressed:
        text = _inflate(text, method)
    if len(text) > MAX_BAKED_TEXT_BYTES:
        raise CredentialFormatError("the baked credential text is too large", reason="too_large")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        raise CredentialFormatError("the openbadges chunk is not UTF-8 text") from None
    return BakedContent(decoded, f"png:iTXt:{keyword.decode()}")


def _inflate(text: bytes, method: int) -> bytes:
    """Baking forbids compression, but some tools compress anyway; inflate within the cap."""
    if method != 0:
        raise CredentialFormatError(
            "the openbadges chunk uses an unknown compression method", reason="damaged_image"
        )
    inflater = zlib.decompressobj()
    try:
        result = inflater.decompress(text, MAX_BAKED_TEXT_BYTES + 1)
    except zlib.error:
        raise CredentialFormatError(
            "the openbadges chunk cannot be decompressed", reason="damaged_image"
        ) from None
    if len(result) > MAX_BAKED_TEXT_BYTES or inflater.unconsumed_tail:
        raise CredentialFormatError("the baked credential text is too large", reason="too_large")
    return result


def _svg_content(element: ElementTree.Element, name: str) -> BakedContent:
    body = "".join(element.itertext()).strip()
    if body:
        return BakedContent(body, f"svg:{name}")
    verify = element.get("verify", "").strip()
    if verify:
        return BakedContent(verify, f"svg:{name}@verify")
    raise CredentialFormatError(
        f"an empty openbadges:{name} element in the SVG", reason="image_without_credential"
    )


def _split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _local_name(tag: str) -> str:
    return _split_tag(tag)[1]
