"""The Data Integrity conformance vectors reach the verdict their manifest names."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.di_vectors import VECTORS
from tests.support.httpserver import LocalServer
from tests.support.mapped_fetcher import MappedFetcher
from wallet.envelope import CredentialFormat, Envelope
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.standing import standing_of
from wallet.verification.verifier import verify_envelope

MANIFEST = json.loads((VECTORS / "manifest.json").read_text())


def _offer(server: LocalServer, documents: dict[str, str]) -> MappedFetcher:
    """Serve each offered document at its URL's path; map every origin to the server."""
    origins = {}
    for url, name in documents.items():
        parts = urlsplit(url)
        origins[f"{parts.scheme}://{parts.netloc}"] = server.base_url
        server.serve(parts.path, (VECTORS / name).read_bytes())
    return MappedFetcher(origins, SafeFetcher(allow_loopback=True, timeout=5))


@pytest.mark.parametrize(
    "vector",
    MANIFEST["vectors"],
    ids=lambda v: f"{v['file']}-{v['expected']}",
)
def test_conformance_vector_gives_expected_standing(
    vector: dict[str, Any], http_server: LocalServer
) -> None:
    raw = (VECTORS / vector["file"]).read_bytes()
    envelope = Envelope(
        format=CredentialFormat.VC_DATA_INTEGRITY,
        source=vector["file"],
        raw=raw,
        media_type="application/vc+ld+json",
        payload=json.loads(raw),
    )
    ctx = VerificationContext(
        fetcher=_offer(http_server, vector.get("documents", {})),
        at=datetime.fromisoformat(vector["at"]),
    )
    report = verify_envelope(envelope, ctx).report
    assert standing_of(report).value == vector["expected"], [
        (c.code, c.status.value, c.detail) for c in report.checks
    ]


def test_conformance_manifest_names_source_licence_and_section() -> None:
    for vector in MANIFEST["vectors"]:
        assert (VECTORS / vector["file"]).is_file()
        assert vector["source"] and vector["section"]
        assert vector["licence"] == "W3C Software and Document License"
        for name in vector.get("documents", {}).values():
            assert (VECTORS / name).is_file()
