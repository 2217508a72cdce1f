"""Fixtures shared by the verification tests."""

from __future__ import annotations

import pytest

from wallet.fetching import SafeFetcher


@pytest.fixture
def fetcher() -> SafeFetcher:
    """The real fetcher, allowed to reach the loopback servers tests start."""
    return SafeFetcher(allow_loopback=True, timeout=5)
