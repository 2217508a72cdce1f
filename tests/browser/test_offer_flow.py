"""Receiving an OpenID4VCI credential offer in a browser: paste, code, verified; axe on each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings, running_app
from tests.support.oid4vci_issuer import SD_JWT, OID4VCIIssuer, running_oid4vci_issuer

pytestmark = pytest.mark.browser

JOB_PATH = re.compile(r".*/imports/\d+$")
JOB_TIMEOUT_MS = 15_000


@pytest.fixture
def issuer() -> Iterator[OID4VCIIssuer]:
    with running_oid4vci_issuer() as running:
        yield running


@pytest.fixture
def offer_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on 127.0.0.1, allowed to reach the issuer on loopback."""
    settings = replace(live_settings(tmp_path / "instance"), allow_loopback_fetch=True)
    with running_app(tmp_path / "instance", settings) as server:
        yield server


def test_offer_flow_paste_and_transaction_code_show_the_verified_credential(
    page: Page, offer_server: LiveServer, issuer: OID4VCIIssuer
) -> None:
    register_in_english(page, offer_server, "ola@example.org", "Ola Nowak")
    page.goto(offer_server.url("/connect"))
    page.get_by_role("link", name="Paste a credential offer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receive a credential offer")
    assert_accessible(page)

    page.get_by_label("Credential offer").fill(issuer.offer(SD_JWT, tx_code="2468"))
    page.get_by_role("button", name="Receive the credential").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the transaction code")
    expect(page.get_by_text("Kod wysłaliśmy SMS-em.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Transaction code").fill("2468")
    page.get_by_role("button", name="Receive the credential").click()

    expect(page).to_have_url(JOB_PATH)
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_text("Received from Uniwersytet Testowy.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Analiza danych").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Analiza danych")
    expect(page.locator(".verdict").first).to_contain_text("Verified")
    assert_accessible(page)
