"""The CV as a PDF: WeasyPrint with a fetcher limited to the app's own files and data: URIs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

import segno
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Pages name the app's own files under this base; nothing else resolves.
APP_BASE = "https://plecak.invalid/"
STATIC = Path(__file__).resolve().parent.parent / "static"


class PdfRenderer(Protocol):
    """Turns a CV's HTML into PDF bytes."""

    def render(self, html: str) -> bytes: ...


class AppOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``data:`` URIs and the app's static files; refuses every other address."""

    def __init__(self, static_dir: Path = STATIC) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self._static = static_dir.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = APP_BASE + "static/"
        if url.startswith(prefix):
            path = (self._static / url[len(prefix) :].split("?")[0]).resolve()
            if path.is_relative_to(self._static) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}")


class WeasyRenderer:
    """The real renderer, caching each PDF under ``cache_dir`` by the hash of its HTML."""

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = cache_dir

    def render(self, html: str) -> bytes:
        digest = hashlib.sha256(html.encode()).hexdigest()
        cached = self._cache_dir / f"{digest}.pdf"
        if cached.is_file():
            return cached.read_bytes()
        data = HTML(string=html, base_url=APP_BASE, url_fetcher=AppOnlyFetcher()).write_pdf()
        assert isinstance(data, bytes)
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(cached)
        return data


def qr_data_uri(url: str) -> str:
    """A QR code for ``url`` as an SVG data URI (no file, no fetch)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=3, border=2))
