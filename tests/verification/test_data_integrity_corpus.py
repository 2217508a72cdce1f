"""Credentials signed by Digital Bazaar's JavaScript libraries give their expected outcome."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from wallet.fetching import Fetched
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity
from wallet.verification.dates import check_credential_dates
from wallet.verification.report import CheckStatus, Report, Verdict

SAMPLE = Path(__file__).parent.parent / "data" / "vc-corpus-sample"
MANIFEST = json.loads((SAMPLE / "manifest.json").read_text())
AT = datetime.fromisoformat(MANIFEST["verdictWindow"][0])


class NoNetwork:
    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise AssertionError(f"unexpected fetch of {url}")


@pytest.mark.parametrize("entry", MANIFEST["files"], ids=lambda entry: entry["file"])
def test_corpus_credential_gives_expected_outcome(entry: dict[str, object]) -> None:
    credential = json.loads((SAMPLE / str(entry["file"])).read_text())
    ctx = VerificationContext(fetcher=NoNetwork(), at=AT)
    report = Report.of(
        verify_data_integrity(credential, ctx) + check_credential_dates(credential, AT)
    )
    proof = report.find("proof")
    expiry = report.find("expiry")
    assert proof is not None and expiry is not None
    expected_proof = CheckStatus.PASSED if entry["signatureValid"] else CheckStatus.FAILED
    assert proof.status is expected_proof
    expected_expiry = CheckStatus.FAILED if entry["variant"] == "expired" else CheckStatus.PASSED
    assert expiry.status is expected_expiry
    expected = Verdict.VERIFIED if entry["expected"] == "valid" else Verdict.FAILED
    assert report.verdict is expected


def test_corpus_sample_covers_every_suite_and_variant() -> None:
    kinds = {(entry["suite"], entry["variant"]) for entry in MANIFEST["files"]}
    assert len(kinds) == 12
