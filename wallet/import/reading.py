"""The entry point for untrusted bytes: detect the container, unpack it, sort credentials."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

from wallet.envelope import CredentialFormat, EntryFailure, Envelope
from wallet.errors import CredentialFormatError, WalletError

from .archive import ArchiveEntry, archive_entries
from .baked import BakedContent, extract_png, extract_svg
from .detect import InputKind, detect_kind
from .elm_xml import edc_xml_to_json, parse_edc_xml
from .text_credentials import Origin, envelopes_from_text

logger = logging.getLogger(__name__)

MAX_INPUT_BYTES = 100 * 1024 * 1024
# An archive may hold archives (a backpack export of exports), but no deeper.
MAX_ARCHIVE_DEPTH = 1


def read_envelopes(data: bytes, source: str) -> list[Envelope]:
    """Every credential in one PNG, SVG, JSON or signed-text file; archives are refused here."""
    if len(data) > MAX_INPUT_BYTES:
        raise CredentialFormatError(
            f"the file is larger than {MAX_INPUT_BYTES} bytes", reason="too_large"
        )
    kind = detect_kind(data)
    if kind is InputKind.ZIP:
        raise CredentialFormatError("a ZIP archive: read it with read_archive")
    return _read_single(data, source, kind)


def read_archive(data: bytes, source: str) -> list[Envelope | EntryFailure]:
    """Every credential in a ZIP archive, with a failure record for each unreadable entry."""
    if detect_kind(data) is not InputKind.ZIP:
        raise CredentialFormatError("not a ZIP archive", reason="damaged_archive")
    return _read_archive(data, source, depth=0)


def read_any(data: bytes, source: str) -> list[Envelope | EntryFailure]:
    """Whatever the bytes are: archives give per-entry results, other files their envelopes."""
    return list(iter_any(data, source))


def iter_any(data: bytes, source: str) -> Iterator[Envelope | EntryFailure]:
    """``read_any`` an entry at a time, for a reader that starts on the first ones early.

    The size and kind are checked before the first item: those refusals come at once.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise CredentialFormatError(
            f"the file is larger than {MAX_INPUT_BYTES} bytes", reason="too_large"
        )
    kind = detect_kind(data)
    if kind is InputKind.ZIP:
        return _iter_archive(data, source, depth=0)
    return iter(_read_single(data, source, kind))


def _read_single(data: bytes, source: str, kind: InputKind) -> list[Envelope]:
    if kind is InputKind.PDF:
        return _from_pdf(data, source)
    if kind is InputKind.PNG:
        return _from_baked(extract_png(data), data, source, "image/png")
    if kind is InputKind.SVG:
        return _from_baked(extract_svg(data), data, source, "image/svg+xml")
    if kind is InputKind.XML:
        return [_from_edc_xml(data, source)]
    text = data.decode("utf-8-sig")
    media_type = "application/json" if text.lstrip().startswith("{") else "text/plain"
    return envelopes_from_text(text, Origin(source, data, media_type))


def _from_pdf(data: bytes, source: str) -> list[Envelope]:
    """The PDF itself, then each credential attached to it (linked to the PDF as container)."""
    # The PDF readers are loaded only when a PDF arrives: they slow every start-up otherwise.
    from .pdf_envelopes import pdf_envelope

    document, attachments = pdf_envelope(data, source)
    found = [document]
    for attachment in attachments:
        inner = f"{source}!{attachment.name}"
        try:
            kind = detect_kind(attachment.data)
            if kind in (InputKind.PDF, InputKind.ZIP):
                continue
            envelopes = _read_single(attachment.data, inner, kind)
        except WalletError as error:
            # Certificates attach logos and terms too: a file that is no credential is skipped.
            logger.info("attachment %s is not a credential: %s", inner, error.detail)
            continue
        found.extend(replace(envelope, container=source) for envelope in envelopes)
    return found


def _from_edc_xml(data: bytes, source: str) -> Envelope:
    root = parse_edc_xml(data)
    return Envelope(
        format=CredentialFormat.ELM_XML,
        source=source,
        raw=data,
        media_type="application/xml",
        payload=edc_xml_to_json(root),
        secured=data.decode("utf-8-sig"),
    )


def _from_baked(content: BakedContent, data: bytes, source: str, media: str) -> list[Envelope]:
    try:
        return envelopes_from_text(content.text, Origin(source, data, media), allow_url=True)
    except CredentialFormatError as error:
        raise CredentialFormatError(
            f"the badge baked into the image ({content.location}) cannot be read: {error.detail}",
            reason=error.reason,
        ) from None


def _read_archive(data: bytes, source: str, *, depth: int) -> list[Envelope | EntryFailure]:
    return list(_iter_archive(data, source, depth=depth))


def _iter_archive(data: bytes, source: str, *, depth: int) -> Iterator[Envelope | EntryFailure]:
    for item in archive_entries(data, source):
        if isinstance(item, EntryFailure):
            yield item
        else:
            yield from _read_entry(item, depth)


def _read_entry(entry: ArchiveEntry, depth: int) -> list[Envelope | EntryFailure]:
    """One entry's credentials; any failure is recorded against the entry, not raised."""
    try:
        kind = detect_kind(entry.data)
        if kind is InputKind.ZIP:
            if depth >= MAX_ARCHIVE_DEPTH:
                raise CredentialFormatError(
                    "an archive nested more than one level deep", reason="damaged_archive"
                )
            return _read_archive(entry.data, entry.source, depth=depth + 1)
        return list(_read_single(entry.data, entry.source, kind))
    except WalletError as error:
        return [EntryFailure(entry.source, error.code, error.message, error.detail)]
