"""A verification context naming the holder's confirmed, unconfirmed and other accounts' ids."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.ob2_issuer import LoopbackFetcher
from wallet.verification.context import VerificationContext


def recipient_context(
    confirmed: tuple[str, ...] = (),
    unconfirmed: tuple[str, ...] = (),
    elsewhere: tuple[str, ...] = (),
) -> VerificationContext:
    """Confirmed and unconfirmed identifiers of the holder; ``elsewhere``: other accounts'."""
    return VerificationContext(
        fetcher=LoopbackFetcher(),
        at=datetime(2025, 1, 1, tzinfo=UTC),
        recipients=frozenset(confirmed),
        unconfirmed=frozenset(unconfirmed),
        elsewhere=frozenset(elsewhere),
    )
