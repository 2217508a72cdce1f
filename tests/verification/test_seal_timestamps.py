"""Signature time-stamps minted by a test authority: JAdES ``sigTst`` and XAdES-T seals."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from lxml import etree

from tests.support.jose_issuer import CertifiedKey, issue_certificate, make_ca, seal_jades
from tests.support.tsa import timestamp_token
from tests.verification.test_xades import seal
from wallet.fetching import OfflineFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.jades import verify_jades
from wallet.verification.multibase import decode_base64url
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.xades import verify_xades

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
PAYLOAD = b'{"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}'
SAMPLE = Path(__file__).parent.parent / "data" / "conformance" / "edc" / "elm"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
DSIG = "http://www.w3.org/2000/09/xmldsig#"


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca(at=AT)


@pytest.fixture(scope="module")
def tsa(ca: CertifiedKey) -> CertifiedKey:
    return issue_certificate(ca, at=AT, alg="RS256", name="Test TSA", valid_days=(-300, 300))


@pytest.fixture(scope="module")
def expired(ca: CertifiedKey) -> CertifiedKey:
    """A sealing certificate valid from 200 to 10 days before the verification time."""
    return issue_certificate(ca, at=AT, alg="RS256", name="Old seal", valid_days=(-200, -10))


def _ctx(*anchors: CertifiedKey) -> VerificationContext:
    return VerificationContext(
        fetcher=OfflineFetcher(), at=AT, trust_anchors=tuple(a.der for a in anchors)
    )


def _jades(sealer: CertifiedKey, ca: CertifiedKey, tsa: CertifiedKey, when: dt.datetime) -> str:
    sealed = seal_jades(PAYLOAD, sealer, (ca,))
    entry = sealed["signatures"][0]
    token = timestamp_token(decode_base64url(entry["signature"]), tsa, when)
    entry["header"] = {
        "etsiU": [{"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode()}]}}]
    }
    return json.dumps(sealed)


def _status(report: Report, code: str) -> CheckStatus | None:
    check = report.find(code)
    return check.status if check else None


def test_verify_jades_time_stamped_while_valid_is_verified_after_expiry(
    ca: CertifiedKey, tsa: CertifiedKey, expired: CertifiedKey
) -> None:
    report = Report.of(verify_jades(_jades(expired, ca, tsa, AT - dt.timedelta(days=50)), _ctx(ca)))
    assert _status(report, "timestamp") is CheckStatus.PASSED
    assert _status(report, "trust") is CheckStatus.PASSED
    assert report.verdict is Verdict.VERIFIED


def test_verify_jades_time_stamped_after_expiry_fails_trust(
    ca: CertifiedKey, tsa: CertifiedKey, expired: CertifiedKey
) -> None:
    report = Report.of(verify_jades(_jades(expired, ca, tsa, AT - dt.timedelta(days=5)), _ctx(ca)))
    assert _status(report, "timestamp") is CheckStatus.PASSED
    trust = report.find("trust")
    assert trust is not None and trust.status is CheckStatus.FAILED
    assert report.verdict is Verdict.FAILED


def test_verify_jades_time_stamped_before_validity_fails_trust(
    ca: CertifiedKey, tsa: CertifiedKey, expired: CertifiedKey
) -> None:
    report = Report.of(
        verify_jades(_jades(expired, ca, tsa, AT - dt.timedelta(days=250)), _ctx(ca))
    )
    assert _status(report, "trust") is CheckStatus.FAILED


def test_verify_jades_time_stamp_by_authority_outside_anchors_proves_nothing(
    ca: CertifiedKey, expired: CertifiedKey
) -> None:
    rogue_ca = make_ca("Rogue", at=AT)
    rogue = issue_certificate(rogue_ca, at=AT, alg="RS256", name="Rogue TSA")
    report = Report.of(
        verify_jades(_jades(expired, ca, rogue, AT - dt.timedelta(days=50)), _ctx(ca))
    )
    assert _status(report, "timestamp") is CheckStatus.WARNING
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def _xades_t(sealer: CertifiedKey, ca: CertifiedKey, tsa: CertifiedKey, when: dt.datetime) -> bytes:
    """An XAdES-T seal: a SignatureTimeStamp over the c14n of ds:SignatureValue."""
    root = etree.fromstring(seal((SAMPLE / "EDC_WileECoyote_Simple.xml").read_bytes(), sealer, ca))
    value = root.find(f".//{{{DSIG}}}SignatureValue")
    assert value is not None
    canonical = etree.tostring(value, method="c14n", exclusive=False, with_comments=False)
    token = timestamp_token(canonical, tsa, when)
    qualifying = root.find(f".//{{{XADES}}}QualifyingProperties")
    assert qualifying is not None
    unsigned = etree.SubElement(qualifying, f"{{{XADES}}}UnsignedProperties")
    properties = etree.SubElement(unsigned, f"{{{XADES}}}UnsignedSignatureProperties")
    stamp = etree.SubElement(properties, f"{{{XADES}}}SignatureTimeStamp")
    method = etree.SubElement(stamp, f"{{{DSIG}}}CanonicalizationMethod")
    method.set("Algorithm", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    encapsulated = etree.SubElement(stamp, f"{{{XADES}}}EncapsulatedTimeStamp")
    encapsulated.text = base64.b64encode(token).decode()
    return bytes(etree.tostring(root))


def test_verify_xades_t_time_stamped_while_valid_is_verified_after_expiry(
    ca: CertifiedKey, tsa: CertifiedKey, expired: CertifiedKey
) -> None:
    document = _xades_t(expired, ca, tsa, AT - dt.timedelta(days=50))
    report = Report.of(verify_xades(document, _ctx(ca)))
    assert _status(report, "proof") is CheckStatus.PASSED
    assert _status(report, "timestamp") is CheckStatus.PASSED
    assert _status(report, "trust") is CheckStatus.PASSED
    assert report.verdict is Verdict.VERIFIED


def test_verify_xades_t_time_stamped_after_expiry_fails_trust(
    ca: CertifiedKey, tsa: CertifiedKey, expired: CertifiedKey
) -> None:
    document = _xades_t(expired, ca, tsa, AT - dt.timedelta(days=5))
    report = Report.of(verify_xades(document, _ctx(ca)))
    assert _status(report, "trust") is CheckStatus.FAILED


def test_verify_xades_t_time_stamp_of_other_value_proves_nothing(
    ca: CertifiedKey, tsa: CertifiedKey, expired: CertifiedKey
) -> None:
    document = _xades_t(expired, ca, tsa, AT - dt.timedelta(days=50))
    other = timestamp_token(b"<ds:SignatureValue>other</ds:SignatureValue>", tsa, AT)
    root = etree.fromstring(document)
    stamp = root.find(f".//{{{XADES}}}EncapsulatedTimeStamp")
    assert stamp is not None
    stamp.text = base64.b64encode(other).decode()
    report = Report.of(verify_xades(etree.tostring(root), _ctx(ca)))
    assert _status(report, "timestamp") is CheckStatus.WARNING
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE
