"""Published conformance vectors: their documents served by a loopback server at their own URLs.

A published vector names real-looking addresses (``https://example.org/...``). The documents of
a manifest entry are served by a real HTTP server on 127.0.0.1, and a fetcher maps each
published URL onto that server, so the vector files stay byte-for-byte as published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.support.httpserver import LocalServer
from wallet.fetching import Fetched, SafeFetcher

CONFORMANCE = Path(__file__).parent.parent / "data" / "conformance"


@dataclass(frozen=True)
class Vector:
    """One manifest entry, with paths made absolute."""

    area: Path
    file: Path
    expected: str
    section: str
    at: datetime
    documents: dict[str, Path]
    recipient: str | None
    imported_from: str | None
    raw: dict[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        return f"{self.file.relative_to(CONFORMANCE)}@{self.expected}:{self.section[:40]}"


def load_vectors(area: str) -> list[Vector]:
    """Every vector of ``tests/data/conformance/<area>/manifest.json``."""
    folder = CONFORMANCE / area
    manifest = json.loads((folder / "manifest.json").read_text())
    vectors = []
    for entry in manifest["vectors"]:
        at = entry.get("at")
        vectors.append(
            Vector(
                area=folder,
                file=folder / entry["file"],
                expected=entry["expected"],
                section=entry["section"],
                at=datetime.fromisoformat(at) if at else datetime(2025, 1, 1, tzinfo=UTC),
                documents={url: folder / path for url, path in entry.get("documents", {}).items()},
                recipient=entry.get("recipient"),
                imported_from=entry.get("imported_from"),
                raw=entry,
            )
        )
    return vectors


def _local_path(url: str) -> str:
    parts = urlsplit(url)
    path = f"/{parts.scheme}/{parts.netloc}{parts.path or '/'}"
    return f"{path}?{parts.query}" if parts.query else path


class PublishedWeb:
    """The real guarded fetcher, with published URLs served from a loopback server."""

    def __init__(self, server: LocalServer, documents: dict[str, Path]) -> None:
        self.server = server
        self.urls: list[str] = []
        self._fetcher = SafeFetcher(allow_loopback=True)
        for url, path in documents.items():
            media = "image/svg+xml" if path.suffix == ".svg" else "application/ld+json"
            server.serve(_local_path(url), path.read_bytes(), content_type=media)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.urls.append(url)
        if urlsplit(url).scheme not in ("http", "https"):
            return self._fetcher.fetch(url, accept=accept, max_bytes=max_bytes)
        fetched = self._fetcher.fetch(
            self.server.url(_local_path(url)), accept=accept, max_bytes=max_bytes
        )
        return replace(fetched, url=url)
