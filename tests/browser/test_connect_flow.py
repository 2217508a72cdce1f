"""Connecting an Open Badges 3.0 platform in a browser: consent, sync, remove; axe on each page."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from tests.support.archives import signed_badge
from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings
from tests.support.ob3_api_issuer import OB3Issuer, running_issuer
from wallet import create_app
from wallet.db import Database
from wallet.schema import upgrade_schema

pytestmark = pytest.mark.browser

JOB_PATH = re.compile(r".*/imports/\d+$")
JOB_TIMEOUT_MS = 15_000


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[OB3Issuer]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the issuer speaks plain HTTP
    with running_issuer() as running:
        yield running


@pytest.fixture
def connect_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 with its base URL known (platforms send the holder back to it)."""
    holder: dict[str, Any] = {}
    server = make_server(
        "127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True
    )
    base_url = f"http://127.0.0.1:{server.server_port}"
    settings = replace(
        live_settings(tmp_path / "instance"), base_url=base_url, allow_loopback_fetch=True
    )
    database = Database.from_url(settings.database_url)
    upgrade_schema(database.engine)
    holder["app"] = create_app(settings, database=database)
    thread = threading.Thread(target=server.serve_forever, name="connect-live", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url=base_url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        database.engine.dispose()


def test_connect_flow_consent_receives_verified_badges_then_removes_the_connection(
    page: Page, connect_server: LiveServer, issuer: OB3Issuer
) -> None:
    issuer.credentials = [
        json.loads(signed_badge("Data Literacy")),
        json.loads(signed_badge("Statistics")),
    ]
    register_in_english(page, connect_server, "jan@example.org", "Jan Kowalski")
    page.goto(connect_server.url("/imports"))
    page.get_by_role("link", name="Connect a platform").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connected platforms")
    assert_accessible(page)

    page.get_by_label("Address of the platform").fill(issuer.base_url)
    page.get_by_role("button", name="Connect", exact=True).click()

    expect(page).to_have_url(JOB_PATH)
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_role("status").filter(has_text="imported")).to_contain_text("2 imported")
    expect(page.get_by_text("Connected to Akademia Testowa.")).to_be_visible()
    assert_accessible(page)

    page.goto(connect_server.url("/connect"))
    row = page.get_by_role("row", name=re.compile("Akademia Testowa"))
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    assert_accessible(page)
    row.get_by_role("button", name=re.compile("^Remove")).click()

    expect(page.get_by_text("The connection has been removed.")).to_be_visible()
    expect(page.get_by_text("No platform is connected yet.")).to_be_visible()
    assert_accessible(page)
