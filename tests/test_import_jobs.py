"""Import jobs: atomic claims, per-item progress, failures that stop nothing, resumption."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.archives import BAD_ENTRY, backpack_export, signed_badge
from tests.support.databases import sqlite_database
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.errors import NotFoundError, ValidationError
from wallet.fetching import SafeFetcher
from wallet.holder import credentials, import_jobs, job_batches, verifier_pool
from wallet.holder.import_jobs import UploadPart
from wallet.holder.job_runner import JobRunner
from wallet.models import (
    Credential,
    ImportItem,
    ImportJob,
    ImportUpload,
    ItemOutcome,
    JobState,
    User,
)
from wallet.page_links import credential_links
from wallet.verification.context import VerificationContext

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class WorkerDied(BaseException):
    """Stands for a worker process killed mid-job (nothing in the job may catch it)."""


def context_for(_session: Session, _user_id: int) -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True), at=T0, recipients=frozenset(), web_scheme="http"
    )


def clock_at(instant: datetime) -> Callable[[], datetime]:
    return lambda: instant


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user()


@pytest.fixture
def queue(database: Database, user: User) -> Callable[..., int]:
    """Queue an upload for ``user``: ``queue(UploadPart(...), ...)`` returns the job id."""

    def make(*parts: UploadPart) -> int:
        with database.sessions() as session:
            job = import_jobs.create_job(session, user.id, list(parts))
            session.commit()
            return job.id

    return make


def outcomes(session: Session, job_id: int) -> list[ItemOutcome]:
    rows = session.scalars(
        select(ImportItem.outcome).where(ImportItem.job_id == job_id).order_by(ImportItem.position)
    )
    return list(rows)


def stored_credentials(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Credential)) or 0)


def job_row(session: Session, job_id: int) -> ImportJob:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    return job


def test_encode_parts_round_trip_keeps_names_and_bytes() -> None:
    parts = [UploadPart("a.json", b"{}"), UploadPart("żółw.png", b"\x89PNG"), UploadPart("e", b"")]
    assert import_jobs.decode_parts(import_jobs.encode_parts(parts)) == parts


def test_decode_parts_truncated_payload_raises_value_error() -> None:
    payload = import_jobs.encode_parts([UploadPart("a.json", b"0123456789")])
    with pytest.raises(ValueError):
        import_jobs.decode_parts(payload[:-3])


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([UploadPart("a.json", b"{}")], False),
        ([UploadPart("a.zip", backpack_export(1))], True),
        ([UploadPart("a.json", b"{}"), UploadPart("b.json", b"{}")], True),
    ],
)
def test_runs_in_background_archive_or_several_files_is_true(
    parts: list[UploadPart], expected: bool
) -> None:
    assert import_jobs.runs_in_background(parts) is expected


def test_create_job_no_parts_raises_validation_error(db_session: Session, user: User) -> None:
    with pytest.raises(ValidationError):
        import_jobs.create_job(db_session, user.id, [])


def test_run_pending_jobs_archive_with_bad_entry_imports_the_rest(
    database: Database, db_session: Session, queue: Callable[..., int]
) -> None:
    job_id = queue(UploadPart("export.zip", backpack_export(3, bad={"photo.jpg": BAD_ENTRY})))
    assert import_jobs.run_pending_jobs(database.sessions, context_for, clock=clock_at(T0)) == 1
    job = job_row(db_session, job_id)
    assert (job.state, job.processed, job.total) == (JobState.DONE, 4, 4)
    assert db_session.get(ImportUpload, job_id) is None and job.finished_at == T0
    assert outcomes(db_session, job_id) == [ItemOutcome.IMPORTED] * 3 + [ItemOutcome.FAILED]
    assert stored_credentials(db_session) == 3
    failed = db_session.scalars(select(ImportItem).where(ImportItem.position == 3)).one()
    assert failed.source == "export.zip!photo.jpg" and failed.message


def test_run_pending_jobs_same_badge_again_is_duplicate(
    database: Database, db_session: Session, queue: Callable[..., int]
) -> None:
    badge = signed_badge()
    first = queue(UploadPart("a.json", badge))
    second = queue(UploadPart("copy.json", badge))
    assert import_jobs.run_pending_jobs(database.sessions, context_for) == 2
    assert outcomes(db_session, first) == [ItemOutcome.IMPORTED]
    assert outcomes(db_session, second) == [ItemOutcome.DUPLICATE]
    assert stored_credentials(db_session) == 1


def test_run_pending_jobs_unreadable_file_is_one_failed_item(
    database: Database, db_session: Session, queue: Callable[..., int]
) -> None:
    job_id = queue(
        UploadPart("notes.txt", b"just some notes"), UploadPart("b.json", signed_badge())
    )
    import_jobs.run_pending_jobs(database.sessions, context_for)
    assert outcomes(db_session, job_id) == [ItemOutcome.FAILED, ItemOutcome.IMPORTED]
    assert job_row(db_session, job_id).state is JobState.DONE


def test_claim_job_twice_second_claim_gets_nothing(
    database: Database, queue: Callable[..., int]
) -> None:
    job_id = queue(UploadPart("a.json", signed_badge()))
    with database.sessions() as first, database.sessions() as second:
        assert import_jobs.claim_job(first, job_id, T0) == T0
        assert import_jobs.claim_job(second, job_id, T0 + timedelta(seconds=1)) is None


def test_run_job_claimed_elsewhere_returns_false_and_imports_nothing(
    database: Database, db_session: Session, queue: Callable[..., int]
) -> None:
    job_id = queue(UploadPart("a.json", signed_badge()))
    with database.sessions() as other:
        import_jobs.claim_job(other, job_id, T0)
    assert import_jobs.run_job(database.sessions, job_id, context_for) is False
    assert outcomes(db_session, job_id) == [] and stored_credentials(db_session) == 0


def test_run_job_unexpected_error_fails_one_item_only(
    database: Database,
    db_session: Session,
    queue: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = verifier_pool.check_item

    def breaks_on_second(*args: object, **kwargs: object) -> object:
        if args[0].source.endswith("badge-2.json"):  # type: ignore[attr-defined]
            raise RuntimeError("a bug")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verifier_pool, "check_item", breaks_on_second)
    job_id = queue(UploadPart("export.zip", backpack_export(3)))
    import_jobs.run_pending_jobs(database.sessions, context_for)
    assert outcomes(db_session, job_id) == [
        ItemOutcome.IMPORTED,
        ItemOutcome.FAILED,
        ItemOutcome.IMPORTED,
    ]
    assert stored_credentials(db_session) == 2
    assert job_row(db_session, job_id).state is JobState.DONE


def die_on_call(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Make the worker die after storing the ``call``-th batch (counting from 1)."""
    real = job_batches.store_batch
    calls = iter(range(1, 1000))

    def dying(*args: object, **kwargs: object) -> list[credentials.ImportResult]:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        if next(calls) == call:
            raise WorkerDied
        return result

    monkeypatch.setattr(job_batches, "store_batch", dying)


def test_run_pending_jobs_dead_worker_job_is_reclaimed_and_resumed(
    database: Database,
    db_session: Session,
    queue: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = queue(UploadPart("export.zip", backpack_export(3, bad={"photo.jpg": BAD_ENTRY})))
    die_on_call(monkeypatch, 2)
    with pytest.raises(WorkerDied):
        import_jobs.run_pending_jobs(
            database.sessions, context_for, clock=clock_at(T0), batch_size=2
        )
    monkeypatch.undo()
    job = job_row(db_session, job_id)
    assert (job.state, job.processed) == (JobState.RUNNING, 2)
    assert stored_credentials(db_session) == 2  # the second batch died with its transaction

    soon = T0 + import_jobs.STALE_AFTER - timedelta(seconds=1)
    assert import_jobs.run_pending_jobs(database.sessions, context_for, clock=clock_at(soon)) == 0
    later = T0 + import_jobs.STALE_AFTER + timedelta(seconds=1)
    assert import_jobs.run_pending_jobs(database.sessions, context_for, clock=clock_at(later)) == 1
    job = job_row(db_session, job_id)
    assert (job.state, job.processed, job.total) == (JobState.DONE, 4, 4)
    assert outcomes(db_session, job_id) == [ItemOutcome.IMPORTED] * 3 + [ItemOutcome.FAILED]
    assert stored_credentials(db_session) == 3


def test_run_job_reclaimed_under_a_slow_worker_writes_no_item(
    database: Database, db_session: Session, queue: Callable[..., int]
) -> None:
    job_id = queue(UploadPart("a.json", signed_badge()))
    later = T0 + import_jobs.STALE_AFTER * 2

    def stolen_meanwhile(session: Session, user_id: int) -> VerificationContext:
        # Another worker decides this one is dead and takes the job over.
        with database.sessions() as other:
            import_jobs.reclaim_stale_jobs(other, later)
            assert import_jobs.claim_job(other, job_id, later) == later
        return context_for(session, user_id)

    assert import_jobs.run_job(database.sessions, job_id, stolen_meanwhile, clock=clock_at(T0))
    job = job_row(db_session, job_id)
    assert (job.state, job.processed, job.started_at) == (JobState.RUNNING, 0, later)
    assert outcomes(db_session, job_id) == [] and stored_credentials(db_session) == 0


def test_job_progress_counts_items_and_reaches_full_percent(
    database: Database, db_session: Session, queue: Callable[..., int], user: User
) -> None:
    job_id = queue(UploadPart("export.zip", backpack_export(2, bad={"x.jpg": BAD_ENTRY})))
    queued = import_jobs.job_progress(db_session, user.id, job_id)
    assert (queued.state, queued.percent, queued.finished) == (JobState.QUEUED, 0, False)
    import_jobs.run_pending_jobs(database.sessions, context_for)
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    done = import_jobs.job_progress(db_session, user.id, job_id)
    assert (done.percent, done.finished) == (100, True)
    assert done.count(ItemOutcome.IMPORTED) == 2 and done.count(ItemOutcome.FAILED) == 1
    assert [item.title for item in done.items[:2]] == ["Badge 1", "Badge 2"]
    assert done.items[0].verdict is not None and done.items[2].credential_id is None


def test_job_progress_other_users_job_raises_not_found(
    db_session: Session, queue: Callable[..., int], make_user: Callable[..., User]
) -> None:
    job_id = queue(UploadPart("a.json", signed_badge()))
    intruder = make_user(email="intruder@example.org")
    with pytest.raises(NotFoundError):
        import_jobs.job_progress(db_session, intruder.id, job_id)


def test_credential_links_alternate_credential_types_only_resolved_absolute() -> None:
    html = """<html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" href="/feed">
      <link rel="alternate" type="application/ld+json" href="/assertions/1.json">
      <link rel="Alternate" type="application/vc+jwt; charset=utf-8" href="https://b.example/c">
      <link rel="alternate" type="application/json" href="javascript:alert(1)">
    </head></html>"""
    assert credential_links(html, "https://a.example/badges/page") == [
        "https://a.example/assertions/1.json",
        "https://b.example/c",
    ]


@pytest.fixture
def file_database(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A SQLite file database the worker thread and the test can share."""
    with sqlite_database(sqlite_template, tmp_path) as database:
        yield database


def test_job_runner_wake_runs_queued_job_in_a_thread_then_idles_out(
    settings: Settings, file_database: Database
) -> None:
    app = create_app(settings, database=file_database)
    with file_database.sessions() as session:
        user = User(email="t@example.org", password_hash="x", display_name="T")
        session.add(user)
        session.flush()
        job = import_jobs.create_job(session, user.id, [UploadPart("x.zip", backpack_export(2))])
        session.commit()
    runner = JobRunner(app.extensions["wallet"], poll_seconds=0.02, idle_exit=0.2)
    assert not runner.running
    runner.wake()
    deadline = time.monotonic() + 10
    state = JobState.QUEUED
    while state is not JobState.DONE and time.monotonic() < deadline:
        time.sleep(0.02)
        with file_database.sessions() as session:
            state = job_row(session, job.id).state
    assert state is JobState.DONE
    runner.join(timeout=5)
    assert not runner.running
    with file_database.sessions() as session:
        assert outcomes(session, job.id) == [ItemOutcome.IMPORTED] * 2
