"""The README screenshot is made by ``tools/screenshot.py`` from the demo portfolio."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.support.chromium import MISSING_CHROMIUM, chromium_required, find_chromium
from tools.screenshot import VIEWPORT_HEIGHT, VIEWPORT_WIDTH, take_screenshot

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent.parent


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_tool_demo_portfolio_writes_desktop_png(tmp_path: Path) -> None:
    if find_chromium() is None:
        if chromium_required():
            pytest.fail(MISSING_CHROMIUM, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    output = tmp_path / "shot.png"
    take_screenshot(output, "en")
    assert png_size(output) == (VIEWPORT_WIDTH, VIEWPORT_HEIGHT)
    assert output.stat().st_size > 20_000  # a rendered page, not a blank one


def test_readme_screenshot_is_the_tools_output_size() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/screenshot.png)" in readme and "tools.screenshot" in readme
    assert png_size(ROOT / "docs" / "screenshot.png") == (VIEWPORT_WIDTH, VIEWPORT_HEIGHT)
