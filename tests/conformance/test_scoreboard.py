"""The corpus score: matches, genuine ones called failed, forged ones called verified."""

from __future__ import annotations

from pathlib import Path

from tests.support.conformance import Scoreboard, Vector, vectors
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
