"""The corpus score: matches, genuine ones called failed, forged ones called verified."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.support.conformance import Scoreboard, Vector, vectors, verification_context
from tests.support.jose_issuer import make_ca
from wallet.errors import FetchError
from wallet.verification.standing import Standing


def vector(expected: str, area: str = "jwt") -> Vector:
    return Vector(area, Path("manifest.json"), 0, {"file": "x", "expected": expected})


def test_scoreboard_counts_genuine_failed_and_tampered_verified() -> None:
    board = Scoreboard()
    board.record(vector("verified"), Standing.VERIFIED)
    board.record(vector("unverifiable"), Standing.FAILED)
    board.record(vector("failed"), Standing.VERIFIED)
    board.record(vector("failed", "di"), Standing.FAILED)
    jwt, di = board.areas["jwt"], board.areas["di"]
    assert (jwt.vectors, jwt.matching, jwt.genuine_failed, jwt.tampered_verified) == (3, 1, 1, 1)
    assert (di.vectors, di.matching) == (1, 1)
    assert len(board.mismatches) == 2
    assert board.table()[-1].split("|")[1].strip() == "4"


def test_vectors_read_every_manifest_with_area_from_folder(tmp_path: Path) -> None:
    for area in ("ob", "di"):
        folder = tmp_path / area / "nested"
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(
            '{"vectors": [{"file": "a.json", "expected": "verified", "documents": {}}]}'
        )
    found = list(vectors(tmp_path))
    assert [v.area for v in found] == ["di", "ob"]
    assert found[0].path == tmp_path / "di" / "nested" / "a.json"


def test_verification_context_reads_clock_documents_holder_and_anchors(tmp_path: Path) -> None:
    anchor = make_ca(at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    (tmp_path / "ca.der").write_bytes(anchor.der)
    (tmp_path / "issuer.json").write_text('{"id": "https://issuer.example"}')
    entry = {
        "file": "x",
        "expected": "verified",
        "at": "2025-06-01",
        "documents": {"https://issuer.example": "issuer.json"},
        "recipient": "ola@example.org",
        "trust_anchors": ["ca.der"],
    }
    ctx = verification_context(Vector("edc", tmp_path / "manifest.json", 0, entry))
    assert ctx.at == dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    assert ctx.fetcher.fetch("https://issuer.example").body == b'{"id": "https://issuer.example"}'
    assert ctx.recipients == frozenset({"ola@example.org"})
    assert ctx.trust_anchors == (anchor.der,)
    with pytest.raises(FetchError):
        ctx.fetcher.fetch("https://elsewhere.example")
