"""A fetcher shared by the items of one job: each request is made once, a few per host at once."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet.errors import FetchError
from wallet.fetching import Fetched, Fetcher

PER_HOST = 4
PREFETCH_THREADS = 16
# Beyond this many bytes kept, answers are still shared by the items waiting on them, not kept.
MAX_KEPT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FetchRequest:
    """One request as a verifier makes it: the cache key, so equal requests share an answer."""

    url: str
    accept: str = "*/*"
    max_bytes: int | None = None


class _Answer:
    """A request's answer, waited on by every item that asked before it arrived."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.fetched: Fetched | None = None
        self.refusal: tuple[str, str] | None = None

    def result(self) -> Fetched:
        self.ready.wait()
        if self.fetched is None:
            detail, reason = self.refusal or ("the fetch did not finish", "unreachable")
            raise FetchError(detail, reason=reason)
        return self.fetched


class SharedFetcher:
    """Wraps the guarded fetcher for one job; thread-safe.

    Every item of a job asks the same status lists, DID documents and issuer profiles: the
    first asker fetches (at most ``per_host`` at a time per host, so one job never floods an
    issuer) and the others wait for that answer. Refusals and failures are shared too, so an
    unreachable list costs one timeout, not one per credential.
    """

    def __init__(self, inner: Fetcher, *, per_host: int = PER_HOST) -> None:
        self._inner = inner
        self._per_host = per_host
        self._lock = threading.Lock()
        self._answers: dict[FetchRequest, _Answer] = {}
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._kept_bytes = 0
        self._background: ThreadPoolExecutor | None = None

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        """The answer to this request, fetched now or shared from an earlier asker."""
        request = FetchRequest(url, accept, max_bytes)
        with self._lock:
            answer = self._answers.get(request)
            asking = answer is None
            if answer is None:
                answer = self._answers[request] = _Answer()
        if asking:
            self._ask(request, answer)
        return answer.result()

    def prefetch(self, requests: Iterable[FetchRequest]) -> None:
        """Start fetching ``requests`` in the background; askers then wait for the answers."""
        with self._lock:
            fresh = [request for request in dict.fromkeys(requests) if request not in self._answers]
            if not fresh:
                return
            if self._background is None:
                self._background = ThreadPoolExecutor(PREFETCH_THREADS, "prefetch")
            background = self._background
        for request in fresh:
            background.submit(self._prefetch_one, request)

    def close(self) -> None:
        """Stop prefetching: requests not started yet are dropped (an asker fetches them).

        Fetches under way are not waited for: the fetcher's own deadline ends them.
        """
        with self._lock:
            background, self._background = self._background, None
        if background is not None:
            background.shutdown(wait=False, cancel_futures=True)

    def _prefetch_one(self, request: FetchRequest) -> None:
        # A failure is kept in the answer: the credential's own check reports it.
        with contextlib.suppress(FetchError):
            self.fetch(request.url, accept=request.accept, max_bytes=request.max_bytes)

    def _ask(self, request: FetchRequest, answer: _Answer) -> None:
        try:
            with self._host(request.url):
                answer.fetched = self._inner.fetch(
                    request.url, accept=request.accept, max_bytes=request.max_bytes
                )
        except FetchError as error:
            answer.refusal = (error.detail or error.message, error.reason)
        finally:
            answer.ready.set()
            self._keep_within_budget(request, answer)

    def _host(self, url: str) -> threading.BoundedSemaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            limit = self._hosts.get(host)
            if limit is None:
                limit = self._hosts[host] = threading.BoundedSemaphore(self._per_host)
        return limit

    def _keep_within_budget(self, request: FetchRequest, answer: _Answer) -> None:
        size = len(answer.fetched.body) if answer.fetched is not None else 0
        with self._lock:
            if self._kept_bytes + size > MAX_KEPT_BYTES:
                self._answers.pop(request, None)
            else:
                self._kept_bytes += size
