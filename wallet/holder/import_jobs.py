"""Import jobs: uploads stored in the database, claimed atomically and run batch by batch."""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from wallet import importing
from wallet.envelope import EntryFailure, Envelope
from wallet.errors import N_, PLAIN_MESSAGES, NotFoundError, ValidationError, WalletError
from wallet.holder.credentials import INTERNAL_FAILURE, content_hash
from wallet.holder.job_batches import BATCH_SIZE, ClaimedJob, ContextFactory, held
from wallet.holder.verifier_pool import InProcessChecker, ItemChecker
from wallet.models import Credential, ImportItem, ImportJob, ImportUpload, ItemOutcome, JobState
from wallet.models.base import utcnow
from wallet.verification.report import Verdict

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
Clock = Callable[[], datetime]

# A worker that has held a job this long without finishing is presumed dead.
STALE_AFTER = timedelta(minutes=15)
MAX_PARTS = 100
_MAGIC = b"PLECAK-UPLOAD-1\n"
_HEADER = struct.Struct(">HQ")
_ZIP_PREFIX = b"PK"


@dataclass(frozen=True)
class UploadPart:
    """One file (or pasted text, or fetched document) of an upload, and what to call it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class ItemProgress:
    """One item's outcome as the job page shows it."""

    position: int
    source: str
    outcome: ItemOutcome
    message: str | None
    credential_id: int | None
    title: str | None
    verdict: Verdict | None


@dataclass(frozen=True)
class JobProgress:
    """Where a job is, with every item finished so far."""

    id: int
    source: str
    state: JobState
    processed: int
    total: int
    error: str | None
    created_at: datetime
    # The finished items from position ``first`` on; ``counts`` covers every finished item.
    items: tuple[ItemProgress, ...]
    counts: tuple[tuple[ItemOutcome, int], ...] = ()
    first: int = 0

    @property
    def finished(self) -> bool:
        """True once the job will change no more."""
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        """Progress as a whole percentage (100 once finished)."""
        if self.finished:
            return 100
        return self.processed * 100 // self.total if self.total else 0

    def count(self, outcome: ItemOutcome) -> int:
        """How many items ended with ``outcome``."""
        return dict(self.counts).get(outcome, 0)


def encode_parts(parts: Sequence[UploadPart]) -> bytes:
    """Pack the parts of an upload into one job payload."""
    chunks = [_MAGIC]
    for part in parts:
        name = part.name.encode("utf-8")[:500]
        chunks += [_HEADER.pack(len(name), len(part.data)), name, part.data]
    return b"".join(chunks)


def decode_parts(payload: bytes) -> list[UploadPart]:
    """The parts ``encode_parts`` packed; ``ValueError`` if the payload is not one."""
    if not payload.startswith(_MAGIC):
        raise ValueError("not an upload payload")
    parts, offset = [], len(_MAGIC)
    while offset < len(payload):
        name_length, data_length = _HEADER.unpack_from(payload, offset)
        offset += _HEADER.size
        name = payload[offset : offset + name_length].decode("utf-8", errors="replace")
        offset += name_length
        data = payload[offset : offset + data_length]
        if len(data) != data_length:
            raise ValueError("a truncated upload payload")
        offset += data_length
        parts.append(UploadPart(name, data))
    return parts


def runs_in_background(parts: Sequence[UploadPart]) -> bool:
    """Archives and multi-file uploads go to the job runner; one small file imports at once."""
    return len(parts) > 1 or any(part.data.startswith(_ZIP_PREFIX) for part in parts)


def create_job(session: Session, user_id: int, parts: Sequence[UploadPart]) -> ImportJob:
    """Queue an upload for import; the caller commits."""
    if not parts:
        raise ValidationError(N_("Choose at least one file to import."))
    if len(parts) > MAX_PARTS:
        raise ValidationError(
            N_("Too many files at once: choose at most 100, or put them in a ZIP.")
        )
    job = ImportJob(
        user_id=user_id,
        source=", ".join(part.name for part in parts)[:500],
        state=JobState.QUEUED,
        total=0,
        processed=0,
    )
    session.add(job)
    session.flush()
    session.add(ImportUpload(job_id=job.id, data=encode_parts(parts)))
    session.flush()
    return job


def not_held(session: Session, user_id: int, parts: Sequence[UploadPart]) -> list[UploadPart]:
    """The parts whose bytes the holder does not have yet (each one once)."""
    digests = {content_hash(part.data): part for part in parts}
    held = set(
        session.scalars(
            select(Credential.content_hash).where(
                Credential.user_id == user_id, Credential.content_hash.in_(digests)
            )
        )
    )
    return [part for digest, part in digests.items() if digest not in held]


def get_job(session: Session, user_id: int, job_id: int) -> ImportJob:
    """One of the user's jobs; ``NotFoundError`` for anyone else's."""
    job = session.get(ImportJob, job_id)
    if job is None or job.user_id != user_id:
        raise NotFoundError(N_("No such import."))
    return job


def job_progress(session: Session, user_id: int, job_id: int, first: int = 0) -> JobProgress:
    """The job's state and finished items (from position ``first``), for its page and JSON.

    A page polling a large import asks only for the items it has not shown yet.
    """
    job = get_job(session, user_id, job_id)
    rows = session.execute(
        select(ImportItem, Credential.title, Credential.verdict)
        .outerjoin(Credential, Credential.id == ImportItem.credential_id)
        .where(ImportItem.job_id == job.id, ImportItem.position >= first)
        .order_by(ImportItem.position)
    )
    items = tuple(
        ItemProgress(
            item.position,
            item.source,
            item.outcome,
            item.message,
            item.credential_id,
            title or None,
            verdict,
        )
        for item, title, verdict in rows
    )
    return JobProgress(
        job.id,
        job.source,
        job.state,
        job.processed,
        job.total,
        job.error,
        job.created_at,
        items,
        _outcome_counts(session, job.id),
        first,
    )


def _outcome_counts(session: Session, job_id: int) -> tuple[tuple[ItemOutcome, int], ...]:
    rows = session.execute(
        select(ImportItem.outcome, func.count())
        .where(ImportItem.job_id == job_id)
        .group_by(ImportItem.outcome)
    )
    return tuple((outcome, int(number)) for outcome, number in rows)


def recent_jobs(session: Session, user_id: int, limit: int = 10) -> list[ImportJob]:
    """The user's latest imports, newest first."""
    query = (
        select(ImportJob)
        .where(ImportJob.user_id == user_id)
        .order_by(ImportJob.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def has_unfinished_jobs(session: Session) -> bool:
    """Whether any job, anyone's, is queued or running."""
    query = select(ImportJob.id).where(ImportJob.state.in_((JobState.QUEUED, JobState.RUNNING)))
    return session.scalar(query.limit(1)) is not None


def reclaim_stale_jobs(
    session: Session, now: datetime, stale_after: timedelta = STALE_AFTER
) -> int:
    """Queue again the jobs a dead worker left running; returns how many. The caller commits."""
    statement = (
        update(ImportJob)
        .where(ImportJob.state == JobState.RUNNING, ImportJob.started_at < now - stale_after)
        .values(state=JobState.QUEUED)
    )
    return session.connection().execute(statement).rowcount


def claim_job(session: Session, job_id: int, now: datetime) -> datetime | None:
    """Take a queued job for this worker; the claim time is the token later writes must match."""
    statement = (
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, started_at=now)
    )
    claimed = session.connection().execute(statement).rowcount == 1
    session.commit()
    return now if claimed else None


def run_pending_jobs(
    sessions: SessionFactory,
    context_for: ContextFactory,
    *,
    clock: Clock = utcnow,
    stale_after: timedelta = STALE_AFTER,
    checker: ItemChecker | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Run queued jobs (and reclaimed stale ones) until none is left; returns how many ran."""
    with sessions() as session:
        reclaim_stale_jobs(session, clock(), stale_after)
        session.commit()
    ran = 0
    while True:
        with sessions() as session:
            query = select(ImportJob.id).where(ImportJob.state == JobState.QUEUED)
            job_id = session.scalar(query.order_by(ImportJob.id).limit(1))
        if job_id is None:
            return ran
        ran += run_job(
            sessions, job_id, context_for, clock=clock, checker=checker, batch_size=batch_size
        )


def run_job(
    sessions: SessionFactory,
    job_id: int,
    context_for: ContextFactory,
    *,
    clock: Clock = utcnow,
    checker: ItemChecker | None = None,
    batch_size: int = BATCH_SIZE,
) -> bool:
    """Claim and run one job, committing after each batch; False if another worker has it."""
    with sessions() as session:
        token = claim_job(session, job_id, clock())
        if token is None:
            return False
        claimed = ClaimedJob(session, job_id, token, checker or InProcessChecker(), batch_size)
        try:
            job = session.get_one(ImportJob, job_id)
            user_id, start = job.user_id, job.processed
            upload = select(ImportUpload.data).where(ImportUpload.job_id == job_id)
            payload = session.scalar(upload) or b""
            # A read before a write would make SQLite refuse the write if another worker
            # committed in between: the fence starts a transaction of its own.
            session.rollback()
            finished = claimed.run(read_payload(payload), user_id, start, context_for)
        except Exception:  # The job's outermost boundary: record the failure, keep the worker.
            logger.exception("import job %s failed", job_id)
            session.rollback()
            _end_job(session, job_id, token, clock(), error=INTERNAL_FAILURE)
        else:
            if finished:
                _end_job(session, job_id, token, clock())
    return True


def read_payload(payload: bytes) -> Iterator[Envelope | EntryFailure]:
    """Every item of an upload in a stable order, as it is read; an unreadable file becomes a
    failed item."""
    for part in decode_parts(payload):
        try:
            yield from importing.iter_any(part.data, part.name)
        except WalletError as error:
            yield EntryFailure(part.name, error.code, error.message, error.detail)
        except UnicodeDecodeError:
            yield EntryFailure(
                part.name,
                "credential_format",
                PLAIN_MESSAGES["credential_format"],
                "text that is not UTF-8",
            )


def _end_job(
    session: Session, job_id: int, token: datetime, now: datetime, error: str | None = None
) -> None:
    statement = (
        update(ImportJob)
        .where(held(job_id, token))
        .values(
            state=JobState.FAILED if error else JobState.DONE,
            finished_at=now,
            error=error,
        )
    )
    if session.connection().execute(statement).rowcount:
        session.execute(delete(ImportUpload).where(ImportUpload.job_id == job_id))
    session.commit()
