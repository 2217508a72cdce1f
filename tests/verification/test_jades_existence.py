"""JAdES proof of existence: a signature time-stamp moves the certificate check to signing time.

The vector is the EU DSS JAdES-T test file ``jades-t-clear-etsiu.json``: an RS256 seal by
``good-user`` (valid 2019-11-14 to 2021-09-14) with an RFC 3161 ``sigTst`` by ``good-tsa`` dated
2020-11-26; the token also carries the test PKI's ``root-ca``, used here as the trust anchor.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms

from tests.support.jose_issuer import make_ca
from wallet.errors import CredentialFormatError
from wallet.fetching import OfflineFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.jades import verify_jades
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.timestamps import verify_timestamp_token

DSS = Path(__file__).parent.parent / "data" / "conformance" / "edc" / "dss"
JADES_T = (DSS / "jades-t-clear-etsiu.json").read_text()
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
WHILE_VALID = dt.datetime(2020, 12, 1, tzinfo=dt.UTC)


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(JADES_T)
    return document


def _token(document: dict[str, Any]) -> bytes:
    return base64.b64decode(document["header"]["etsiU"][0]["sigTst"]["tstTokens"][0]["val"])


def _with_token(token: bytes) -> str:
    document = _document()
    document["header"]["etsiU"][0]["sigTst"]["tstTokens"][0]["val"] = base64.b64encode(
        token
    ).decode()
    return json.dumps(document)


def _root_ca() -> bytes:
    signed = cms.ContentInfo.load(_token(_document()))["content"]
    [root] = [
        c.chosen.dump()
        for c in signed["certificates"]
        if "root-ca" in c.chosen.subject.native.values()
    ]
    return root


def _verify(text: str, at: dt.datetime, *anchors: bytes) -> Report:
    ctx = VerificationContext(fetcher=OfflineFetcher(), at=at, trust_anchors=anchors)
    return Report.of(verify_jades(text, ctx))


def _status(report: Report, code: str) -> CheckStatus | None:
    check = report.find(code)
    return check.status if check else None


def test_verify_timestamp_token_published_sigtst_proves_signing_time() -> None:
    document = _document()
    signature = base64.urlsafe_b64decode(document["signature"] + "==")
    proof = verify_timestamp_token(_token(document), signature)
    assert proof.time == dt.datetime(2020, 11, 26, 13, 42, 38, tzinfo=dt.UTC)
    assert "good-tsa" in proof.authority


def test_verify_jades_expired_certificate_with_timestamp_is_judged_at_signing_time() -> None:
    report = _verify(JADES_T, NOW, _root_ca())
    assert _status(report, "proof") is CheckStatus.PASSED
    assert _status(report, "timestamp") is CheckStatus.PASSED
    trust = report.find("trust")
    assert trust is not None and trust.status is CheckStatus.PASSED
    assert trust.detail == "at the time-stamp 2020-11-26T13:42:38+00:00"
    assert report.verdict is Verdict.VERIFIED


def test_verify_jades_expired_certificate_without_timestamp_is_unverifiable() -> None:
    document = _document()
    del document["header"]  # the B-level seal: the signature is untouched
    report = _verify(json.dumps(document), NOW, _root_ca())
    assert _status(report, "proof") is CheckStatus.PASSED
    assert _status(report, "timestamp") is None
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_jades_without_timestamp_while_certificate_valid_is_verified() -> None:
    document = _document()
    del document["header"]
    report = _verify(json.dumps(document), WHILE_VALID, _root_ca())
    assert _status(report, "trust") is CheckStatus.PASSED
    assert report.verdict is Verdict.VERIFIED


def test_verify_jades_altered_timestamp_proves_nothing_and_is_unverifiable() -> None:
    token = bytearray(_token(_document()))
    at = token.find(b"20201126134238Z")
    token[at + 13] = ord("9")  # genTime 13:42:39: the TSA's signed digest no longer matches
    report = _verify(_with_token(bytes(token)), NOW, _root_ca())
    timestamp = report.find("timestamp")
    assert timestamp is not None and timestamp.status is CheckStatus.WARNING
    assert timestamp.detail == "the time-stamp's TSTInfo was changed after signing"
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_jades_timestamp_of_another_signature_proves_nothing() -> None:
    document = _document()
    signature = document["signature"]
    document["signature"] = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    report = _verify(json.dumps(document), NOW, _root_ca())
    # The seal no longer verifies, so no time-stamp is consulted: the seal is proven wrong.
    assert _status(report, "proof") is CheckStatus.FAILED
    assert report.verdict is Verdict.FAILED


def test_verify_timestamp_token_over_other_data_is_refused() -> None:
    with pytest.raises(CredentialFormatError, match="over other data"):
        verify_timestamp_token(_token(_document()), b"another signature value")


def test_verify_jades_timestamp_without_anchors_is_not_relied_on() -> None:
    report = _verify(JADES_T, NOW)
    assert _status(report, "timestamp") is CheckStatus.SKIPPED
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_jades_timestamp_by_untrusted_authority_proves_nothing() -> None:
    stranger = make_ca("Unrelated Authority", at=NOW).der
    report = _verify(JADES_T, NOW, stranger)
    timestamp = report.find("timestamp")
    assert timestamp is not None and timestamp.status is CheckStatus.WARNING
    assert _status(report, "trust") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE
