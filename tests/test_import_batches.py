"""Bulk import jobs: batches, worker processes and a shared fetcher keep every job guarantee."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.archives import BAD_ENTRY, signed_badge, zip_archive
from tests.support.bulk_jobs import (
    T0,
    add_user,
    badges,
    context_for,
    count,
    items_of,
    job_state,
    queue_job,
)
from tests.support.databases import (
    engines_to_test,
    postgres_schema_database,
    postgres_url,
    sqlite_database,
)
from tests.support.web import FormClient
from wallet.db import Database
from wallet.demo.portfolio import DemoIssuers, data_analyst_clr
from wallet.holder import import_batches, import_jobs
from wallet.holder.credentials import INTERNAL_FAILURE, CheckedCredential
from wallet.holder.verifier_pool import (
    CheckTask,
    InProcessChecker,
    ItemChecker,
    PendingChecks,
    VerifierPool,
)
from wallet.models import Credential, ItemOutcome, JobState, User, VerificationRun
from wallet.models.base import utcnow
from wallet.verification.context import VerificationContext

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pool() -> Iterator[VerifierPool]:
    """Two verifier processes, shared by the tests of this module (they start once)."""
    verifiers = VerifierPool(2)
    yield verifiers
    verifiers.close()


@pytest.fixture(params=engines_to_test())
def shared(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[tuple[Database, str]]:
    """A database that commits for real, for threads and processes: (database, its URL)."""
    url = postgres_url()
    if request.param == "postgresql" and url:
        request.getfixturevalue("_postgres_schema")
        with postgres_schema_database(url, f"bulk_{uuid.uuid4().hex[:12]}") as found:
            yield found
    else:
        with sqlite_database(sqlite_template, tmp_path) as database:
            yield database, str(database.engine.url)


def test_run_job_runner_killed_after_a_batch_resumes_with_nothing_lost_or_doubled(
    shared: tuple[Database, str], pool: VerifierPool
) -> None:
    database, url = shared
    user_id = add_user(database, "ola@example.org")
    entries = badges(23)
    entries["photo.jpg"] = BAD_ENTRY
    entries["copy-of-badge-01.json"] = entries["badge-01.json"]
    job_id = queue_job(database, user_id, zip_archive(entries))
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.support.job_worker", url, "5"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        with database.sessions() as session:
            while job_state(session, job_id)[1] < 5 and time.monotonic() < deadline:
                assert worker.poll() is None, "the worker ended before it could be killed"
                time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    with database.sessions() as session:
        state, processed, total = job_state(session, job_id)
        assert state is JobState.RUNNING and total == 25 and 5 <= processed < 25
        assert processed % 5 == 0  # whole batches only
        assert [item.position for item in items_of(session, job_id)] == list(range(processed))
        assert count(session, Credential) == processed

    later = utcnow() + import_jobs.STALE_AFTER * 2
    ran = import_jobs.run_pending_jobs(
        database.sessions, context_for, clock=lambda: later, checker=pool, batch_size=5
    )
    assert ran == 1
    with database.sessions() as session:
        assert job_state(session, job_id) == (JobState.DONE, 25, 25)
        items = items_of(session, job_id)
        assert [item.position for item in items] == list(range(25))
        assert [item.outcome for item in items] == (
            [ItemOutcome.IMPORTED] * 23 + [ItemOutcome.FAILED, ItemOutcome.DUPLICATE]
        )
        assert items[24].credential_id == items[0].credential_id
        assert count(session, Credential) == 23
        assert count(session, VerificationRun) == 23
        distinct = select(func.count(func.distinct(Credential.content_hash)))
        assert session.scalar(distinct) == 23


def test_store_batch_item_that_cannot_be_stored_fails_alone(
    database: Database, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = add_user(database, "ola@example.org")
    entries = badges(4)
    entries["photo.jpg"] = BAD_ENTRY
    job_id = queue_job(database, user_id, zip_archive(entries))
    real = import_batches.credential_values

    def breaks_on_third(user_id: int, checked: CheckedCredential, now: datetime) -> dict[str, Any]:
        values = real(user_id, checked, now)
        if checked.envelope.source.endswith("badge-03.json"):
            values["media_type"] = None  # NOT NULL: the insert fails
        return values

    monkeypatch.setattr(import_batches, "credential_values", breaks_on_third)
    monkeypatch.setattr("wallet.holder.credentials.credential_values", breaks_on_third)
    import_jobs.run_pending_jobs(database.sessions, context_for, batch_size=5)
    items = items_of(db_session, job_id)
    assert [item.outcome for item in items] == [
        ItemOutcome.IMPORTED,
        ItemOutcome.IMPORTED,
        ItemOutcome.FAILED,
        ItemOutcome.IMPORTED,
        ItemOutcome.FAILED,
    ]
    assert items[2].message == INTERNAL_FAILURE
    assert count(db_session, Credential) == 3 and count(db_session, VerificationRun) == 3
    assert job_state(db_session, job_id)[0] is JobState.DONE


def test_run_job_duplicates_within_and_across_batches_store_nothing_more(
    database: Database, db_session: Session
) -> None:
    user_id = add_user(database, "ola@example.org")
    first, second, third = (signed_badge(f"Badge {n}") for n in (1, 2, 3))
    queue_job(database, user_id, zip_archive({"held.json": third}))
    import_jobs.run_pending_jobs(database.sessions, context_for)
    entries = {
        "a.json": first,
        "a-again.json": first,  # the same batch
        "b.json": second,
        "c.json": third,  # already held before the job
        "a-later.json": first,  # a later batch
        "b-later.json": second,
    }
    job_id = queue_job(database, user_id, zip_archive(entries))
    import_jobs.run_pending_jobs(database.sessions, context_for, batch_size=3)
    items = items_of(db_session, job_id)
    imported, duplicate = ItemOutcome.IMPORTED, ItemOutcome.DUPLICATE
    assert [item.outcome for item in items] == [imported, duplicate, imported] + [duplicate] * 3
    ids = [item.credential_id for item in items]
    assert ids[1] == ids[0] == ids[4] and ids[5] == ids[2]
    held = db_session.scalars(select(Credential.id).where(Credential.source.endswith("held.json")))
    assert ids[3] == held.one()
    assert count(db_session, Credential) == 3 and count(db_session, VerificationRun) == 3


def test_run_job_two_users_at_once_each_get_their_own_credentials(
    shared: tuple[Database, str], pool: VerifierPool
) -> None:
    database, _url = shared
    archive = zip_archive(badges(12))
    users = [add_user(database, f"user{n}@example.org") for n in (1, 2)]
    jobs = [queue_job(database, user_id, archive) for user_id in users]
    errors: list[BaseException] = []

    def run(job_id: int, checker: ItemChecker) -> None:
        try:
            import_jobs.run_job(database.sessions, job_id, context_for, checker=checker)
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(jobs[0], pool)),
        threading.Thread(target=run, args=(jobs[1], InProcessChecker())),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    with database.sessions() as session:
        for user_id, job_id in zip(users, jobs, strict=True):
            assert job_state(session, job_id) == (JobState.DONE, 12, 12)
            items = items_of(session, job_id)
            assert {item.outcome for item in items} == {ItemOutcome.IMPORTED}
            owners = session.scalars(
                select(Credential.user_id).where(
                    Credential.id.in_([item.credential_id for item in items])
                )
            )
            assert set(owners) == {user_id}
            assert count(session, Credential, user_id=user_id) == 12


class ObservingChecker:
    """Checks in process, and reads the job's JSON each time a batch is about to be checked."""

    def __init__(self, observe: Callable[[], None]) -> None:
        self._observe = observe

    def submit(self, tasks: Sequence[CheckTask], ctx: VerificationContext) -> PendingChecks:
        self._observe()
        return InProcessChecker().submit(tasks, ctx)


class IdleRunner:
    def wake(self) -> None:
        pass


def test_job_json_progress_moves_batch_by_batch(
    app: Flask,
    client: FormClient,
    database: Database,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
) -> None:
    app.extensions["wallet_jobs"] = IdleRunner()
    user = make_user()
    login_as(user)
    job_id = queue_job(database, user.id, zip_archive(badges(20)))
    seen: list[tuple[int, int, str]] = []

    def observe() -> None:
        answer = client.get(f"/imports/{job_id}.json").get_json()
        seen.append((answer["processed"], answer["percent"], answer["state"]))

    checker = ObservingChecker(observe)
    import_jobs.run_job(database.sessions, job_id, context_for, checker=checker, batch_size=5)
    observe()
    # Batches n+1 and n+2 are checked while batch n is written: each look sees two fewer.
    assert seen == [
        (0, 0, "running"),
        (0, 0, "running"),
        (0, 0, "running"),
        (5, 25, "running"),
        (20, 100, "done"),
    ]


@pytest.mark.parametrize("batch_size", [2, 10], ids=["across-batches", "same-batch"])
def test_run_job_nested_credentials_are_stored_inside_their_clr(
    database: Database, db_session: Session, batch_size: int
) -> None:
    user_id = add_user(database, "ola@example.org")
    clr = data_analyst_clr(DemoIssuers.generate(T0), "ola@example.org", T0)
    entries = {"badge.json": signed_badge("Badge 1"), "clr.json": clr}
    job_id = queue_job(database, user_id, zip_archive(entries))
    import_jobs.run_pending_jobs(database.sessions, context_for, batch_size=batch_size)
    items = items_of(db_session, job_id)
    assert [item.outcome for item in items] == [ItemOutcome.IMPORTED] * 4
    stored = [db_session.get(Credential, item.credential_id) for item in items]
    badge, transcript, *nested = stored
    assert badge is not None and transcript is not None and len(nested) == 2
    assert badge.container_id is None and transcript.container_id is None
    assert [credential.container_id for credential in nested if credential] == [transcript.id] * 2
