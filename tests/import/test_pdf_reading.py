"""Reading PDF certificates: stated facts, attached credentials, and hostile documents refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tests.support import pdfs
from tests.support.archives import signed_badge
from tests.support.jose_issuer import make_ca
from wallet import importing
from wallet.errors import CredentialFormatError
from wallet.records import LocalizedText

Format = importing.CredentialFormat


def test_read_any_pdf_states_title_issuer_holder_and_date_from_labelled_lines() -> None:
    [envelope] = importing.read_any(pdfs.certificate_pdf(), "certyfikat.pdf")
    assert envelope.format is Format.PDF_DOCUMENT
    assert envelope.media_type == "application/pdf"
    record = importing.normalise(envelope)
    assert record.title.get() == "Certyfikat ukończenia kursu"
    assert record.awarding_bodies[0].name.get() == "Uczelnia Testowa"
    assert record.learner.names.get() == "Anna Nowak"
    assert record.issued_on is not None and record.issued_on.date() == date(2026, 5, 14)


def test_read_any_pdf_english_labels_and_european_dates_are_read() -> None:
    lines = ("Certificate of completion", "Awarded to: John Smith", "Issued by: Test Academy")
    pdf = pdfs.certificate_pdf((*lines, "Date of issue: 03.02.2026"))
    record = importing.normalise(importing.read_envelopes(pdf, "c.pdf")[0])
    assert record.learner.names == LocalizedText((("und", "John Smith"),))
    assert record.awarding_bodies[0].name.get() == "Test Academy"
    assert record.issued_on is not None and record.issued_on.date() == date(2026, 2, 3)


def test_read_any_pdf_document_title_wins_over_the_first_line() -> None:
    pdf = pdfs.certificate_pdf(("Strona tytułowa",), title="Mikropoświadczenie: Excel")
    record = importing.normalise(importing.read_envelopes(pdf, "c.pdf")[0])
    assert record.title.get() == "Mikropoświadczenie: Excel"


def test_read_any_untitled_pdf_is_named_by_its_file() -> None:
    record = importing.normalise(importing.read_envelopes(pdfs.one_page_pdf(), "dyplom.pdf")[0])
    assert record.title.get() == "dyplom.pdf"
    assert record.awarding_bodies == ()


def test_read_any_pdf_keeps_the_original_bytes_verbatim() -> None:
    pdf = pdfs.certificate_pdf()
    assert importing.read_any(pdf, "c.pdf")[0].raw == pdf  # type: ignore[union-attr]


def test_read_any_pdf_with_attached_badge_gives_the_badge_linked_to_the_pdf() -> None:
    badge = signed_badge("Analiza danych")
    pdf = pdfs.attach(pdfs.certificate_pdf(), "odznaka.json", badge)
    document, attached = importing.read_any(pdf, "certyfikat.pdf")
    assert isinstance(document, importing.Envelope)
    assert isinstance(attached, importing.Envelope)
    assert attached.format is Format.VC_DATA_INTEGRITY
    assert attached.source == "certyfikat.pdf!odznaka.json"
    assert attached.container == "certyfikat.pdf"
    assert attached.raw == badge
    assert document.payload["attachments"] == ["odznaka.json"]


def test_read_any_pdf_attachment_that_is_no_credential_is_skipped() -> None:
    terms = json.dumps({"regulamin": "tekst"}).encode()
    pdf = pdfs.attach(pdfs.certificate_pdf(), "regulamin.json", terms)
    assert [e.format for e in importing.read_any(pdf, "c.pdf")] == [  # type: ignore[union-attr]
        Format.PDF_DOCUMENT
    ]


def test_read_any_signed_pdf_names_its_signer_as_stated() -> None:
    ca = make_ca("Urząd", at=datetime.now(UTC))
    signed = pdfs.sign(pdfs.certificate_pdf(), pdfs.make_signer(ca, "Sekretariat"), (ca,))
    record = importing.normalise(importing.read_envelopes(signed, "c.pdf")[0])
    assert record.signer is not None
    assert record.signer.cert_subject == "Sekretariat (PL)"


@pytest.mark.parametrize(
    ("pdf", "named"),
    [
        (
            pdfs.raw_pdf(
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [] /Count 1000000 >>",
            ),
            "1000000 pages",
        ),
        (pdfs.one_page_pdf(page_extra=b"/Junk " + b"[" * 50_000 + b"]" * 50_000), "PDF"),
        (
            pdfs.one_page_pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "scripts",
        ),
        (
            pdfs.one_page_pdf(catalog_extra=b"/Names << /JavaScript << /Names [] >> >>"),
            "JavaScript",
        ),
        (
            pdfs.one_page_pdf(page_extra=b"/AA << /O << /S /Launch /F (calc.exe) >> >>"),
            "scripts",
        ),
        (b"%PDF-1.7\n garbage", "damaged"),
    ],
    ids=["page-count", "deep-nesting", "open-action-js", "names-js", "page-launch", "garbage"],
)
def test_read_any_hostile_pdf_is_refused_with_a_clear_error(pdf: bytes, named: str) -> None:
    with pytest.raises(CredentialFormatError) as raised:
        importing.read_any(pdf, "wrogi.pdf")
    assert named in raised.value.detail
