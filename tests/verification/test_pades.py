"""Signed PDF certificates: integrity, changes after signing, signer, time, expiry and trust."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support import pdfs
from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import CertifiedKey, make_ca
from wallet.fetching import Fetcher, OfflineFetcher, SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.pades import verify_pdf
from wallet.verification.report import CheckStatus, Report, Verdict

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca("Krajowe Centrum Testowe", at=NOW)


@pytest.fixture(scope="module")
def signer(ca: CertifiedKey) -> CertifiedKey:
    return pdfs.make_signer(ca)


@pytest.fixture(scope="module")
def certificate() -> bytes:
    return pdfs.certificate_pdf()


@pytest.fixture(scope="module")
def signed(certificate: bytes, signer: CertifiedKey, ca: CertifiedKey) -> bytes:
    return pdfs.sign(certificate, signer, (ca,))


def verify(
    data: bytes, anchors: tuple[CertifiedKey, ...], at: dt.datetime = NOW
) -> dict[str, CheckStatus]:
    report = Report.of(verify_pdf(data, _context(anchors, at)))
    statuses = {check.code: check.status for check in report.checks}
    statuses["verdict"] = report.verdict  # type: ignore[assignment]
    return statuses


def _context(
    anchors: tuple[CertifiedKey, ...], at: dt.datetime, fetcher: Fetcher | None = None
) -> VerificationContext:
    return VerificationContext(
        fetcher=fetcher or SafeFetcher(), at=at, trust_anchors=tuple(a.der for a in anchors)
    )


def revocation_online(signed: bytes, ca: CertifiedKey, fetcher: Fetcher) -> CheckStatus:
    checks = verify_pdf(signed, _context((ca,), NOW, fetcher))
    return next(check.status for check in checks if check.code == "revocation")


def test_verify_pdf_valid_signature_from_a_trusted_signer_is_verified(
    signed: bytes, ca: CertifiedKey
) -> None:
    checks = verify_pdf(signed, _context((ca,), NOW))
    found = {check.code: check for check in checks}
    assert found["pdf_integrity"].status is CheckStatus.PASSED
    assert found["pdf_modified"].status is CheckStatus.PASSED
    assert found["signer_trust"].status is CheckStatus.PASSED
    assert found["expiry"].status is CheckStatus.PASSED
    assert found["signer"].detail == "Dział Certyfikatów (PL)"
    assert found["signer_trust"].detail == "Krajowe Centrum Testowe (PL)"
    # No timestamp: the time is only claimed, which is said but does not fail.
    assert found["signing_time"].status is CheckStatus.WARNING
    assert found["revocation"].status is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_pdf_untrusted_root_keeps_integrity_apart_from_trust(signed: bytes) -> None:
    other_root = make_ca("Inny urząd", at=NOW)
    statuses = verify(signed, (other_root,))
    assert statuses["pdf_integrity"] is CheckStatus.PASSED
    assert statuses["signer_trust"] is CheckStatus.SKIPPED
    assert statuses["verdict"] is Verdict.UNVERIFIABLE


def test_verify_pdf_byte_changed_inside_signed_range_fails_integrity(
    signed: bytes, ca: CertifiedKey
) -> None:
    statuses = verify(pdfs.alter_signed_bytes(signed), (ca,))
    assert statuses["pdf_integrity"] is CheckStatus.FAILED
    assert statuses["verdict"] is Verdict.FAILED


def test_verify_pdf_page_added_after_signing_fails_modification(
    signed: bytes, ca: CertifiedKey
) -> None:
    statuses = verify(pdfs.add_page_after_signing(signed), (ca,))
    assert statuses["pdf_integrity"] is CheckStatus.PASSED
    assert statuses["pdf_modified"] is CheckStatus.FAILED
    assert statuses["verdict"] is Verdict.FAILED


def test_verify_pdf_signer_certificate_expired_when_signed_fails_expiry(
    certificate: bytes, ca: CertifiedKey
) -> None:
    expired = pdfs.make_signer(ca, "Wygasły", valid_days=(-400, -10))
    statuses = verify(pdfs.sign(certificate, expired, (ca,)), (ca,))
    assert statuses["expiry"] is CheckStatus.FAILED
    assert statuses["verdict"] is Verdict.FAILED


def test_verify_pdf_certificate_expired_since_without_timestamp_is_unverifiable(
    certificate: bytes, ca: CertifiedKey
) -> None:
    short_lived = pdfs.make_signer(ca, "Krótki", valid_days=(-10, 5))
    later = NOW + dt.timedelta(days=30)
    statuses = verify(pdfs.sign(certificate, short_lived, (ca,)), (ca,), at=later)
    assert statuses["expiry"] is CheckStatus.SKIPPED
    assert statuses["verdict"] is Verdict.UNVERIFIABLE


def test_verify_pdf_timestamp_proves_signing_before_certificate_expired(
    certificate: bytes, ca: CertifiedKey
) -> None:
    short_lived = pdfs.make_signer(ca, "Krótki", valid_days=(-10, 5))
    authority = pdfs.make_timestamp_authority(ca)
    stamped = pdfs.sign(certificate, short_lived, (ca,), timestamper=authority, timestamp_ca=ca)
    statuses = verify(stamped, (ca,), at=NOW + dt.timedelta(days=30))
    assert statuses["signing_time"] is CheckStatus.PASSED
    assert statuses["expiry"] is CheckStatus.PASSED
    assert statuses["verdict"] is Verdict.VERIFIED


def test_verify_pdf_two_signatures_are_both_checked(signed: bytes, ca: CertifiedKey) -> None:
    second = pdfs.make_signer(ca, "Dziekan")
    twice = pdfs.sign(signed, second, (ca,), field_name="Podpis2")
    checks = {check.code: check for check in verify_pdf(twice, _context((ca,), NOW))}
    assert checks["pdf_integrity"].status is CheckStatus.PASSED
    # The second signature filled its own field: that is not a change to the first's content.
    assert checks["pdf_modified"].status is CheckStatus.PASSED
    assert checks["signer"].detail is not None
    assert "Podpis1: Dział Certyfikatów" in checks["signer"].detail
    assert "Podpis2: Dziekan" in checks["signer"].detail


def test_verify_pdf_second_signature_by_an_untrusted_signer_makes_it_unverifiable(
    signed: bytes, ca: CertifiedKey
) -> None:
    stranger_root = make_ca("Obcy", at=NOW)
    stranger = pdfs.make_signer(stranger_root, "Ktoś")
    twice = pdfs.sign(signed, stranger, (stranger_root,), field_name="Podpis2")
    statuses = verify(twice, (ca,))
    assert statuses["signer_trust"] is CheckStatus.SKIPPED
    assert statuses["verdict"] is Verdict.UNVERIFIABLE


def test_verify_pdf_unsigned_document_is_not_verifiable(certificate: bytes) -> None:
    checks = verify_pdf(certificate, _context((), NOW))
    assert [(c.code, c.status) for c in checks] == [("pdf_integrity", CheckStatus.SKIPPED)]
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_verify_pdf_signature_cut_off_is_never_verified(signed: bytes, ca: CertifiedKey) -> None:
    # Cut before the signature, what is left is an unsigned earlier revision.
    statuses = verify(signed[: signed.index(b"/ByteRange")], (ca,))
    assert statuses["verdict"] is not Verdict.VERIFIED


def test_verify_pdf_garbled_signature_value_fails_as_damaged(
    signed: bytes, ca: CertifiedKey
) -> None:
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    garbled = signed[:start] + b"FFFFFFFF" + signed[start + 8 :]
    statuses = verify(garbled, (ca,))
    assert statuses["pdf_integrity"] is CheckStatus.FAILED
    assert statuses["verdict"] is Verdict.FAILED


def test_verify_pdf_embedded_revocation_list_clears_the_signer(
    signed: bytes, ca: CertifiedKey
) -> None:
    statuses = verify(pdfs.with_revocation_list(signed, ca), (ca,))
    assert statuses["revocation"] is CheckStatus.PASSED
    assert statuses["verdict"] is Verdict.VERIFIED


def test_verify_pdf_embedded_revocation_list_listing_the_signer_fails(
    signed: bytes, ca: CertifiedKey, signer: CertifiedKey
) -> None:
    statuses = verify(pdfs.with_revocation_list(signed, ca, revoked=(signer,)), (ca,))
    assert statuses["revocation"] is CheckStatus.FAILED
    assert statuses["verdict"] is Verdict.FAILED


def test_verify_pdf_revocation_data_for_another_authority_does_not_cover_the_signer(
    signed: bytes, ca: CertifiedKey
) -> None:
    other = make_ca("Inny urząd", at=NOW)
    statuses = verify(pdfs.with_revocation_list(signed, other), (ca,))
    assert statuses["revocation"] is CheckStatus.SKIPPED
    assert statuses["pdf_integrity"] is CheckStatus.PASSED


@pytest.mark.parametrize(
    ("revoked", "expected"), [(False, CheckStatus.PASSED), (True, CheckStatus.FAILED)]
)
def test_verify_pdf_fetches_the_signers_crl_through_the_guarded_fetcher(
    http_server: LocalServer,
    ca: CertifiedKey,
    certificate: bytes,
    revoked: bool,
    expected: CheckStatus,
) -> None:
    signer = pdfs.make_signer(ca, "Z listą", crl_url=http_server.url("/ca.crl"))
    http_server.serve(
        "/ca.crl",
        pdfs.revocation_list(ca, (signer,) if revoked else ()),
        content_type="application/pkix-crl",
    )
    signed = pdfs.sign(certificate, signer, (ca,))
    assert revocation_online(signed, ca, SafeFetcher(allow_loopback=True)) is expected
    assert http_server.requests == ["/ca.crl"]


def test_verify_pdf_crl_behind_a_refused_address_or_offline_is_not_checked(
    http_server: LocalServer, ca: CertifiedKey, certificate: bytes
) -> None:
    signer = pdfs.make_signer(ca, "Z listą", crl_url=http_server.url("/ca.crl"))
    http_server.serve("/ca.crl", pdfs.revocation_list(ca, (signer,)))
    signed = pdfs.sign(certificate, signer, (ca,))
    # The default guard refuses loopback: nothing is sent, revocation stays unknown.
    assert revocation_online(signed, ca, SafeFetcher()) is CheckStatus.SKIPPED
    assert revocation_online(signed, ca, OfflineFetcher()) is CheckStatus.SKIPPED
    assert http_server.requests == []
