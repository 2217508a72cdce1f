"""Serve published vectors' https origins (https://vc.example/...) from a loopback server."""

from __future__ import annotations

from dataclasses import dataclass, replace

from wallet.fetching import Fetched, SafeFetcher


@dataclass
class MappedFetcher:
    """The real guarded fetcher, with some origins rewritten to a server on 127.0.0.1."""

    origins: dict[str, str]
    inner: SafeFetcher

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        """Fetch ``url`` through the mapped origin; the answer keeps the original URL."""
        target = url
        for origin, local in self.origins.items():
            if url.startswith(origin + "/"):
                target = local + url[len(origin) :]
        fetched = self.inner.fetch(target, accept=accept, max_bytes=max_bytes)
        return replace(fetched, url=url)


def controller_document(
    url: str, keys: dict[str, str], *, assertion: list[str] | None = None
) -> dict[str, object]:
    """A controller document (Controlled Identifiers 1.0) at ``url`` with Multikey methods.

    ``keys`` maps fragment → publicKeyMultibase; ``assertion`` lists the method ids under
    ``assertionMethod`` (by default every method of the document).
    """
    methods = [
        {"id": f"{url}#{name}", "type": "Multikey", "controller": url, "publicKeyMultibase": key}
        for name, key in keys.items()
    ]
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": url,
        "verificationMethod": methods,
        "assertionMethod": assertion if assertion is not None else [m["id"] for m in methods],
    }
