"""Published Open Badges and EDC vectors (validator-core, bakery, ELM) reach their verdicts."""

from __future__ import annotations

import pytest

from tests.support.httpserver import LocalServer
from tests.support.published import PublishedWeb, Vector, load_vectors
from wallet import importing
from wallet.verification.context import VerificationContext
from wallet.verification.report import Report
from wallet.verification.standing import Standing, standing_of
from wallet.verification.verifier import verify_envelope

VECTORS = load_vectors("ob") + load_vectors("edc")


def verify_vector(vector: Vector, server: LocalServer) -> Report:
    """Import the vector (from its URL when it was published as fetched) and verify it."""
    web = PublishedWeb(server, vector.documents)
    source = vector.imported_from or vector.file.name
    [envelope] = importing.read_envelopes(vector.file.read_bytes(), source)
    recipients = frozenset({vector.recipient}) if vector.recipient else frozenset()
    ctx = VerificationContext(fetcher=web, at=vector.at, recipients=recipients)
    return verify_envelope(envelope, ctx).report


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_conformance_vector_reaches_expected_standing(
    vector: Vector, http_server: LocalServer
) -> None:
    report = verify_vector(vector, http_server)
    detail = [(c.code, c.status.value, c.detail) for c in report.checks]
    assert standing_of(report) is Standing(vector.expected), detail
