"""Reading a holder's credentials from an Open Badges 3.0 platform, page by page."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from wallet.errors import ConnectError, CredentialFormatError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, parse_json_object

PAGE_SIZE = 50
# A holder with more credentials than this on one platform syncs them in several runs.
MAX_CREDENTIALS = 1000
MAX_PAGE_BYTES = 4 * 1024 * 1024
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL = re.compile(r'rel\s*=\s*"?([^";]+)"?')


class AccessEnded(ConnectError):
    """The platform no longer accepts the access token (401): refresh it and ask again."""


@dataclass(frozen=True)
class RemoteCredential:
    """One credential as the platform sent it: a JSON document or a compact JWS."""

    name: str
    data: bytes


def fetch_credentials(
    http: HttpClient,
    credentials_url: str,
    access_token: str,
    *,
    label: str,
    page_size: int = PAGE_SIZE,
    limit: int = MAX_CREDENTIALS,
) -> list[RemoteCredential]:
    """Every credential the platform lists for the token's holder, following its paging.

    Pages are followed through ``Link: rel="next"`` when given, else by offset until
    ``X-Total-Count`` (or an empty page). A next link to another origin is not followed: the
    access token goes only to the platform's own API.
    """
    found: list[RemoteCredential] = []
    url: str | None = _page_url(credentials_url, page_size, 0)
    seen: set[str] = set()
    while url is not None and len(found) < limit:
        if url in seen:
            raise ConnectError(f"{url} pages in a loop", reason="connect_credentials")
        seen.add(url)
        answer = http.send(
            "GET",
            url,
            headers={"Authorization": f"Bearer {access_token}"},
            accept="application/json",
            max_bytes=MAX_PAGE_BYTES,
        )
        if answer.status == 401:
            raise AccessEnded(f"{url} no longer accepts the access token")
        if answer.status != 200:
            raise ConnectError(
                f"{url} answered {answer.status} to the credentials request",
                reason="connect_credentials",
            )
        page = _page_items(answer.body, url, label, start=len(found))
        found.extend(page)
        url = _next_page(answer.headers, url, credentials_url, page_size, len(found), len(page))
    return found[:limit]


def _page_url(credentials_url: str, page_size: int, offset: int) -> str:
    separator = "&" if urlsplit(credentials_url).query else "?"
    return f"{credentials_url}{separator}{urlencode({'limit': page_size, 'offset': offset})}"


def _page_items(body: bytes, url: str, label: str, *, start: int) -> list[RemoteCredential]:
    try:
        document = parse_json_object(body)
    except CredentialFormatError as error:
        raise ConnectError(
            f"{url} is not a JSON list of credentials: {error.detail}",
            reason="connect_credentials",
        ) from None
    items: list[bytes] = []
    for credential in _list(document, "credential", url):
        if not isinstance(credential, dict):
            raise ConnectError(
                f"{url} lists a credential that is not an object", reason="connect_credentials"
            )
        items.append(json.dumps(credential, ensure_ascii=False).encode())
    # The specification's schema names the member compactJwsString; an example says ...Strings.
    for key in ("compactJwsString", "compactJwsStrings"):
        for jws in _list(document, key, url):
            if not isinstance(jws, str) or jws.count(".") != 2:
                raise ConnectError(
                    f"{url} lists a malformed compact JWS", reason="connect_credentials"
                )
            items.append(jws.strip().encode("ascii", "replace"))
    return [
        RemoteCredential(f"{label}: {start + number}", data)
        for number, data in enumerate(items, start=1)
    ]


def _list(document: JsonObject, key: str, url: str) -> list[object]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise ConnectError(f"{url}: {key} is not a list", reason="connect_credentials")
    return list(value)


def _next_page(
    headers: Mapping[str, str],
    url: str,
    credentials_url: str,
    page_size: int,
    received: int,
    on_page: int,
) -> str | None:
    links = _links(headers.get("link", ""), url)
    following = links.get("next")
    if following is not None:
        if _origin(following) != _origin(credentials_url):
            raise ConnectError(
                f"{url} pages to another site: {following}", reason="connect_credentials"
            )
        return following
    if "link" in headers:  # paging by links, and this was the last page
        return None
    total = headers.get("x-total-count", "")
    if on_page == 0 or not total.isdigit() or received >= int(total):
        return None
    return _page_url(credentials_url, page_size, received)


def _links(value: str, base: str) -> dict[str, str]:
    """The targets of an RFC 8288 ``Link`` header by relation type."""
    links: dict[str, str] = {}
    for target, parameters in _LINK.findall(value):
        for rel in _REL.findall(parameters):
            for name in rel.split():
                links.setdefault(name.lower(), urljoin(base, target.strip()))
    return links


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()
