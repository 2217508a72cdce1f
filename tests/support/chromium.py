"""Debian's chromium driven by Playwright: found on PATH, never downloaded."""

from __future__ import annotations

import os
import shutil

from playwright.sync_api import Browser, Playwright

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
MISSING_CHROMIUM = "chromium is not installed (on Debian: apt-get install chromium)"


def find_chromium() -> str | None:
    """The path of the system's chromium, if it has one."""
    return shutil.which("chromium")


def chromium_required() -> bool:
    """Whether a missing chromium is a failure (on CI) rather than a reason to skip."""
    return bool(os.environ.get("CI"))


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    """A headless chromium with networking extras switched off."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
    )
