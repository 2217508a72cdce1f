"""Save a desktop-size PNG of the logged-in start page: ``python -m tools.screenshot out.png``."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.support.chromium import MISSING_CHROMIUM, find_chromium, launch_chromium
from tests.support.live_server import LiveServer, running_app

VIEWPORT_WIDTH = 1280
VIEWPORT_HEIGHT = 800
DEMO_PASSWORD = "a demo password for the screenshot"  # noqa: S105 (a throwaway local account)


def register_demo_user(page: Page, server: LiveServer) -> None:
    """Create an account through the real form, which leaves the browser logged in."""
    page.goto(server.url("/register"))
    page.fill("input[name=display_name]", "Ola Nowak")
    page.fill("input[name=email]", "ola@example.org")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.fill("input[name=confirm]", DEMO_PASSWORD)
    page.click("form[action$='/register'] button[type=submit]")
    page.wait_for_url(server.url("/"))


def take_screenshot(output: Path, language: str) -> None:
    """Start the app on a throwaway database, register, and capture the start page."""
    executable = find_chromium()
    if executable is None:
        raise SystemExit(MISSING_CHROMIUM)
    with (
        tempfile.TemporaryDirectory(prefix="plecak-screenshot-") as data_dir,
        running_app(Path(data_dir)) as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright, executable)
        context = browser.new_context(
            locale=language,
            viewport={"width": VIEWPORT_WIDTH, "height": VIEWPORT_HEIGHT},
        )
        page = context.new_page()
        register_demo_user(page, server)
        page.goto(server.url("/"))
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        browser.close()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path, help="where to write the PNG")
    parser.add_argument("--language", default="en", help="browser locale (default: en)")
    arguments = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    take_screenshot(arguments.output, arguments.language)
    print(f"wrote {arguments.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
