"""Save the README screenshot: the demo portfolio's start page, ``python -m tools.screenshot``.

It starts the app on a throwaway database, creates the demo account (``wallet demo``), logs in
through the real form in Debian's chromium and captures the page at desktop size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.support.chromium import MISSING_CHROMIUM, find_chromium, launch_chromium
from tests.support.live_server import LiveServer, live_settings, running_app
from wallet.db import Database
from wallet.demo import DEMO_EMAIL, DEMO_PASSWORD, run_demo

VIEWPORT_WIDTH = 1280
VIEWPORT_HEIGHT = 900
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
LANGUAGE_BUTTONS = {"en": "English", "pl": "Polski"}


def log_in_to_demo(page: Page, server: LiveServer, language: str) -> None:
    """Log in as the demo holder and switch the interface to ``language``."""
    page.goto(server.url("/login"))
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url(server.url("/"))
    switch = page.locator(f"form.language button[value={language}]")
    if switch.count():
        switch.click()
        page.wait_for_url(server.url("/"))


def take_screenshot(output: Path, language: str) -> None:
    """Start the app with the demo portfolio, log in, and capture the start page."""
    executable = find_chromium()
    if executable is None:
        raise SystemExit(MISSING_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="plecak-screenshot-") as folder:
        settings = live_settings(Path(folder))
        with running_app(Path(folder), settings) as server, sync_playwright() as playwright:
            database = Database.from_url(settings.database_url)
            run_demo(database, dt.datetime.now(dt.UTC))
            database.engine.dispose()
            browser = launch_chromium(playwright, executable)
            context = browser.new_context(
                locale=language, viewport={"width": VIEWPORT_WIDTH, "height": VIEWPORT_HEIGHT}
            )
            page = context.new_page()
            log_in_to_demo(page, server, language)
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output))
            browser.close()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path, nargs="?", default=DEFAULT_OUTPUT)
    parser.add_argument("--language", choices=sorted(LANGUAGE_BUTTONS), default="en")
    arguments = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    take_screenshot(arguments.output, arguments.language)
    print(f"wrote {arguments.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
