"""Running one claimed import job a batch at a time.

Items are checked (verified, derived) with no transaction open, in worker processes when the
job has them, while earlier batches are being written. Each batch is then written in one
short transaction whose first statement checks that this worker still holds the job at the
batch's first position and moves the progress to its end: a worker that died or lost the job
leaves whole batches only, and the next worker resumes after the last one committed. Every
fetch of the job goes through one shared fetcher, so a status list is fetched once for all
the credentials that name it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select, update
from sqlalchemy.orm import Session

from wallet.envelope import EntryFailure, Envelope, clr_payloads
from wallet.fetch_cache import SharedFetcher
from wallet.holder.credentials import Checked, ImportResult, content_hash, duplicate_result
from wallet.holder.import_batches import store_batch, stored_by_hash
from wallet.holder.verifier_pool import CheckTask, ItemChecker, PendingChecks
from wallet.jsonvalues import JsonObject
from wallet.models import ImportItem, ImportJob, JobState
from wallet.verification.context import VerificationContext
from wallet.verification.prefetch import first_requests

ContextFactory = Callable[[Session, int], VerificationContext]
# Items per transaction: progress moves this often, and a dead worker loses at most this many.
BATCH_SIZE = 100
# Batches being checked while one is written: the verifiers never wait for the writing.
LOOKAHEAD = 2


@dataclass(frozen=True)
class _Run:
    """What every batch of one run shares."""

    ctx: VerificationContext
    fetcher: SharedFetcher
    user_id: int
    items: list[Envelope | EntryFailure]
    containers: dict[str, JsonObject]


@dataclass(frozen=True)
class _Batch:
    """Positions ``start`` to ``end`` (exclusive) and their checks under way."""

    start: int
    end: int
    known: dict[int, ImportResult]
    pending: PendingChecks

    def checked(self) -> list[Checked]:
        """Every position's outcome, duplicates found before checking included, in order."""
        results = iter(self.pending.result())
        return [
            self.known.get(position) or next(results) for position in range(self.start, self.end)
        ]


class ClaimedJob:
    """One job this worker holds since ``token``, run to its end or until it is lost."""

    def __init__(
        self,
        session: Session,
        job_id: int,
        token: datetime,
        checker: ItemChecker,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._session = session
        self._job_id = job_id
        self._token = token
        self._checker = checker
        self._batch_size = batch_size

    def run(
        self,
        items: Iterable[Envelope | EntryFailure],
        user_id: int,
        start: int,
        context_for: ContextFactory,
    ) -> bool:
        """Check and store the items from ``start``; False if another worker took the job.

        ``items`` are read as they are needed: the first batches are being checked while the
        rest of the upload is read, and the job's total is known from its first write.
        """
        session = self._session
        if not fenced(session, self._job_id, self._token, start, processed=start):
            session.rollback()
            return False
        session.commit()
        ctx = context_for(session, user_id)
        stored_ids = _stored_ids(session, self._job_id)
        session.rollback()  # end the reads before anything is fetched
        fetcher = SharedFetcher(ctx.fetcher)
        run = _Run(replace(ctx, fetcher=fetcher), fetcher, user_id, [], {})
        try:
            return self._run_batches(run, iter(items), start, stored_ids)
        finally:
            fetcher.close()

    def _run_batches(
        self,
        run: _Run,
        reading: Iterator[Envelope | EntryFailure],
        start: int,
        stored_ids: dict[str, int],
    ) -> bool:
        size = self._batch_size
        upcoming = deque(
            self._submit(run, *bound)
            for bound in self._bounds(run, islice(reading, start + LOOKAHEAD * size), start)
        )
        bounds = self._bounds(run, reading, start)  # the rest, read while those are checked
        total = len(run.items)
        for index in range(len(bounds)):
            batch = upcoming.popleft()
            if index + LOOKAHEAD < len(bounds):
                upcoming.append(self._submit(run, *bounds[index + LOOKAHEAD]))
            if not self._write(run.user_id, batch, batch.checked(), stored_ids, total):
                return False
        return True

    def _bounds(
        self, run: _Run, reading: Iterable[Envelope | EntryFailure], start: int
    ) -> list[tuple[int, int]]:
        """Read on into ``run``; the batches from ``start`` over everything read so far.

        A CLR comes before the credentials nested in it, so its payload is at hand for them.
        """
        run.items.extend(reading)
        run.containers.update(clr_payloads(run.items))
        size, count = self._batch_size, len(run.items)
        return [(first, min(first + size, count)) for first in range(start, count, size)]

    def _submit(self, run: _Run, start: int, end: int) -> _Batch:
        """Start checking positions ``start``–``end``, except what the holder already has."""
        existing = stored_by_hash(self._session, run.user_id, run.items[start:end])
        self._session.rollback()
        known: dict[int, ImportResult] = {}
        tasks = []
        for position in range(start, end):
            item = run.items[position]
            found = existing.get(content_hash(item.raw)) if isinstance(item, Envelope) else None
            if found is not None:
                known[position] = duplicate_result(item.source, found)
                continue
            tasks.append(CheckTask(item, _containers_of(item, run.containers)))
        run.fetcher.prefetch(
            request
            for task in tasks
            if isinstance(task.item, Envelope)
            for request in first_requests(task.item, web_scheme=run.ctx.web_scheme)
        )
        return _Batch(start, end, known, self._checker.submit(tasks, run.ctx))

    def _write(
        self,
        user_id: int,
        batch: _Batch,
        checked: list[Checked],
        stored_ids: dict[str, int],
        total: int,
    ) -> bool:
        session = self._session
        if not fenced(
            session, self._job_id, self._token, batch.start, processed=batch.end, total=total
        ):
            session.rollback()
            return False
        results = store_batch(session, user_id, checked, stored_ids)
        session.execute(
            insert(ImportItem),
            [
                _item_row(self._job_id, user_id, position, result)
                for position, result in zip(range(batch.start, batch.end), results, strict=True)
            ],
        )
        session.commit()
        stored_ids.update(
            (result.source, result.credential_id)
            for result in results
            if result.credential_id is not None
        )
        return True


def held(job_id: int, token: datetime) -> ColumnElement[bool]:
    """The job, while the worker that claimed it at ``token`` still holds it."""
    return and_(
        ImportJob.id == job_id, ImportJob.state == JobState.RUNNING, ImportJob.started_at == token
    )


def fenced(session: Session, job_id: int, token: datetime, at: int, **values: int) -> bool:
    """Write progress only while this worker still holds the job at the expected position."""
    statement = (
        update(ImportJob).where(held(job_id, token), ImportJob.processed == at).values(**values)
    )
    return session.connection().execute(statement).rowcount == 1


def _stored_ids(session: Session, job_id: int) -> dict[str, int]:
    """What earlier batches of a resumed job stored, so nested credentials find their CLR."""
    rows = session.execute(
        select(ImportItem.source, ImportItem.credential_id).where(
            ImportItem.job_id == job_id,
            ImportItem.credential_id.is_not(None),
        )
    )
    return {source: credential_id for source, credential_id in rows if credential_id is not None}


def _containers_of(
    item: Envelope | EntryFailure, containers: dict[str, JsonObject]
) -> dict[str, JsonObject]:
    """Only the CLR an item is nested in travels with it to a worker process."""
    container = item.container if isinstance(item, Envelope) else None
    if container is None or container not in containers:
        return {}
    return {container: containers[container]}


def _item_row(job_id: int, user_id: int, position: int, result: ImportResult) -> dict[str, Any]:
    return {
        "job_id": job_id,
        "user_id": user_id,
        "position": position,
        "source": result.source[:500],
        "outcome": result.outcome,
        "message": result.message,
        "credential_id": result.credential_id,
    }
