"""Background import jobs: the uploaded bytes, progress, and one result per item."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wallet.models.base import Base, enum_by_value, utcnow


class JobState(enum.Enum):
    """Where an import job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ItemOutcome(enum.Enum):
    """What happened to one credential of a job."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class ImportJob(Base):
    """An upload being imported: its progress (the bytes are an ``ImportUpload``)."""

    __tablename__ = "import_jobs"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    state: Mapped[JobState] = mapped_column(enum_by_value(JobState), index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ImportUpload(Base):
    """The uploaded bytes of a job, deleted once it ends.

    Apart from the job's row because SQLite rewrites a whole row on every update, and the job's
    progress is updated after each batch.
    """

    __tablename__ = "import_uploads"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportItem(Base):
    """The result for one credential (or unreadable entry) of a job."""

    __tablename__ = "import_items"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[ItemOutcome] = mapped_column(enum_by_value(ItemOutcome))
    message: Mapped[str | None] = mapped_column(Text)
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credentials.id", ondelete="SET NULL")
    )
