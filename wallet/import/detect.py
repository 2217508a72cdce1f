"""What untrusted bytes are, judged from their content (never the file name)."""

from __future__ import annotations

import enum
import re

from wallet.errors import CredentialFormatError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDF_SIGNATURE = b"%PDF-"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_XML_SNIFF_CHARS = 65536

# Formats people upload by mistake, named so the message can say what was found.
_OTHER_SIGNATURES = (
    (b"\xff\xd8\xff", "a JPEG image: only PNG and SVG images can carry a badge"),
    (b"GIF8", "a GIF image: only PNG and SVG images can carry a badge"),
    (b"RIFF", "a RIFF (WebP or other) file, which cannot carry a badge"),
)


# The root element of an ELM 2 / Europass XML credential, with or without a prefix.
_EDC_XML_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?europassCredential[\s>/]")


class InputKind(enum.Enum):
    """The container the bytes are in."""

    PNG = "png"
    SVG = "svg"
    ZIP = "zip"
    PDF = "pdf"
    XML = "xml"
    TEXT = "text"


def detect_kind(data: bytes) -> InputKind:
    """Classify bytes as PNG, SVG, ZIP, PDF, EDC XML or text; anything else is named."""
    if not data.strip():
        raise CredentialFormatError("the file is empty", reason="empty")
    if data.startswith(PNG_SIGNATURE):
        return InputKind.PNG
    if data.startswith(_ZIP_SIGNATURES):
        return InputKind.ZIP
    if data.startswith(PDF_SIGNATURE):
        return InputKind.PDF
    for signature, description in _OTHER_SIGNATURES:
        if data.startswith(signature):
            raise CredentialFormatError(f"this is {description}", reason="not_a_credential")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CredentialFormatError(
            "unrecognised binary data: not a PNG, SVG, ZIP, JSON or signed text",
            reason="not_a_credential",
        ) from None
    head = text.lstrip()[:_XML_SNIFF_CHARS]
    if head.startswith("<"):
        if _EDC_XML_ROOT.search(head):
            return InputKind.XML
        if "<svg" in head:
            return InputKind.SVG
        raise CredentialFormatError(
            "XML or HTML that is neither an SVG image nor a European Digital Credential",
            reason="not_a_credential",
        )
    return InputKind.TEXT
