"""The revocation check of a signed PDF: its outcome, wording and detail for each source."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus

from tests.support import pdfs
from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import CertifiedKey, make_ca
from wallet.fetching import Fetcher, OfflineFetcher, SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.pades import verify_pdf
from wallet.verification.pdf_revocation import (
    RevocationSource,
    online_context,
    revocation_check,
)
from wallet.verification.report import Check, CheckStatus, Message

NOW = dt.datetime.now(dt.UTC)

SKIPPED_WITHOUT_DATA = Check(
    "revocation",
    CheckStatus.SKIPPED,
    Message(
        "Neither the document nor the certificate gives revocation data to check.",
        "Ani dokument, ani certyfikat nie podają danych o unieważnieniu do sprawdzenia.",
    ),
    required=False,
)
REVOKED = Message(
    "The signer's certificate was revoked.", "Certyfikat podpisującego został unieważniony."
)


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca("Krajowe Centrum Testowe", at=NOW)


@pytest.fixture(scope="module")
def certificate() -> bytes:
    return pdfs.one_page_pdf()


@pytest.fixture
def listed_signer(ca: CertifiedKey, http_server: LocalServer) -> CertifiedKey:
    """A signer whose certificate names ``/ca.crl`` on the loopback server."""
    return pdfs.make_signer(ca, "Z listą", crl_url=http_server.url("/ca.crl"))


def online_status(
    signed: bytes, ca: CertifiedKey, fetcher: Fetcher, moment: dt.datetime = NOW
) -> PdfSignatureStatus:
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    anchors = [asn1_x509.Certificate.load(ca.der)]
    return validate_pdf_signature(signature, online_context(anchors, moment, fetcher))


def reported(signed: bytes, ca: CertifiedKey, fetcher: Fetcher | None = None) -> Check | None:
    context = VerificationContext(fetcher=fetcher or SafeFetcher(), at=NOW, trust_anchors=(ca.der,))
    return next(c for c in verify_pdf(signed, context) if c.code == "revocation")


def test_revocation_without_status_or_source_is_skipped(
    ca: CertifiedKey, certificate: bytes, listed_signer: CertifiedKey, http_server: LocalServer
) -> None:
    http_server.serve("/ca.crl", pdfs.revocation_list(ca))
    status = online_status(pdfs.sign(certificate, listed_signer, (ca,)), ca, SafeFetcher())
    assert revocation_check(None, None) == SKIPPED_WITHOUT_DATA
    assert revocation_check(None, RevocationSource.ONLINE) == SKIPPED_WITHOUT_DATA
    assert revocation_check(None, RevocationSource.EMBEDDED) == SKIPPED_WITHOUT_DATA
    assert revocation_check(status, None) == SKIPPED_WITHOUT_DATA


def test_signer_without_distribution_point_or_document_data_is_skipped(
    ca: CertifiedKey, certificate: bytes
) -> None:
    signed = pdfs.sign(certificate, pdfs.make_signer(ca), (ca,))
    assert reported(signed, ca) == SKIPPED_WITHOUT_DATA


def test_crl_fetched_now_without_the_signer_passes(
    ca: CertifiedKey,
    certificate: bytes,
    listed_signer: CertifiedKey,
    http_server: LocalServer,
    fetcher: SafeFetcher,
) -> None:
    http_server.serve("/ca.crl", pdfs.revocation_list(ca))
    signed = pdfs.sign(certificate, listed_signer, (ca,))
    assert revocation_check(online_status(signed, ca, fetcher), RevocationSource.ONLINE) == Check(
        "revocation",
        CheckStatus.PASSED,
        Message(
            "The issuer's revocation list, fetched now, does not list the certificate.",
            "Pobrana teraz lista unieważnień wystawcy nie zawiera tego certyfikatu.",
        ),
    )
    assert http_server.requests == ["/ca.crl"]


def test_crl_fetched_now_listing_the_signer_fails(
    ca: CertifiedKey,
    certificate: bytes,
    listed_signer: CertifiedKey,
    http_server: LocalServer,
    fetcher: SafeFetcher,
) -> None:
    http_server.serve("/ca.crl", pdfs.revocation_list(ca, (listed_signer,)))
    signed = pdfs.sign(certificate, listed_signer, (ca,))
    check = revocation_check(online_status(signed, ca, fetcher), RevocationSource.ONLINE)
    assert check == Check(
        "revocation", CheckStatus.FAILED, REVOKED, detail="AdESIndeterminate.REVOKED_NO_POE"
    )


@pytest.mark.parametrize("fetcher", [SafeFetcher(), OfflineFetcher()], ids=["guarded", "offline"])
def test_crl_that_cannot_be_fetched_leaves_revocation_unchecked(
    ca: CertifiedKey,
    certificate: bytes,
    listed_signer: CertifiedKey,
    http_server: LocalServer,
    fetcher: Fetcher,
) -> None:
    http_server.serve("/ca.crl", pdfs.revocation_list(ca, (listed_signer,)))
    signed = pdfs.sign(certificate, listed_signer, (ca,))
    check = revocation_check(online_status(signed, ca, fetcher), RevocationSource.ONLINE)
    assert check == Check(
        "revocation",
        CheckStatus.SKIPPED,
        Message(
            "The issuer's revocation list could not be fetched, so revocation was not checked.",
            "Nie udało się pobrać listy unieważnień wystawcy, więc tego nie sprawdzono.",
        ),
        required=False,
        detail="AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE",
    )
    assert http_server.requests == []


def test_online_context_validates_at_the_moment_given(
    ca: CertifiedKey, fetcher: SafeFetcher
) -> None:
    moment = NOW - dt.timedelta(days=3)
    anchors = [asn1_x509.Certificate.load(ca.der)]
    context = online_context(anchors, moment, fetcher)
    assert context.moment == moment
    assert context.fetching_allowed is True


def test_embedded_crl_without_the_signer_passes(ca: CertifiedKey, certificate: bytes) -> None:
    signed = pdfs.sign(certificate, pdfs.make_signer(ca), (ca,))
    assert reported(pdfs.with_revocation_list(signed, ca), ca) == Check(
        "revocation",
        CheckStatus.PASSED,
        Message(
            "Revocation data in the document shows the certificate was not revoked.",
            "Dane o unieważnieniu w dokumencie pokazują, że certyfikatu nie unieważniono.",
        ),
    )


def test_embedded_crl_listing_the_signer_fails(ca: CertifiedKey, certificate: bytes) -> None:
    signer = pdfs.make_signer(ca)
    signed = pdfs.with_revocation_list(pdfs.sign(certificate, signer, (ca,)), ca, (signer,))
    assert reported(signed, ca) == Check(
        "revocation", CheckStatus.FAILED, REVOKED, detail="AdESIndeterminate.REVOKED_NO_POE"
    )


def test_embedded_data_of_another_authority_does_not_cover_the_signer(
    ca: CertifiedKey, certificate: bytes
) -> None:
    signed = pdfs.sign(certificate, pdfs.make_signer(ca), (ca,))
    other = make_ca("Inne Centrum", at=NOW)
    assert reported(pdfs.with_revocation_list(signed, other), ca) == Check(
        "revocation",
        CheckStatus.SKIPPED,
        Message(
            "The revocation data in the document does not cover the signer's certificate.",
            "Dane o unieważnieniu w dokumencie nie obejmują certyfikatu podpisującego.",
        ),
        required=False,
        detail="AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE",
    )
