"""Published Data Integrity vectors under tests/data/conformance/di/ and the contexts they use."""

from __future__ import annotations

import json
from pathlib import Path

from wallet.fetching import Fetched
from wallet.jsonvalues import JsonObject
from wallet.verification.jsonld import ContextLoader, MemoryContextStore

VECTORS = Path(__file__).parent.parent / "data" / "conformance" / "di"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/citizenship/v4rc1": "citizenship-v4rc1.jsonld",
}


class NoNetwork:
    """A fetcher for tests that must not reach the network at all."""

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise AssertionError(f"unexpected fetch of {url}")


def load_vector(name: str) -> JsonObject:
    """The published vector ``name`` as JSON."""
    loaded = json.loads((VECTORS / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def context_bodies() -> dict[str, bytes]:
    """The non-bundled contexts the vectors use, keyed by URL."""
    return {url: (VECTORS / name).read_bytes() for url, name in CONTEXTS.items()}


def vector_loader() -> ContextLoader:
    """A context loader that serves the vectors' contexts without any network."""
    return ContextLoader(NoNetwork(), MemoryContextStore(bodies=context_bodies()))
