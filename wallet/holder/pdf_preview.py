"""A PDF certificate's first page as a PNG, rendered by PDFium with nothing active.

PDFium renders page content only: forms and their scripts are never initialised, and it has no
way to fetch anything. The page is scaled to a fixed width and its pixel count is capped.
"""

from __future__ import annotations

import io
import threading

import pypdfium2

from wallet.errors import CredentialFormatError

PREVIEW_WIDTH = 800
MAX_PREVIEW_PIXELS = 800 * 1600
# PDFium is not thread-safe: one render at a time per process.
_PDFIUM = threading.Lock()


def first_page_png(data: bytes, width: int = PREVIEW_WIDTH) -> bytes:
    """The first page of ``data`` as PNG bytes, ``width`` pixels wide (height capped)."""
    with _PDFIUM:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            raise CredentialFormatError("the PDF cannot be rendered") from None
        try:
            if len(document) == 0:
                raise CredentialFormatError("the PDF has no pages")
            page = document[0]
            page_width, page_height = page.get_size()
            scale = width / page_width if page_width > 0 else 1.0
            if page_width * scale * page_height * scale > MAX_PREVIEW_PIXELS:
                scale = (MAX_PREVIEW_PIXELS / (page_width * page_height)) ** 0.5
            image = page.render(scale=scale).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
