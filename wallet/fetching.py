"""The one way Plecak reaches the network: the Fetcher protocol and its safe implementation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Fetched:
    """An HTTP response as the fetcher returns it: any status, capped body."""

    url: str
    status: int
    content_type: str
    body: bytes


class Fetcher(Protocol):
    """Fetches a URL under the caller's caps; raises ``FetchError`` when refused or failed."""

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched: ...
