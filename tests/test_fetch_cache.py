"""The job's shared fetcher: one request per URL for all askers, a few at a time per host."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wallet.errors import FetchError
from wallet.fetch_cache import PER_HOST, FetchRequest, SharedFetcher
from wallet.fetching import SafeFetcher


@dataclass
class SlowServer:
    """Answers every GET after ``delay`` seconds, counting requests and how many overlap."""

    port: int = 0
    delay: float = 0.15
    paths: list[str] = field(default_factory=list)
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def slow_server() -> Iterator[SlowServer]:
    state = SlowServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.paths.append(self.path)
                state.active += 1
                state.most_active = max(state.most_active, state.active)
            time.sleep(state.delay)
            with state.lock:
                state.active -= 1
            body = f'{{"path": "{self.path}"}}'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def server() -> Iterator[SlowServer]:
    with slow_server() as running:
        yield running


def ask_at_once(fetcher: SharedFetcher, urls: list[str]) -> list[bytes | str]:
    answers: list[bytes | str] = [b""] * len(urls)

    def ask(index: int) -> None:
        try:
            answers[index] = fetcher.fetch(urls[index], accept="application/json").body
        except FetchError as error:
            answers[index] = error.reason

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_shared_fetcher_same_request_from_many_askers_is_fetched_once(
    server: SlowServer,
) -> None:
    fetcher = SharedFetcher(SafeFetcher(allow_loopback=True))
    answers = ask_at_once(fetcher, [server.url("/status/1")] * 20)
    assert server.paths == ["/status/1"]
    assert answers == [b'{"path": "/status/1"}'] * 20
    fetcher.fetch(server.url("/status/1"), accept="application/json")
    assert len(server.paths) == 1


def test_shared_fetcher_other_accept_header_is_another_request(server: SlowServer) -> None:
    fetcher = SharedFetcher(SafeFetcher(allow_loopback=True))
    fetcher.fetch(server.url("/doc"), accept="application/json")
    fetcher.fetch(server.url("/doc"), accept="application/ld+json")
    assert server.paths == ["/doc", "/doc"]


def test_shared_fetcher_prefetch_keeps_to_the_per_host_limit(server: SlowServer) -> None:
    fetcher = SharedFetcher(SafeFetcher(allow_loopback=True))
    urls = [server.url(f"/list/{n}") for n in range(12)]
    fetcher.prefetch(FetchRequest(url, "application/json") for url in urls)
    answers = ask_at_once(fetcher, urls)
    fetcher.close()
    assert sorted(server.paths) == sorted(f"/list/{n}" for n in range(12))
    assert 1 < server.most_active <= PER_HOST
    assert answers == [f'{{"path": "/list/{n}"}}'.encode() for n in range(12)]


def test_shared_fetcher_refusal_reaches_every_asker_without_a_request(
    server: SlowServer,
) -> None:
    fetcher = SharedFetcher(SafeFetcher(allow_loopback=False))
    answers = ask_at_once(fetcher, [server.url("/status/1")] * 5)
    assert answers == ["address_refused"] * 5 and server.paths == []
