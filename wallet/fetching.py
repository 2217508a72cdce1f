"""The one way Plecak reaches the network: the Fetcher protocol and its safe implementation."""

from __future__ import annotations

import contextlib
import copy
import http.client
import ipaddress
import logging
import mimetypes
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from wallet.errors import PLAIN_MESSAGES, CredentialFormatError, FetchError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_USER_AGENT = "Plecak/0.1 (+credential verifier)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
# What the holder reads when a fetch is refused or fails (the detail goes to the log only).
ADDRESS_NOT_ALLOWED = PLAIN_MESSAGES["address_refused"]
HOST_NOT_FOUND = PLAIN_MESSAGES["host_not_found"]
FETCH_TIMED_OUT = PLAIN_MESSAGES["timeout"]
FETCH_FAILED = PLAIN_MESSAGES["unreachable"]
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud instance-metadata endpoints are refused whatever the configuration says.
_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Ranges ``is_global`` lets through on some Python versions, or that hold no unicast hosts.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "fec0::/10",
    )
)


@dataclass(frozen=True)
class Fetched:
    """An HTTP response as the fetcher returns it: any status, capped body."""

    url: str
    status: int
    content_type: str
    body: bytes
    # Lower-case names; a header sent several times has its values joined with ", ".
    headers: Mapping[str, str] = field(default_factory=dict)


class Fetcher(Protocol):
    """Fetches a URL under the caller's caps; raises ``FetchError`` when refused or failed."""

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched: ...


class HttpClient(Fetcher, Protocol):
    """A fetcher that also sends one request of any method, for protocols such as OAuth."""

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        accept: str = "application/json",
        max_bytes: int | None = None,
    ) -> Fetched:
        """One request; a redirect is returned as it is, never followed."""
        ...

    def check(self, url: str) -> None:
        """Raise ``FetchError`` if ``url`` may not be contacted (scheme, host or address)."""
        ...


def require_content_type(fetched: Fetched, *media_types: str) -> Fetched:
    """``fetched`` if its media type is one of ``media_types``; ``FetchError`` otherwise."""
    media_type = fetched.content_type.split(";", 1)[0].strip().lower()
    if media_type not in media_types:
        raise FetchError(
            f"{fetched.url} answered with media type {media_type or 'none'!r}, "
            f"expected one of {', '.join(media_types)}",
            reason="wrong_media_type",
        )
    return fetched


@dataclass(frozen=True)
class _Request:
    """What is sent on one hop: the method, the caller's headers and an optional body."""

    method: str
    headers: Mapping[str, str]
    body: bytes | None


@dataclass(frozen=True)
class _Target:
    """One hop: the parsed URL and the single address it was resolved to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str


class SafeFetcher:
    """HTTP(S) GET with a private-address guard, pinned DNS, timeouts, byte cap and redirects."""

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        allow_private: bool = False,
        timeout: float = 10.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 3,
        user_agent: str = DEFAULT_USER_AGENT,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._until: float | None = None

    def until(self, deadline: float) -> SafeFetcher:
        """This fetcher, with every fetch also ending by ``deadline`` (``time.monotonic()``).

        A budget for work that holds a request: after the deadline nothing more is fetched.
        """
        bounded = copy.copy(self)
        bounded._until = deadline if self._until is None else min(deadline, self._until)
        return bounded

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        """GET ``url``, following up to ``max_redirects`` redirects, each hop checked anew.

        ``timeout`` bounds the whole exchange: every hop's connection, headers and body.
        """
        cap = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        deadline = time.monotonic() + self.timeout
        if self._until is not None:
            deadline = min(deadline, self._until)
        if deadline <= time.monotonic():
            logger.warning("not fetching %s: the time for fetching is spent", url)
            raise FetchError(
                f"not fetching {url}: the time for fetching is spent", reason="timeout"
            )
        current = url
        for _hop in range(self.max_redirects + 1):
            target = self._target(current)
            request = _Request("GET", {"Accept": accept}, None)
            status, headers, body = self._exchange(target, request, cap, deadline)
            location = headers.get("location")
            if status in _REDIRECTS and location is not None:
                following = urljoin(current, location)
                if target.scheme == "https" and following.startswith("http:"):
                    raise FetchError(
                        f"{current} redirects from https to plain http", reason="redirects"
                    )
                current = following
                continue
            content_type = headers.get("content-type", "")
            return Fetched(current, status, content_type, body, headers)
        raise FetchError(
            f"{url} redirected more than {self.max_redirects} times", reason="redirects"
        )

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        accept: str = "application/json",
        max_bytes: int | None = None,
    ) -> Fetched:
        """One ``method`` request under the same guard and caps; a redirect is not followed.

        Requests that carry secrets (a token, client credentials) must never be replayed to
        wherever a server points, so the caller sees the 3xx and decides.
        """
        cap = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        deadline = time.monotonic() + self.timeout
        if self._until is not None:
            deadline = min(deadline, self._until)
        if deadline <= time.monotonic():
            raise FetchError(
                f"not sending to {url}: the time for fetching is spent", reason="timeout"
            )
        target = self._target(url)
        request = _Request(method, {**(headers or {}), "Accept": accept}, body)
        status, answered, data = self._exchange(target, request, cap, deadline)
        return Fetched(url, status, answered.get("content-type", ""), data, answered)

    def check(self, url: str) -> None:
        """Refuse ``url`` now, as a fetch of it would be refused (nothing is sent)."""
        self._target(url)

    def _target(self, url: str) -> _Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(
                f"only http and https URLs are fetched, not {parts.scheme or url!r}",
                reason="bad_address",
            )
        if parts.username or parts.password:
            raise FetchError(
                f"URLs with credentials are not fetched: {parts.hostname}", reason="bad_address"
            )
        if not parts.hostname:
            raise FetchError(f"{url!r} names no host", reason="bad_address")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"{url!r} has an invalid port", reason="bad_address") from None
        address = self._resolve(parts.hostname, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return _Target(url, parts.scheme, parts.hostname, port, address, path)

    def _resolve(self, host: str, port: int) -> str:
        """Resolve once; every answer must be allowed, and the first one is used."""
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            # How this server's resolver sees names is not the user's business; the log keeps it.
            logger.warning("cannot resolve host %s: %s", host, error)
            raise FetchError(
                f"cannot resolve host {host}: {error}", reason="host_not_found"
            ) from None
        addresses = [str(answer[4][0]) for answer in answers]
        if not addresses:
            logger.warning("host %s has no addresses", host)
            raise FetchError(f"host {host} has no addresses", reason="host_not_found")
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            reason = address_refusal(
                ip, allow_loopback=self.allow_loopback, allow_private=self.allow_private
            )
            if reason is not None:
                logger.warning("host %s resolves to %s address %s; refused", host, reason, address)
                raise FetchError(
                    f"host {host} resolves to {reason} address {address}; refused",
                    reason="address_refused",
                )
        return addresses[0]

    def _exchange(
        self, target: _Target, request: _Request, cap: int, deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        connection = self._connection(target, deadline)
        # Socket timeouts bound each read, not their sum: a server trickling one byte at a time
        # would never trip them. At the deadline the watchdog shuts the socket down instead.
        watchdog = threading.Timer(max(deadline - time.monotonic(), 0.0), connection.abort)
        watchdog.daemon = True
        watchdog.start()
        response: http.client.HTTPResponse | None = None
        try:
            connection.request(
                request.method,
                target.path,
                body=request.body,
                headers={
                    **request.headers,
                    "User-Agent": self.user_agent,
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            length = response.getheader("Content-Length")
            if length is not None and length.isdigit() and int(length) > cap:
                raise FetchError(
                    f"{target.url} is {length} bytes; the limit is {cap}",
                    reason="response_too_large",
                )
            body = b"" if response.status in _REDIRECTS else _read_capped(response, cap, deadline)
            headers = {name.lower(): response.getheader(name) or "" for name in response.headers}
            return response.status, headers, body
        except (OSError, http.client.HTTPException) as error:
            if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
                logger.warning("%s did not answer within %.1f s", target.url, self.timeout)
                raise FetchError(
                    f"{target.url} did not answer within {self.timeout} s", reason="timeout"
                ) from None
            # Socket and protocol errors speak of this server's network; the log keeps them.
            logger.warning("fetching %s failed: %s", target.url, error)
            raise FetchError(
                f"fetching {target.url} failed: {error}", reason="unreachable"
            ) from None
        finally:
            watchdog.cancel()
            # The response owns the socket once the server said it closes: a body refused
            # unread would keep it open until garbage collection.
            if response is not None:
                response.close()
            connection.close()

    def _connection(self, target: _Target, deadline: float) -> _AbortableConnection:
        remaining = max(deadline - time.monotonic(), 0.001)
        if target.scheme == "https":
            return _PinnedHTTPSConnection(
                target.host, target.port, target.address, remaining, self._ssl_context
            )
        return _PinnedHTTPConnection(target.host, target.port, target.address, remaining)


def _read_capped(response: http.client.HTTPResponse, cap: int, deadline: float) -> bytes:
    """Stream the body, stopping as soon as it passes ``cap`` or the deadline."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > cap:
            raise FetchError(
                f"the response is larger than the limit of {cap} bytes", reason="response_too_large"
            )
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    if time.monotonic() >= deadline:
        raise TimeoutError  # the watchdog ended the body early
    return b"".join(chunks)


class _AbortableConnection(http.client.HTTPConnection):
    """Keeps the raw socket so that another thread can end the exchange at once."""

    raw: socket.socket | None = None

    def abort(self) -> None:
        """Shut the socket down; a read blocked on it returns or raises at once."""
        raw = self.raw
        if raw is not None:
            with contextlib.suppress(OSError):  # already closed: nothing to end
                raw.shutdown(socket.SHUT_RDWR)


class _PinnedHTTPConnection(_AbortableConnection):
    """Connects to the address resolved earlier, never resolving the name again."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.raw = self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection, _AbortableConnection):
    """TLS to the pinned address, with the certificate checked against the host name."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        self.raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(self.raw, server_hostname=self.host)


def bounded_fetcher(fetcher: Fetcher, seconds: float) -> Fetcher:
    """``fetcher`` with all its fetches ending ``seconds`` from now."""
    # Only a SafeFetcher waits on the network; the others answer from files or not at all.
    if isinstance(fetcher, SafeFetcher):
        return fetcher.until(time.monotonic() + seconds)
    return fetcher


@dataclass(frozen=True)
class _MappedDocument:
    """What one URL of a document map answers."""

    path: Path | None
    status: int
    content_type: str


class DocumentMapFetcher:
    """Answers URLs from local files listed in a JSON map; others go to ``fallback``.

    Entries are ``{URL: "relative/path"}`` or ``{URL: {"path": ..., "status": 410,
    "content_type": ...}}``; paths are relative to the map's folder and may not leave it.
    With ``fallback=None`` (offline), a URL missing from the map raises ``FetchError``.
    """

    def __init__(
        self,
        map_file: Path,
        fallback: Fetcher | None = None,
        *,
        entries: JsonObject | None = None,
    ) -> None:
        """The map in ``map_file``, or ``entries`` given directly; paths relative to its folder."""
        self._root = map_file.parent.resolve()
        if entries is None:
            entries = _read_map(map_file)
        self._documents = {url: self._entry(url, value) for url, value in entries.items()}
        self._fallback = fallback

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        """The mapped file for ``url``, or the fallback's answer when it is not mapped."""
        document = self._documents.get(url)
        if document is None:
            if self._fallback is None:
                raise FetchError(f"{url} is not in the document map and fetching is offline")
            return self._fallback.fetch(url, accept=accept, max_bytes=max_bytes)
        body = b""
        if document.path is not None:
            try:
                body = document.path.read_bytes()
            except OSError as error:
                raise FetchError(
                    f"cannot read the mapped file for {url}: {error.strerror}"
                ) from None
        if max_bytes is not None and len(body) > max_bytes:
            raise FetchError(f"{url} is {len(body)} bytes; the limit is {max_bytes}")
        return Fetched(
            url=url, status=document.status, content_type=document.content_type, body=body
        )

    def _entry(self, url: str, value: JsonValue) -> _MappedDocument:
        if isinstance(value, str):
            value = {"path": value}
        if not isinstance(value, dict):
            raise FetchError(f"the document map entry for {url} is neither a path nor an object")
        path, status, content_type = (
            value.get("path"),
            value.get("status", 200),
            value.get("content_type"),
        )
        if path is not None and not isinstance(path, str):
            raise FetchError(f"the document map entry for {url} has a non-text path")
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise FetchError(f"the document map entry for {url} has an invalid status")
        if content_type is not None and not isinstance(content_type, str):
            raise FetchError(f"the document map entry for {url} has a non-text content_type")
        resolved = None if path is None else self._inside(url, path)
        return _MappedDocument(resolved, status, content_type or _guess_type(path))

    def _inside(self, url: str, relative: str) -> Path:
        resolved = (self._root / relative).resolve()
        if not resolved.is_relative_to(self._root):
            raise FetchError(f"the document map entry for {url} points outside the map's folder")
        return resolved


def _read_map(map_file: Path) -> JsonObject:
    try:
        return parse_json_object(map_file.read_bytes())
    except OSError as error:
        raise FetchError(f"cannot read the document map {map_file}: {error.strerror}") from None
    except CredentialFormatError as error:
        raise FetchError(f"the document map {map_file} is invalid: {error.detail}") from None


def _guess_type(path: str | None) -> str:
    if path is None:
        return ""
    if path.endswith(".jsonld"):
        return "application/ld+json"
    if path.endswith(".json"):
        return "application/json"
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


class RecordingFetcher:
    """Wraps a fetcher for one verification run: each URL is fetched once, and kept.

    The kept responses are what the run saw (linked BadgeClasses, issuer profiles, status
    lists), so the normaliser can read them without fetching again.
    """

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner
        self.responses: dict[str, Fetched] = {}

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        if url not in self.responses:
            self.responses[url] = self._inner.fetch(url, accept=accept, max_bytes=max_bytes)
        return self.responses[url]


class OfflineFetcher:
    """A fetcher for runs that must not touch the network: every fetch is refused."""

    def __init__(self, reason: str = "verification is offline") -> None:
        self._reason = reason

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise FetchError(f"{url} is not fetched: {self._reason}")


def address_refusal(
    ip: _IPAddress, *, allow_loopback: bool = False, allow_private: bool = False
) -> str | None:
    """Why ``ip`` may not be contacted, or ``None`` when it is globally routable unicast.

    An allow-list: loopback and private addresses pass only when configured; an IPv6 address
    embedding IPv4 (mapped, 6to4, NAT64) passes only if the embedded address would.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return address_refusal(
                ip.ipv4_mapped, allow_loopback=allow_loopback, allow_private=allow_private
            )
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            # Reached through a relay or translator: only a global IPv4 address is accepted.
            inner = address_refusal(embedded)
            return None if inner is None else f"a translated {inner.removeprefix('a ')}"
    if ip in _METADATA:
        return "a cloud-metadata"
    if ip.is_loopback:
        return None if allow_loopback else "a loopback"
    if ip.is_unspecified or ip.is_link_local or ip.is_multicast:
        return "a non-unicast or link-local"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "a site-local"
    if ip.is_private and not any(ip in network for network in _NOT_GLOBAL):
        # RFC 1918 and unique-local addresses: an intranet, allowed only when configured.
        return None if allow_private else "a private"
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST_V6:
        return "a non-global"
    if not ip.is_global or ip.is_reserved or any(ip in network for network in _NOT_GLOBAL):
        return "a non-global"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
