"""SafeFetcher against a real loopback server, and the offline document map."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.httpserver import LocalServer, running_server
from tests.support.trickle import trickling_server
from wallet.errors import FetchError
from wallet.fetching import (
    FETCH_FAILED,
    FETCH_TIMED_OUT,
    DocumentMapFetcher,
    Fetched,
    SafeFetcher,
    require_content_type,
)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture
def unsized_port() -> Iterator[int]:
    """A loopback port answering 200 with a 4000-byte body and no Content-Length."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer() -> None:
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * 4000)
        connection.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()
    thread.join(timeout=2)


def test_fetch_loopback_by_default_refused(http_server: LocalServer) -> None:
    url = http_server.serve("/doc", b"{}")
    with pytest.raises(FetchError):
        SafeFetcher().fetch(url)
    assert http_server.requests == []


def test_fetch_localhost_name_by_default_refused(http_server: LocalServer) -> None:
    port = http_server.host.split(":")[1]
    with pytest.raises(FetchError):
        SafeFetcher().fetch(f"http://localhost:{port}/doc")


def test_fetch_loopback_when_allowed_returns_response(http_server: LocalServer) -> None:
    url = http_server.serve("/doc", b'{"a": 1}', content_type="application/ld+json")
    fetched = SafeFetcher(allow_loopback=True).fetch(url, accept="application/ld+json")
    assert (fetched.status, fetched.body, fetched.url) == (200, b'{"a": 1}', url)
    assert fetched.content_type == "application/ld+json"


def test_fetch_error_status_is_returned_not_raised(http_server: LocalServer) -> None:
    url = http_server.serve("/gone", b"", status=410)
    assert SafeFetcher(allow_loopback=True).fetch(url).status == 410


def test_fetch_declared_length_over_cap_refused(http_server: LocalServer) -> None:
    url = http_server.serve("/big", b"x" * 3000)
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True).fetch(url, max_bytes=1000)


def client_sockets_open_to(port: int) -> int:
    """Sockets connected to ``port`` on 127.0.0.1 that this side has not closed (established,
    or closed by the server only); other tests' descriptors do not count."""
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[3] in ("01", "08"):
                    count += 1
    return count


@pytest.mark.skipif(not os.path.exists("/proc/self/net/tcp"), reason="reads the socket table")
def test_fetch_declared_length_over_cap_closes_the_connection() -> None:
    with running_server() as server:
        url = server.serve("/big", b"x" * 3000)
        port = urlsplit(url).port or 80
        # The kept traceback keeps the fetch's locals, the unread response among them.
        with pytest.raises(FetchError) as refused:
            SafeFetcher(allow_loopback=True).fetch(url, max_bytes=1000)
    assert client_sockets_open_to(port) == 0
    assert "the limit is 1000" in refused.value.detail


def test_fetch_streamed_body_over_cap_refused(unsized_port: int) -> None:
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True, max_bytes=1000).fetch(f"http://127.0.0.1:{unsized_port}/")


def test_fetch_streamed_body_under_cap_returned(unsized_port: int) -> None:
    fetched = SafeFetcher(allow_loopback=True).fetch(f"http://127.0.0.1:{unsized_port}/")
    assert len(fetched.body) == 4000


def test_fetch_redirect_followed_returns_final_url(http_server: LocalServer) -> None:
    final = http_server.serve("/final", b"ok", content_type="text/plain")
    start = http_server.serve("/start", b"", status=302, headers={"Location": "/final"})
    fetched = SafeFetcher(allow_loopback=True).fetch(start)
    assert (fetched.url, fetched.body) == (final, b"ok")


def test_fetch_redirect_chain_over_limit_refused(http_server: LocalServer) -> None:
    for hop in range(5):
        http_server.serve(f"/r{hop}", b"", status=301, headers={"Location": f"/r{hop + 1}"})
    http_server.serve("/r5", b"end")
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True, max_redirects=3).fetch(http_server.url("/r0"))
    assert len(http_server.requests) == 4


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/", "http://[::ffff:10.0.0.7]/"],
)
def test_fetch_redirect_to_refused_address_refused(http_server: LocalServer, location: str) -> None:
    url = http_server.serve("/jump", b"", status=302, headers={"Location": location})
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True).fetch(url)


def test_fetch_private_address_refused_unless_allowed() -> None:
    fetcher = SafeFetcher(allow_loopback=True)
    with pytest.raises(FetchError):
        fetcher.fetch("http://192.168.1.1/")


def test_fetch_silent_server_times_out(silent_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True, timeout=0.3).fetch(f"http://127.0.0.1:{silent_port}/")
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://a/"])
def test_fetch_non_http_scheme_refused(url: str) -> None:
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True).fetch(url)


def test_require_content_type_mismatch_refused() -> None:
    fetched = Fetched("https://a.example/", 200, "text/html; charset=utf-8", b"")
    assert require_content_type(fetched, "text/html") is fetched
    with pytest.raises(FetchError):
        require_content_type(fetched, "application/json")


def _document_map(tmp_path: Path, entries: dict[str, object]) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "issuer.json").write_bytes(b'{"id": "issuer"}')
    map_file = tmp_path / "map.json"
    map_file.write_text(json.dumps(entries))
    return map_file


def test_document_map_listed_url_returns_file(tmp_path: Path) -> None:
    map_file = _document_map(tmp_path, {"https://a.example/i": "docs/issuer.json"})
    fetched = DocumentMapFetcher(map_file, None).fetch("https://a.example/i")
    assert (fetched.status, fetched.body) == (200, b'{"id": "issuer"}')
    assert fetched.content_type == "application/json"


def test_document_map_object_entry_returns_status(tmp_path: Path) -> None:
    entry = {"path": "docs/issuer.json", "status": 410, "content_type": "text/plain"}
    map_file = _document_map(tmp_path, {"https://a.example/i": entry})
    fetched = DocumentMapFetcher(map_file, None).fetch("https://a.example/i")
    assert (fetched.status, fetched.content_type) == (410, "text/plain")


def test_document_map_offline_unlisted_url_refused(tmp_path: Path) -> None:
    map_file = _document_map(tmp_path, {"https://a.example/i": "docs/issuer.json"})
    with pytest.raises(FetchError):
        DocumentMapFetcher(map_file, None).fetch("https://a.example/other")


def test_document_map_unlisted_url_goes_to_fallback(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = http_server.serve("/live", b"live")
    map_file = _document_map(tmp_path, {"https://a.example/i": "docs/issuer.json"})
    fetcher = DocumentMapFetcher(map_file, SafeFetcher(allow_loopback=True))
    assert fetcher.fetch(url).body == b"live"


def test_document_map_path_escaping_folder_refused(tmp_path: Path) -> None:
    map_file = _document_map(tmp_path, {"https://a.example/i": "../secret.json"})
    with pytest.raises(FetchError):
        DocumentMapFetcher(map_file, None)


def test_fetch_trickling_headers_end_at_the_deadline() -> None:
    with trickling_server(interval=2.0) as server:
        started = time.monotonic()
        with pytest.raises(FetchError) as raised:
            SafeFetcher(allow_loopback=True, timeout=3.0).fetch(server.url("/slow"))
        elapsed = time.monotonic() - started
    assert server.requested.is_set()
    assert 2.9 <= elapsed < 4.0, elapsed
    assert raised.value.message == FETCH_TIMED_OUT


def test_fetch_within_a_deadline_ends_there_whatever_the_timeout() -> None:
    with trickling_server(interval=0.5) as server:
        started = time.monotonic()
        fetcher = SafeFetcher(allow_loopback=True, timeout=30.0).until(started + 1.5)
        with pytest.raises(FetchError):
            fetcher.fetch(server.url("/slow"))
        elapsed = time.monotonic() - started
        with pytest.raises(FetchError):
            fetcher.fetch(server.url("/again"))
    assert 1.4 <= elapsed < 2.5, elapsed


def test_fetch_refused_connection_says_unreachable_and_logs_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    with pytest.raises(FetchError) as raised:
        SafeFetcher(allow_loopback=True).fetch(f"http://127.0.0.1:{port}/badge.json")
    assert raised.value.message == FETCH_FAILED
    assert "Errno" not in raised.value.message
    assert "refused" in caplog.text.lower()
