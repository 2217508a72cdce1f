"""Helpers for the bulk import tests: users, queued jobs, badges and what a job stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.archives import signed_badge
from wallet.accounts import register_user
from wallet.db import Database
from wallet.fetching import SafeFetcher
from wallet.holder import import_jobs
from wallet.holder.import_jobs import UploadPart
from wallet.models import ImportItem, ImportJob, JobState
from wallet.verification.context import VerificationContext

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def context_for(_session: Session, _user_id: int) -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True), at=T0, recipients=frozenset(), web_scheme="http"
    )


def add_user(database: Database, email: str) -> int:
    with database.sessions() as session:
        user = register_user(
            session, email=email, password="correct horse battery", display_name="U"
        )
        session.commit()
        return user.id


def queue_job(database: Database, user_id: int, archive: bytes) -> int:
    with database.sessions() as session:
        job = import_jobs.create_job(session, user_id, [UploadPart("export.zip", archive)])
        session.commit()
        return job.id


def badges(count: int) -> dict[str, bytes]:
    return {f"badge-{n:02}.json": signed_badge(f"Badge {n}") for n in range(1, count + 1)}


def items_of(session: Session, job_id: int) -> list[ImportItem]:
    session.commit()
    session.expire_all()
    query = select(ImportItem).where(ImportItem.job_id == job_id).order_by(ImportItem.position)
    return list(session.scalars(query))


def count(session: Session, model: type[object], **where: object) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(session.scalar(query) or 0)


def job_state(session: Session, job_id: int) -> tuple[JobState, int, int]:
    session.commit()
    session.expire_all()
    job = session.get(ImportJob, job_id)
    assert job is not None
    return job.state, job.processed, job.total
