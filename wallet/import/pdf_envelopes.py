"""A PDF certificate as an envelope: its stated facts as the payload, its bytes kept verbatim."""

from __future__ import annotations

import io
import logging

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from wallet.envelope import CredentialFormat, Envelope
from wallet.jsonvalues import JsonObject
from wallet.verification.pades import subject_name

from .map_pdf import PDF_DOCUMENT_TYPE
from .pdf_document import PdfAttachment, read_pdf
from .pdf_statements import stated_facts

logger = logging.getLogger(__name__)
PDF_MEDIA_TYPE = "application/pdf"


def pdf_envelope(data: bytes, source: str) -> tuple[Envelope, tuple[PdfAttachment, ...]]:
    """The PDF's envelope and its attached files; ``CredentialFormatError`` if it is hostile."""
    contents = read_pdf(data)
    facts = stated_facts(contents)
    payload: JsonObject = {
        "type": PDF_DOCUMENT_TYPE,
        "pages": contents.page_count,
        # Untitled PDFs are known by their file name, as the holder named them.
        "title": facts.title or source.rsplit("/", 1)[-1].rsplit("!", 1)[-1][:200],
        "issuer": facts.issuer,
        "holder": facts.holder,
        "issued": facts.issued.isoformat() if facts.issued else None,
        "metadata": dict(contents.info),
        "attachments": [attachment.name for attachment in contents.attachments],
        "signers": list(signer_subjects(data)),
    }
    envelope = Envelope(CredentialFormat.PDF_DOCUMENT, source, data, PDF_MEDIA_TYPE, payload)
    return envelope, contents.attachments


def signer_subjects(data: bytes) -> tuple[str, ...]:
    """Who each signature's certificate names, as stated (``pades`` checks the signatures)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        return tuple(
            subject_name(signature.signer_cert.subject) for signature in reader.embedded_signatures
        )
    except (PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("PDF signatures could not be listed: %s", error)
        return ()
