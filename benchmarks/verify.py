"""Verify every credential of a corpus folder through the full pipeline and time it.

Usage: python benchmarks/verify.py PATH_TO_CORPUS_FOLDER (e.g. ../shared/vc-corpus-db)
Each file goes bytes → read_envelopes → verify_envelope (offline) → normalise, as an upload
does. Prints the median milliseconds per credential by suite (one process, warm caches) and the
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

from wallet import importing
from wallet.fetching import OfflineFetcher
from wallet.records import CredentialRecord
from wallet.verification.context import VerificationContext
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.verifier import verify_envelope


def verify(data: bytes, source: str, at: datetime) -> tuple[Report, CredentialRecord]:
    """The report and the record of the one credential in ``data``, as an upload makes them."""
    ctx = VerificationContext(fetcher=OfflineFetcher(), at=at)
    [envelope] = importing.read_envelopes(data, source)
    verification = verify_envelope(envelope, ctx)
    return verification.report, importing.normalise(envelope, verification.linked)


def mismatch(entry: dict[str, object], report: Report, record: CredentialRecord) -> str | None:
    """Why the outcome disagrees with the manifest entry, or ``None``."""
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
    if not record.title:
        return "the normalised record has no title"
    return None


def _verify_file(args: tuple[str, str]) -> bool:
    path, at = args
    report, _record = verify(Path(path).read_bytes(), path, datetime.fromisoformat(at))
    return report.verdict is Verdict.VERIFIED


def main(folder: Path) -> int:
    manifest = json.loads((folder / "manifest.json").read_text())
    # Mid-window: every verdict in the manifest holds for any instant inside it.
    at = datetime.fromisoformat(manifest["verdictWindow"][0]).replace(month=6)
    entries = manifest["files"]
    blobs = [(folder / entry["file"]).read_bytes() for entry in entries]
    for entry, data in list(zip(entries, blobs, strict=True))[:20]:
        verify(data, entry["file"], at)  # warm the caches (contexts, proof configurations, keys)
    timings: dict[str, list[float]] = defaultdict(list)
    failures = []
    for entry, data in zip(entries, blobs, strict=True):
        start = time.perf_counter()
        report, record = verify(data, entry["file"], at)
        timings[entry["suite"]].append((time.perf_counter() - start) * 1000)
        problem = mismatch(entry, report, record)
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
