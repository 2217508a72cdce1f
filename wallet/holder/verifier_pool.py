"""Checking import items in worker processes: verification is pure CPU work, so use the cores.

Each worker process verifies the chunks it is sent and asks the job's process for every URL it
needs, so all of a job's fetches go through one guarded, shared fetcher (``SharedFetcher``)
whichever process verifies. A worker that dies takes only its chunk's attempt with it: the
chunk is tried again item by item in a fresh worker, and an item that kills it again fails.
"""

from __future__ import annotations

import gc
import logging
import math
import multiprocessing
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Protocol

from wallet.envelope import EntryFailure, Envelope
from wallet.errors import FetchError
from wallet.fetching import Fetched, Fetcher, OfflineFetcher
from wallet.holder.credentials import (
    Checked,
    CheckedCredential,
    CredentialRow,
    ImportResult,
    check_item,
    internal_failure,
)
from wallet.jsonvalues import JsonObject
from wallet.verification.context import VerificationContext

logger = logging.getLogger(__name__)

# Chunks per worker per call: small enough to keep every worker busy to the end of a batch.
CHUNKS_PER_PROCESS = 2


@dataclass(frozen=True)
class CheckTask:
    """One item to check, with the CLR payloads it may be nested in."""

    item: Envelope | EntryFailure
    containers: dict[str, JsonObject] = field(default_factory=dict)


class PendingChecks(Protocol):
    """Checks under way; ``result`` waits for them, in the order of the tasks."""

    def result(self) -> list[Checked]: ...


class ItemChecker(Protocol):
    """Where a job's items are checked: in the job's own thread or in worker processes."""

    def submit(self, tasks: Sequence[CheckTask], ctx: VerificationContext) -> PendingChecks: ...


def check_guarded(task: CheckTask, ctx: VerificationContext) -> Checked:
    """``check_item`` that never raises: an unexpected error fails this item only."""
    try:
        return check_item(task.item, ctx, task.containers)
    except Exception:  # One broken item must never stop the others; it is logged and reported.
        logger.exception("importing %s failed", task.item.source)
        return internal_failure(task.item.source)


@dataclass(frozen=True)
class _Done:
    checked: list[Checked]

    def result(self) -> list[Checked]:
        return self.checked


class InProcessChecker:
    """Checks every item at once in the calling thread (one process: the behaviour of old)."""

    def submit(self, tasks: Sequence[CheckTask], ctx: VerificationContext) -> PendingChecks:
        return _Done([check_guarded(task, ctx) for task in tasks])


@dataclass(frozen=True)
class _Gathered:
    futures: list[Future[list[Checked]]]

    def result(self) -> list[Checked]:
        return [checked for future in self.futures for checked in future.result()]


class VerifierPool:
    """``processes`` worker processes, started on first use and stopped by ``close``."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._spawn = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._workers: list[_Worker] = []
        self._threads: ThreadPoolExecutor | None = None

    def submit(self, tasks: Sequence[CheckTask], ctx: VerificationContext) -> PendingChecks:
        """Check ``tasks`` in chunks spread over the workers; the job's fetcher serves them."""
        threads = self.start()
        shipped = replace(ctx, fetcher=OfflineFetcher())  # the worker puts its proxy in
        size = max(1, math.ceil(len(tasks) / (self.processes * CHUNKS_PER_PROCESS)))
        chunks = [list(tasks[start : start + size]) for start in range(0, len(tasks), size)]
        futures = [threads.submit(self._check, chunk, shipped, ctx.fetcher) for chunk in chunks]
        return _Gathered(futures)

    def close(self) -> None:
        """Stop the workers (a later ``submit`` starts new ones)."""
        with self._lock:
            threads, self._threads = self._threads, None
            workers, self._workers = self._workers, []
            self._idle = queue.SimpleQueue()
        if threads is not None:
            threads.shutdown(wait=True)
        for worker in workers:
            worker.stop()

    def start(self) -> ThreadPoolExecutor:
        """Start the workers unless they run; they boot while the caller goes on."""
        with self._lock:
            if self._threads is None:
                self._workers = [_Worker.start(self._spawn) for _ in range(self.processes)]
                for worker in self._workers:
                    self._idle.put(worker)
                self._threads = ThreadPoolExecutor(self.processes, "verifier-pool")
            return self._threads

    def _check(
        self, chunk: list[CheckTask], ctx: VerificationContext, fetcher: Fetcher
    ) -> list[Checked]:
        worker = self._idle.get()
        try:
            return worker.check(chunk, ctx, fetcher)
        except (EOFError, OSError):
            logger.warning("a verifier process died; checking its items one by one")
            worker = self._replace(worker)
            checked = []
            for task in chunk:
                try:
                    checked += worker.check([task], ctx, fetcher)
                except (EOFError, OSError):
                    logger.error("checking %s killed a verifier process", task.item.source)
                    checked.append(internal_failure(task.item.source))
                    worker = self._replace(worker)
            return checked
        finally:
            self._idle.put(worker)

    def _replace(self, dead: _Worker) -> _Worker:
        dead.stop()
        fresh = _Worker.start(self._spawn)
        with self._lock:
            self._workers = [fresh if worker is dead else worker for worker in self._workers]
        return fresh


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, process: multiprocessing.process.BaseProcess, pipe: Connection) -> None:
        self._process = process
        self._pipe = pipe

    @classmethod
    def start(cls, spawn: multiprocessing.context.SpawnContext) -> _Worker:
        ours, theirs = spawn.Pipe()
        process = spawn.Process(target=serve, args=(theirs,), name="plecak-verifier", daemon=True)
        process.start()
        theirs.close()
        return cls(process, ours)

    def check(
        self, chunk: list[CheckTask], ctx: VerificationContext, fetcher: Fetcher
    ) -> list[Checked]:
        """Send a chunk and answer the worker's fetches until it sends the results."""
        self._pipe.send(("check", ctx, chunk))
        while True:
            message = self._pipe.recv()
            if message[0] == "done":
                shipped: list[_Shipped] = message[1]
                return [_rejoined(task, item) for task, item in zip(chunk, shipped, strict=True)]
            _, url, accept, max_bytes = message
            try:
                self._pipe.send(("fetched", fetcher.fetch(url, accept=accept, max_bytes=max_bytes)))
            except FetchError as error:
                self._pipe.send(("refused", error.detail, error.reason))

    def stop(self) -> None:
        self._pipe.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


class _ParentFetcher:
    """A worker's fetcher: the job's process fetches, through the job's shared fetcher."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self._pipe.send(("fetch", url, accept, max_bytes))
        answer = self._pipe.recv()
        if answer[0] == "fetched":
            fetched: Fetched = answer[1]
            return fetched
        raise FetchError(answer[1], reason=answer[2])


def serve(pipe: Connection) -> None:
    """A worker process's loop: check each chunk sent; end when the job's process goes."""
    # Everything imported so far lives as long as the process: the collector need not scan it
    # again each time verification's many short-lived objects trigger it.
    gc.freeze()
    fetcher = _ParentFetcher(pipe)
    while True:
        try:
            _, ctx, chunk = pipe.recv()
        except (EOFError, OSError):
            return
        run = replace(ctx, fetcher=fetcher)
        pipe.send(("done", [_shipped(check_guarded(task, run)) for task in chunk]))


# What a worker sends back for an item: its envelope stays with the job, which has it already.
_Shipped = CredentialRow | ImportResult


def _shipped(checked: Checked) -> _Shipped:
    return checked.row if isinstance(checked, CheckedCredential) else checked


def _rejoined(task: CheckTask, shipped: _Shipped) -> Checked:
    if isinstance(shipped, ImportResult):
        return shipped
    assert isinstance(task.item, Envelope)  # an unreadable entry is never a credential
    return CheckedCredential(task.item, shipped)
