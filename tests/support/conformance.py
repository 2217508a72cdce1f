"""The conformance corpus: every manifest under tests/data/conformance, run through Plecak's engine.

A manifest is ``{"vectors": [{"file", "source", "licence", "expected", "section", "at"?,
"documents"?, "recipient"?}]}``. ``documents`` maps URLs to files beside the manifest (or, as in a
``wallet verify --documents`` map, to ``{"path"?, "status"?, "content_type"?}``); they are
offered through the verifier's document loader (the ``--documents`` map of ``wallet verify``),
and every other URL is out of reach, as for a verifier offline. An optional ``trust_anchors``
lists certificate files (PEM or DER) that seals may chain to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wallet.fetching import DocumentMapFetcher, Fetcher, OfflineFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.standing import Standing, standing_of
from wallet.verification.trust import read_certificate
from wallet.verify_command import parse_instant, verify_bytes

CORPUS = Path(__file__).resolve().parent.parent / "data" / "conformance"
REQUIRED_FIELDS = ("file", "source", "licence", "expected", "section")


@dataclass(frozen=True)
class Vector:
    """One entry of a manifest, with where it lives."""

    area: str
    manifest: Path
    index: int
    entry: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.area}/{self.entry.get('file')}#{self.index}"

    @property
    def path(self) -> Path:
        return self.manifest.parent / str(self.entry["file"])

    @property
    def expected(self) -> Standing:
        return Standing(self.entry["expected"])


@dataclass
class AreaScore:
    """How one area's vectors came out."""

    vectors: int = 0
    matching: int = 0
    genuine_failed: int = 0
    tampered_verified: int = 0


@dataclass
class Scoreboard:
    """Every outcome of this run, by area; printed at the end of the run."""

    areas: dict[str, AreaScore] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    def record(self, vector: Vector, got: Standing) -> None:
        score = self.areas.setdefault(vector.area, AreaScore())
        score.vectors += 1
        expected = vector.expected
        if got is expected:
            score.matching += 1
        else:
            self.mismatches.append(f"{vector.id}: expected {expected.value}, got {got.value}")
        if expected is not Standing.FAILED and got is Standing.FAILED:
            score.genuine_failed += 1
        if expected is Standing.FAILED and got is Standing.VERIFIED:
            score.tampered_verified += 1

    def as_data(self) -> dict[str, Any]:
        """The board as plain data, to send from a pytest-xdist worker to the controller."""
        return {
            "areas": {a: asdict(s) for a, s in self.areas.items()},
            "mismatches": self.mismatches,
        }

    def add(self, data: dict[str, Any]) -> None:
        """Add another process's board, given as ``as_data`` made it."""
        for area, counts in data["areas"].items():
            score = self.areas.setdefault(area, AreaScore())
            for name, count in counts.items():
                setattr(score, name, getattr(score, name) + count)
        self.mismatches.extend(data["mismatches"])

    def table(self) -> list[str]:
        rows = [("area", "vectors", "matching", "genuine failed", "tampered verified")]
        total = AreaScore()
        for area, score in sorted(self.areas.items()):
            rows.append(_row(area, score))
            total.vectors += score.vectors
            total.matching += score.matching
            total.genuine_failed += score.genuine_failed
            total.tampered_verified += score.tampered_verified
        rows.append(_row("all", total))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
        lines.insert(1, "-+-".join("-" * width for width in widths))
        return lines


SCOREBOARD = pytest.StashKey[Scoreboard]()


def _row(area: str, score: AreaScore) -> tuple[str, str, str, str, str]:
    return (
        area,
        str(score.vectors),
        str(score.matching),
        str(score.genuine_failed),
        str(score.tampered_verified),
    )


def manifests(root: Path = CORPUS) -> list[Path]:
    """Every ``manifest.json`` under ``root``, in a stable order."""
    return sorted(root.rglob("manifest.json"))


def vectors(root: Path = CORPUS) -> Iterator[Vector]:
    """Every vector of every manifest; the area is the first folder under ``root``."""
    for manifest in manifests(root):
        area = manifest.parent.relative_to(root).parts[0]
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("vectors", [])
        for index, entry in enumerate(listed):
            yield Vector(area, manifest, index, entry)


def verification_context(vector: Vector) -> VerificationContext:
    """What the verifier is given for ``vector``: its clock, its documents, its holder."""
    at_text = vector.entry.get("at")
    at = parse_instant(str(at_text)) if at_text else datetime.now(UTC)
    documents = vector.entry.get("documents") or {}
    fetcher: Fetcher = OfflineFetcher("the conformance corpus runs offline")
    if documents:
        fetcher = DocumentMapFetcher(vector.manifest, None, entries=dict(documents))
    recipient = vector.entry.get("recipient")
    recipients = frozenset({str(recipient)}) if recipient else frozenset()
    anchors = tuple(
        read_certificate(vector.manifest.parent / str(name))
        for name in vector.entry.get("trust_anchors") or ()
    )
    return VerificationContext(fetcher=fetcher, at=at, recipients=recipients, trust_anchors=anchors)


def standing_of_vector(vector: Vector) -> tuple[Standing, list[str]]:
    """The standing Plecak gives the vector's first credential, and its checks for the log."""
    # A vector imported by URL is read under that URL, as the import page would name it.
    source = vector.entry.get("imported_from") or vector.path.name
    results = verify_bytes(vector.path.read_bytes(), str(source), verification_context(vector))
    report = results[0].report
    checks = [
        f"{check.code}={check.status.value}" + (f" ({check.detail})" if check.detail else "")
        for check in report.checks
    ]
    return standing_of(report), checks
