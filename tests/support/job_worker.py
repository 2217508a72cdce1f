"""A job runner in a process of its own, slowed down so that a test can kill it mid-job.

Usage: python -m tests.support.job_worker DATABASE_URL BATCH_SIZE
Runs every queued job with two verifier processes, pausing before each batch is checked.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from wallet.db import Database
from wallet.fetching import OfflineFetcher
from wallet.holder import import_jobs
from wallet.holder.verifier_pool import CheckTask, PendingChecks, VerifierPool
from wallet.verification.context import VerificationContext

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAUSE_SECONDS = 0.4


def context_for(_session: Session, _user_id: int) -> VerificationContext:
    return VerificationContext(fetcher=OfflineFetcher(), at=AT)


class SlowChecker:
    """The pool, with a pause before each batch, so the test sees batches commit one by one."""

    def __init__(self, pool: VerifierPool) -> None:
        self._pool = pool

    def submit(self, tasks: Sequence[CheckTask], ctx: VerificationContext) -> PendingChecks:
        time.sleep(PAUSE_SECONDS)
        return self._pool.submit(tasks, ctx)


def main(url: str, batch_size: int) -> None:
    database = Database.from_url(url)
    pool = VerifierPool(2)
    import_jobs.run_pending_jobs(
        database.sessions, context_for, checker=SlowChecker(pool), batch_size=batch_size
    )
    pool.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
