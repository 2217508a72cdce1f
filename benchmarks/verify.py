"""Verify every credential of a corpus folder against its manifest and time it.

Usage: python benchmarks/verify.py PATH_TO_CORPUS_FOLDER (e.g. ../shared/vc-corpus-db)
Prints the median milliseconds per credential by suite (one process, warm caches) and the
bulk throughput of a process pool using every core; exits 1 if any verdict is unexpected.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from wallet.errors import FetchError
from wallet.fetching import Fetched
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity
from wallet.verification.dates import check_credential_dates
from wallet.verification.report import CheckStatus, Report, Verdict


class OfflineFetcher:
    """The corpus uses did:key and bundled contexts only: nothing may be fetched."""

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise FetchError(f"the benchmark is offline: {url}")


def verify(credential: dict[str, object], at: datetime) -> Report:
    """Proof and dates of one credential."""
    ctx = VerificationContext(fetcher=OfflineFetcher(), at=at)
    return Report.of(
        verify_data_integrity(credential, ctx) + check_credential_dates(credential, at)
    )


def mismatch(entry: dict[str, object], report: Report) -> str | None:
    """Why ``report`` disagrees with the manifest entry, or ``None``."""
    expected = Verdict.VERIFIED if entry["expected"] == "valid" else Verdict.FAILED
    if report.verdict is not expected:
        return f"verdict {report.verdict.value}, expected {expected.value}"
    proof = report.find("proof")
    if proof is None or (proof.status is CheckStatus.PASSED) != entry["signatureValid"]:
        return "proof check disagrees with signatureValid"
    expiry = report.find("expiry")
    if entry["variant"] == "expired" and (
        expiry is None or expiry.status is not CheckStatus.FAILED
    ):
        return "expired credential not failed on expiry"
    return None


def _verify_file(args: tuple[str, str]) -> bool:
    path, at = args
    credential = json.loads(Path(path).read_text())
    return verify(credential, datetime.fromisoformat(at)).verdict is Verdict.VERIFIED


def main(folder: Path) -> int:
    manifest = json.loads((folder / "manifest.json").read_text())
    at = datetime.fromisoformat(manifest["verdictWindow"][0]).replace(month=6)
    entries = manifest["files"]
    documents = [json.loads((folder / entry["file"]).read_text()) for entry in entries]
    for document in documents[:20]:
        verify(document, at)  # warm the caches (contexts, proof configurations, keys)
    timings: dict[str, list[float]] = defaultdict(list)
    failures = []
    for entry, document in zip(entries, documents, strict=True):
        start = time.perf_counter()
        report = verify(document, at)
        timings[entry["suite"]].append((time.perf_counter() - start) * 1000)
        problem = mismatch(entry, report)
        if problem is not None:
            failures.append(f"{entry['file']}: {problem}")
    for suite, values in sorted(timings.items()):
        print(f"{suite:24} median {statistics.median(values):6.2f} ms  (n={len(values)})")
    jobs = [(str(folder / entry["file"]), at.isoformat()) for entry in entries]
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(_verify_file, jobs[: cores * 4]))  # start and warm every worker
        start = time.perf_counter()
        list(pool.map(_verify_file, jobs, chunksize=16))
        elapsed = time.perf_counter() - start
    print(f"bulk: {len(jobs) / elapsed:.0f} credentials/s on {cores} cores")
    for failure in failures:
        print("MISMATCH", failure)
    print(f"{len(entries) - len(failures)}/{len(entries)} verdicts as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
