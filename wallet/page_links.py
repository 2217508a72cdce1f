"""Importing from a web address: the credential itself, or one a public badge page links to."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from wallet.errors import N_, FetchError, ValidationError
from wallet.fetching import Fetched, Fetcher

MAX_URL_LENGTH = 2000
MAX_PAGE_LINKS = 20
# Ask for the machine-readable form first: hosted assertions negotiate on Accept.
ACCEPT = (
    "application/ld+json, application/json;q=0.9, application/vc+jwt;q=0.9, "
    "application/vc+sd-jwt;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
# The media types a page may name on a link to the credential it shows.
CREDENTIAL_MEDIA_TYPES = frozenset(
    {
        "application/ld+json",
        "application/json",
        "application/vc",
        "application/vc+ld+json",
        "application/vc+jwt",
        "application/vc+sd-jwt",
        "application/dc+sd-jwt",
        "application/jwt",
    }
)
_HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_STARTS = (b"<!doctype html", b"<html")


class _LinkFinder(HTMLParser):
    """Collects ``<link rel="alternate">`` (and ``<a rel="alternate">``) to credential types."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a") or len(self.hrefs) >= MAX_PAGE_LINKS:
            return
        values = {name: value or "" for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        media_type = values.get("type", "").split(";", 1)[0].strip().lower()
        if "alternate" in rels and media_type in CREDENTIAL_MEDIA_TYPES and values.get("href"):
            self.hrefs.append(values["href"].strip())


def credential_links(html: str, base_url: str) -> list[str]:
    """The http(s) URLs of credentials a page links as alternates, absolute, in page order."""
    finder = _LinkFinder()
    finder.feed(html)
    finder.close()
    links = []
    for href in finder.hrefs:
        url = urljoin(base_url, href)
        if urlsplit(url).scheme in ("http", "https") and url not in links:
            links.append(url)
    return links


def is_html(fetched: Fetched) -> bool:
    """Whether a response is a web page rather than a credential."""
    media_type = fetched.content_type.split(";", 1)[0].strip().lower()
    if media_type in _HTML_MEDIA_TYPES:
        return True
    return fetched.body.lstrip()[:20].lower().startswith(_HTML_STARTS)


def check_url(url: str) -> str:
    """The address trimmed, if it is one Plecak may fetch; ``ValidationError`` otherwise."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL_LENGTH or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(N_("Enter a web address that starts with https://."))
    return url


def fetch_credential(fetcher: Fetcher, url: str) -> Fetched:
    """The credential at ``url``, or the first one the page at ``url`` links to."""
    fetched = _fetch_ok(fetcher, check_url(url))
    if not is_html(fetched):
        return fetched
    html = fetched.body.decode("utf-8", errors="replace")
    for link in credential_links(html, fetched.url):
        linked = _fetch_ok(fetcher, link)
        # One hop only: a page linking to another page is not followed further.
        if not is_html(linked):
            return linked
    raise FetchError(
        f"{fetched.url} links no credential Plecak can read", reason="page_without_credential"
    )


def _fetch_ok(fetcher: Fetcher, url: str) -> Fetched:
    fetched = fetcher.fetch(url, accept=ACCEPT)
    if fetched.status != 200:
        reason = "http_not_found" if fetched.status in (404, 410) else "http_error"
        raise FetchError(f"{url} answered with HTTP status {fetched.status}", reason=reason)
    return fetched
