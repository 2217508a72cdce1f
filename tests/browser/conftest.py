"""Fixtures for browser tests: the app on a live server and a headless chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.support.chromium import (
    MISSING_CHROMIUM,
    chromium_required,
    find_chromium,
    launch_chromium,
)
from tests.support.live_server import LiveServer, running_app

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The real app, migrated on a fresh SQLite file, served on 127.0.0.1."""
    with running_app(tmp_path / "instance") as server:
        yield server


# Module scope, not session: while Playwright's sync API runs, the main thread counts as
# inside an event loop, which breaks later tests that call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium per test module; skipped (failed on CI) when not installed."""
    executable = find_chromium()
    if executable is None:
        if chromium_required():
            pytest.fail(MISSING_CHROMIUM, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab preferring Polish; CSP is bypassed so axe-core can be injected."""
    context = browser.new_context(bypass_csp=True, locale="pl-PL", viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(5_000)
    yield page
    context.close()
