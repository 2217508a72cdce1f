"""The background worker that runs queued import jobs inside the web process."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from wallet.holder import import_jobs
from wallet.holder.job_batches import ContextFactory
from wallet.holder.verifier_pool import InProcessChecker, VerifierPool
from wallet.identifiers import recipient_claims
from wallet.models.base import utcnow
from wallet.services import Services
from wallet.verification.context import VerificationContext

logger = logging.getLogger(__name__)


class Runner(Protocol):
    """What the web layer needs from a job runner: a nudge that work may be waiting."""

    def wake(self) -> None: ...


def job_context(services: Services, *, fetch_seconds: float | None = None) -> ContextFactory:
    """A job is verified against its owner's confirmed identifiers, at the time it runs.

    With ``fetch_seconds``, every fetch of the job ends that long after it starts, at the latest
    (for a job run while a request waits).
    """

    def context_for(session: Session, user_id: int) -> VerificationContext:
        claims = recipient_claims(session, user_id)
        return services.verification_context(claims, utcnow(), fetch_seconds=fetch_seconds)

    return context_for


class JobRunner:
    """A daemon thread, started on the first ``wake``, that polls the database for jobs.

    Several processes may each run one: the database is the shared job store and claims are
    atomic. With ``WALLET_IMPORT_PROCESSES`` above 1, items are verified in that many worker
    processes, started with the first job. The thread ends (and stops them) after
    ``idle_exit`` seconds with nothing queued or running anywhere; the next ``wake`` starts it.
    """

    def __init__(
        self,
        services: Services,
        *,
        poll_seconds: float = 1.0,
        idle_exit: float = 60.0,
        stale_after: timedelta = import_jobs.STALE_AFTER,
    ) -> None:
        self._services = services
        self._poll_seconds = poll_seconds
        self._idle_exit = idle_exit
        self._stale_after = stale_after
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._thread: threading.Thread | None = None
        processes = services.settings.import_processes
        self._pool = VerifierPool(processes) if processes > 1 else None

    @property
    def running(self) -> bool:
        """Whether the worker thread is alive."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Start the worker if it is not running, and have it look for jobs now."""
        with self._lock:
            self._wakeup.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="import-jobs", daemon=True)
                self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the worker to end (it ends on its own once idle)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        if self._pool is not None:
            self._pool.start()  # the workers boot while the job's upload is read
        idle_since = time.monotonic()
        while True:
            self._wakeup.clear()
            if self._poll():
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= self._idle_exit:
                with self._lock:
                    idle = not self._wakeup.is_set()
                    if idle:
                        self._thread = None
                if idle:
                    if self._pool is not None:
                        self._pool.close()  # a pool closed is started again on its next use
                    return
            self._wakeup.wait(self._poll_seconds)

    def _poll(self) -> bool:
        """Run what is pending; True while any job is still unfinished (a dead worker's, say)."""
        sessions = self._services.database.sessions
        try:
            checker = self._pool or InProcessChecker()
            ran = import_jobs.run_pending_jobs(
                sessions,
                job_context(self._services),
                stale_after=self._stale_after,
                checker=checker,
            )
            with sessions() as session:
                return ran > 0 or import_jobs.has_unfinished_jobs(session)
        except Exception:  # The worker's outermost boundary: log, keep polling.
            logger.exception("polling for import jobs failed")
            return False
