"""A PDF certificate's stated facts → record; the facts are what the document says, unverified."""

from __future__ import annotations

from wallet.envelope import CredentialFormat
from wallet.jsonvalues import JsonObject
from wallet.records import CredentialRecord, Learner, Organisation, Signer

from . import jsonfields as jf

PDF_DOCUMENT_TYPE = "PdfDocument"


def map_pdf(payload: JsonObject, container_id: str | None = None) -> CredentialRecord:
    """Map the payload ``pdf_envelopes`` built from a PDF's stated facts."""
    issuer = jf.localized(payload.get("issuer"), "und", jf.TITLE_LIMIT)
    signers = jf.strings(payload.get("signers"), jf.TITLE_LIMIT)
    return CredentialRecord(
        format=CredentialFormat.PDF_DOCUMENT,
        title=jf.localized(payload.get("title"), "und", jf.TITLE_LIMIT),
        learner=Learner(names=jf.localized(payload.get("holder"), "und", jf.TITLE_LIMIT)),
        awarding_bodies=(Organisation(name=issuer),) if issuer else (),
        signer=Signer(cert_subject=signers[-1]) if signers else None,
        issued_on=jf.moment(payload.get("issued")),
        container_id=container_id,
    )
