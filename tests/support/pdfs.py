"""PDF certificates made in the tests: a test CA, pyHanko's signer, timestamps and attachments."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import weasyprint
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests.support.jose_issuer import CertifiedKey, issue_certificate


def _asn1(identity: CertifiedKey) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(identity.der)


def _asn1_key(identity: CertifiedKey) -> asn1_keys.PrivateKeyInfo:
    key = identity.key.private_key
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(  # type: ignore[union-attr]
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def make_signer(ca: CertifiedKey, name: str = "Dział Certyfikatów", **options: Any) -> CertifiedKey:
    """A document-signing certificate from ``ca`` (ECDSA P-256), valid a year from now."""
    return issue_certificate(ca, at=datetime.now(UTC), alg="ES256", name=name, **options)


def make_timestamp_authority(ca: CertifiedKey) -> CertifiedKey:
    """A timestamping certificate from ``ca``: RSA, as pyHanko's test authority signs only RSA."""
    return issue_certificate(ca, at=datetime.now(UTC), name="Test TSA", time_stamping=True)


def certificate_pdf(
    lines: tuple[str, ...] = (
        "Certyfikat ukończenia kursu",
        "Podstawy programowania w Pythonie",
        "dla: Anna Nowak",
        "Wystawca: Uczelnia Testowa",
        "Data wydania: 2026-05-14",
    ),
    *,
    pages: int = 1,
    title: str | None = None,
) -> bytes:
    """An unsigned PDF certificate rendered by WeasyPrint, one paragraph per line."""
    body = "".join(f"<p>{line}</p>" for line in lines)
    extra = "".join(f'<p style="break-before: page">Strona {n}</p>' for n in range(2, pages + 1))
    head = f"<title>{title}</title>" if title else ""
    html = f"<html lang='pl'><head>{head}</head><body>{body}{extra}</body></html>"
    document: bytes = weasyprint.HTML(string=html).write_pdf()
    return document


def attach(pdf: bytes, name: str, data: bytes, mime_type: str = "application/json") -> bytes:
    """``pdf`` with ``data`` attached as an embedded file (before any signature)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    embedded = embed.EmbeddedFileObject.from_file_data(writer, data, mime_type=mime_type)
    embed.embed_file(writer, embed.FileSpec(file_spec_string=name, embedded_data=embedded))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(
    pdf: bytes,
    signer: CertifiedKey,
    chain: tuple[CertifiedKey, ...] = (),
    *,
    field_name: str = "Podpis1",
    timestamper: CertifiedKey | None = None,
    timestamp_ca: CertifiedKey | None = None,
    at: datetime | None = None,
) -> bytes:
    """``pdf`` signed by ``signer`` (PAdES), optionally with a timestamp from ``timestamper``."""
    simple = signers.SimpleSigner(
        signing_cert=_asn1(signer),
        signing_key=_asn1_key(signer),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]),
    )
    stamper = None
    if timestamper is not None:
        stamper = DummyTimeStamper(
            tsa_cert=_asn1(timestamper),
            tsa_key=_asn1_key(timestamper),
            certs_to_embed=SimpleCertificateStore.from_certs(
                [_asn1(timestamp_ca)] if timestamp_ca else []
            ),
            fixed_dt=at,
        )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name=field_name, subfilter=None)
    pdf_signer = signers.PdfSigner(metadata, signer=simple, timestamper=stamper)
    out = pdf_signer.sign_pdf(writer)
    return out.getvalue()


def add_page_after_signing(pdf: bytes) -> bytes:
    """An incremental update that adds a page after the last signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    content = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td ET"))
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Contents"): content,
            generic.pdf_name("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def alter_signed_bytes(pdf: bytes) -> bytes:
    """``pdf`` with one letter of its producer name, inside the signed range, changed."""
    position = pdf.rindex(b"WeasyPrint")
    return pdf[:position] + b"w" + pdf[position + 1 :]


def raw_pdf(*objects: bytes) -> bytes:
    """A hand-written PDF from object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def one_page_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A minimal one-page PDF, with optional extra entries in its catalog or page."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b" >>",
    )


def revocation_list(ca: CertifiedKey, revoked: tuple[CertifiedKey, ...] = ()) -> bytes:
    """A DER CRL from ``ca`` listing ``revoked``, valid for a week."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
    )
    for certificate in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.certificate.serial_number)
            .revocation_date(now - timedelta(minutes=30))
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    signed_list = builder.sign(ca.key.private_key, hashes.SHA256())  # type: ignore[arg-type]
    return signed_list.public_bytes(serialization.Encoding.DER)


def with_revocation_list(
    pdf: bytes, ca: CertifiedKey, revoked: tuple[CertifiedKey, ...] = ()
) -> bytes:
    """``pdf`` with a CRL from ``ca`` (listing ``revoked``) in its document security store."""
    crl = asn1_crl.CertificateList.load(revocation_list(ca, revoked))
    out = io.BytesIO(pdf)
    DocumentSecurityStore.add_dss(out, sig_contents=None, crls=[crl], certs=[_asn1(ca)])
    return out.getvalue()
