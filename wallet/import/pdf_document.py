"""Untrusted PDF certificates: what a PDF states, its attachments and its signers, within caps.

Nothing in a PDF runs here: JavaScript is refused outright (a certificate never needs it), and
only the first pages' text is extracted. Everything read is what the document *states*; its
signatures are checked by ``wallet.verification.pades``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject

from wallet.errors import CredentialFormatError

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 100
MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
TEXT_PAGES = 2
MAX_TEXT_CHARS = 20_000
_SCRIPT_ACTIONS = ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")
_INFO_FIELDS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer")


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF, by its name."""

    name: str
    data: bytes


@dataclass(frozen=True)
class PdfContents:
    """What a PDF holds, read without running anything in it."""

    page_count: int
    info: dict[str, str]
    xmp_title: str | None
    text: str
    attachments: tuple[PdfAttachment, ...]


def read_pdf(data: bytes) -> PdfContents:
    """Read a PDF's metadata, first pages' text and attachments; refuse what is hostile."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise CredentialFormatError(
                "the PDF is encrypted, so its contents cannot be read", reason="pdf_encrypted"
            )
        pages = _page_count(reader)
        _refuse_actions(reader)
        return PdfContents(
            page_count=pages,
            info=_info(reader),
            xmp_title=_xmp_title(reader),
            text=_first_pages_text(reader, pages),
            attachments=_attachments(reader),
        )
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        logger.info("unreadable PDF: %s", error)
        raise CredentialFormatError(
            "the PDF is damaged and cannot be read", reason="pdf_damaged"
        ) from None
    except RecursionError:
        raise CredentialFormatError(
            "the PDF's objects are nested too deeply to read", reason="pdf_damaged"
        ) from None


def _catalog(reader: PdfReader) -> DictionaryObject:
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        raise CredentialFormatError("the PDF has no document catalog", reason="pdf_damaged")
    return root


def _page_count(reader: PdfReader) -> int:
    # The page tree's declared count, read before pypdf walks (and flattens) the tree.
    tree = _catalog(reader).get("/Pages")
    tree = tree.get_object() if tree is not None else None
    declared = tree.get("/Count", 0) if isinstance(tree, DictionaryObject) else 0
    if not isinstance(declared, int) or declared < 1:
        raise CredentialFormatError("the PDF has no pages", reason="pdf_damaged")
    if declared > MAX_PDF_PAGES:
        raise CredentialFormatError(
            f"the PDF has {declared} pages; a certificate may have at most {MAX_PDF_PAGES}",
            reason="pdf_too_long",
        )
    return declared


def _refuse_actions(reader: PdfReader) -> None:
    """Refuse scripts and actions wherever a viewer would run them: catalog, pages, links."""
    root = _catalog(reader)
    names = root.get("/Names")
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        raise CredentialFormatError(
            "the PDF contains JavaScript, which a certificate never needs", reason="pdf_scripts"
        )
    holders: list[DictionaryObject] = [root]
    for page in reader.pages:
        holders.append(page)
        annotations = page.get("/Annots")
        for annotation in annotations.get_object() if annotations is not None else ():
            holders.append(annotation.get_object())
    for holder in holders:
        if _runs_script(holder):
            raise CredentialFormatError(
                "the PDF runs scripts or actions when opened, which a certificate never needs",
                reason="pdf_scripts",
            )


def _runs_script(holder: DictionaryObject) -> bool:
    actions = [holder.get("/OpenAction"), holder.get("/A")]
    triggers = holder.get("/AA")
    if isinstance(triggers, DictionaryObject):
        actions.extend(triggers.values())
    for action in actions:
        resolved = action.get_object() if action is not None else None
        if isinstance(resolved, DictionaryObject) and resolved.get("/S") in _SCRIPT_ACTIONS:
            return True
    return False


def _info(reader: PdfReader) -> dict[str, str]:
    metadata = reader.metadata or DictionaryObject()
    found: dict[str, str] = {}
    for key in _INFO_FIELDS:
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            found[key.lstrip("/").lower()] = value.strip()[:500]
    return found


def _xmp_title(reader: PdfReader) -> str | None:
    xmp = reader.xmp_metadata
    titles = xmp.dc_title if xmp is not None else None
    if not titles:
        return None
    title = titles.get("x-default") or next(iter(titles.values()), None)
    return title.strip()[:500] if isinstance(title, str) and title.strip() else None


def _first_pages_text(reader: PdfReader, pages: int) -> str:
    parts = [reader.pages[index].extract_text() or "" for index in range(min(pages, TEXT_PAGES))]
    return "\n".join(parts)[:MAX_TEXT_CHARS]


def _attachments(reader: PdfReader) -> tuple[PdfAttachment, ...]:
    found: list[PdfAttachment] = []
    for name, contents in reader.attachments.items():
        for data in contents:
            if len(found) >= MAX_ATTACHMENTS:
                raise CredentialFormatError(
                    f"the PDF has more than {MAX_ATTACHMENTS} attached files", reason="pdf_too_long"
                )
            if len(data) > MAX_ATTACHMENT_BYTES:
                raise CredentialFormatError(
                    f"the attached file {name!r} is too large", reason="too_large"
                )
            found.append(PdfAttachment(str(name)[:200], data))
    return tuple(found)
