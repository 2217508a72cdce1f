"""The conformance corpus: published vectors give the standing a careful verifier gives them."""

from __future__ import annotations

import pytest

from tests.support.conformance import (
    REQUIRED_FIELDS,
    SCOREBOARD,
    Scoreboard,
    Vector,
    manifests,
    standing_of_vector,
    vectors,
)
from wallet.verification.standing import Standing

VECTORS = list(vectors())


def test_corpus_has_manifests_with_vectors() -> None:
    assert manifests()
    assert VECTORS


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_corpus_vector_is_described_completely(vector: Vector) -> None:
    missing = [name for name in REQUIRED_FIELDS if not vector.entry.get(name)]
    assert not missing, f"{vector.id} lacks {', '.join(missing)}"
    assert vector.entry["expected"] in {standing.value for standing in Standing}
    assert vector.path.is_file()
    for answer in (vector.entry.get("documents") or {}).values():
        # A local file, or (as in ``wallet verify --documents``) {"path"?, "status"?, ...}.
        local = answer.get("path") if isinstance(answer, dict) else answer
        if local is not None:
            assert (vector.manifest.parent / local).is_file(), local


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_corpus_vector_gets_expected_standing(
    vector: Vector, request: pytest.FixtureRequest
) -> None:
    got, checks = standing_of_vector(vector)
    board = request.config.stash.setdefault(SCOREBOARD, Scoreboard())
    board.record(vector, got)
    assert got is vector.expected, f"{vector.id} ({vector.entry['section']}): {checks}"
