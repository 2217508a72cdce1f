"""Verdicts re-checked when a share page opens, cached for a few minutes per credential."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from wallet.errors import WalletError
from wallet.holder.credentials import stored_envelope
from wallet.models import Credential
from wallet.verification.context import VerificationContext
from wallet.verification.report import Report, report_from_json
from wallet.verification.verifier import verify_envelope

CACHE_TIME = timedelta(minutes=5)


@dataclass(frozen=True)
class LiveReport:
    """A report and the instant it was made."""

    report: Report
    checked_at: datetime
    live: bool


class ReportCache(Protocol):
    """Where recent live reports are kept, keyed by the credential's content hash."""

    def get(self, key: str, now: datetime) -> LiveReport | None: ...

    def put(self, key: str, value: LiveReport) -> None: ...


class MemoryReportCache:
    """A process-local cache whose entries last ``ttl``."""

    def __init__(self, ttl: timedelta = CACHE_TIME) -> None:
        self._ttl = ttl
        self._entries: dict[str, LiveReport] = {}
        self._lock = threading.Lock()

    def get(self, key: str, now: datetime) -> LiveReport | None:
        with self._lock:
            found = self._entries.get(key)
        return found if found is not None and now - found.checked_at < self._ttl else None

    def put(self, key: str, value: LiveReport) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = value


def live_report(
    credential: Credential,
    cache: ReportCache,
    context: Callable[[datetime], VerificationContext],
    now: datetime,
) -> LiveReport:
    """The credential verified again now (or within the cache time) from its stored bytes.

    When the stored bytes cannot even be read again, the stored report stands, marked as
    not live, rather than inventing a verdict.
    """
    key = f"{credential.user_id}:{credential.content_hash}"
    cached = cache.get(key, now)
    if cached is not None:
        return cached
    try:
        report = verify_envelope(stored_envelope(credential), context(now)).report
    except WalletError:
        return LiveReport(report_from_json(credential.report), credential.verified_at, False)
    fresh = LiveReport(report, now, True)
    cache.put(key, fresh)
    return fresh
