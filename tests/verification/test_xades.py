"""EDC XML credentials (ELM 2 / Europass XML) with enveloped XAdES seals, and their trust.

The published vector is the European Commission's ``EDC_WileECoyote_Simple.xml`` sample
(unsealed); sealed copies are signed here with signxml's XAdES signer and test certificates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree
from signxml.xades.xades import XAdESSigner

from tests.support.jose_issuer import CertifiedKey, issue_certificate, make_ca
from wallet import importing
from wallet.fetching import OfflineFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.verifier import verify_envelope
from wallet.verification.xades import verify_xades

SAMPLE = Path(__file__).parent.parent / "data" / "conformance" / "edc" / "elm"
PUBLISHED = (SAMPLE / "EDC_WileECoyote_Simple.xml").read_bytes()
AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca(at=AT)


@pytest.fixture(scope="module")
def sealer(ca: CertifiedKey) -> CertifiedKey:
    return issue_certificate(ca, at=AT, alg="RS256", name="Acme Corporation e-seal")


def seal(data: bytes, sealer: CertifiedKey, *chain: CertifiedKey) -> bytes:
    """An enveloped XAdES-BES seal over the whole credential."""
    root = etree.fromstring(data)
    certificates = [sealer.certificate, *(c.certificate for c in chain)]
    signed = XAdESSigner().sign(root, key=sealer.key.private_key, cert=certificates)
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def _ctx(*anchors: CertifiedKey, at: dt.datetime = AT) -> VerificationContext:
    return VerificationContext(
        fetcher=OfflineFetcher(), at=at, trust_anchors=tuple(a.der for a in anchors)
    )


def _report(data: bytes, ctx: VerificationContext) -> Report:
    [envelope] = importing.read_envelopes(data, "credential.xml")
    return verify_envelope(envelope, ctx).report


def _status(report: Report, code: str) -> CheckStatus | None:
    check = report.find(code)
    return check.status if check else None


def test_verify_xades_published_unsealed_sample_is_unverifiable() -> None:
    report = _report(PUBLISHED, _ctx())
    assert _status(report, "proof") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_xades_sealed_by_anchored_certificate_is_verified(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    report = _report(seal(PUBLISHED, sealer, ca), _ctx(ca))
    for code in ("key_resolution", "proof", "trust"):
        assert _status(report, code) is CheckStatus.PASSED, code
    assert report.verdict is Verdict.VERIFIED


def test_verify_xades_without_anchors_keeps_trust_separate(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    report = _report(seal(PUBLISHED, sealer, ca), _ctx())
    trust = report.find("trust")
    assert _status(report, "proof") is CheckStatus.PASSED
    assert trust is not None and trust.status is CheckStatus.SKIPPED and not trust.required


def test_verify_xades_unknown_anchor_warns(ca: CertifiedKey, sealer: CertifiedKey) -> None:
    other = make_ca("Another Authority", at=AT)
    report = _report(seal(PUBLISHED, sealer, ca), _ctx(other))
    assert _status(report, "proof") is CheckStatus.PASSED
    assert _status(report, "trust") is CheckStatus.WARNING


@pytest.mark.parametrize(
    ("original", "changed"),
    [
        (b"Wile Coyote", b"Road Runner"),
        (b"1949-09-17", b"1999-09-17"),
        (b"Acme Corporation</text>", b"Acme University</text>"),
    ],
)
def test_verify_xades_tampered_credential_fails_proof(
    ca: CertifiedKey, sealer: CertifiedKey, original: bytes, changed: bytes
) -> None:
    sealed = seal(PUBLISHED, sealer, ca)
    assert original in sealed
    report = _report(sealed.replace(original, changed), _ctx(ca))
    assert _status(report, "proof") is CheckStatus.FAILED
    assert report.verdict is Verdict.FAILED


def test_verify_xades_certificate_swapped_in_key_info_fails_proof(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    impostor = issue_certificate(ca, at=AT, alg="RS256", name="Acme Corporation e-seal")
    root = etree.fromstring(seal(PUBLISHED, sealer))
    [certificate] = root.iterfind(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    certificate.text = impostor.x5c
    swapped = etree.tostring(root)
    assert _status(_report(swapped, _ctx(ca)), "proof") is CheckStatus.FAILED


def test_verify_xades_expired_certificate_is_indeterminate_not_forged(ca: CertifiedKey) -> None:
    old = issue_certificate(ca, at=AT, alg="RS256", name="Old seal", valid_days=(-300, -5))
    report = _report(seal(PUBLISHED, old, ca), _ctx(ca))
    assert _status(report, "proof") is CheckStatus.PASSED
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_xades_two_signatures_fail_format(ca: CertifiedKey, sealer: CertifiedKey) -> None:
    once = seal(PUBLISHED, sealer)
    twice = seal(once, sealer)
    checks = verify_xades(twice, _ctx(ca))
    assert [(c.code, c.status) for c in checks] == [("format", CheckStatus.FAILED)]


def test_verify_xades_signature_not_covering_the_document_fails_proof(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    sealed = seal(PUBLISHED, sealer, ca)
    # Point the document reference elsewhere: the credential itself is then unsealed.
    moved = sealed.replace(b'<ds:Reference URI=""', b'<ds:Reference URI="#nothing"', 1)
    assert moved != sealed
    check = next(c for c in verify_xades(moved, _ctx(ca)) if c.code == "proof")
    assert check.status is CheckStatus.FAILED
    assert check.detail == "the signature does not cover the whole credential"
