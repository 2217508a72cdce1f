"""Moving a wallet in a real browser: back up on one instance, restore on another, axe each page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.archives import signed_badge
from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings, running_app

pytestmark = pytest.mark.browser

PASSPHRASE = "zielony plecak na zimę"
OTHER_SECRET = "a-second-instance-with-another-secret-key-000000"


def import_badge(page: Page, server: LiveServer, title: str) -> None:
    page.goto(server.url("/imports"))
    page.get_by_label("Credential text (JSON, JWT or SD-JWT)").fill(signed_badge(title).decode())
    page.get_by_role("button", name="Import text").click()
    expect(page.get_by_text("Imported", exact=True)).to_be_visible(timeout=15_000)


def open_backup_page(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/account"))
    page.get_by_role("link", name="Back up, restore or export").click()
    expect(page).to_have_url(server.url("/account/backup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Back up and move your wallet")
    assert_accessible(page)


def test_backup_flow_backup_on_one_instance_restores_on_another(
    browser: Browser, page: Page, tmp_path: Path
) -> None:
    with running_app(tmp_path / "first") as first:
        register_in_english(page, first, "ola@example.org", "Ola Nowak")
        import_badge(page, first, "Data Literacy")
        open_backup_page(page, first)
        page.get_by_label("Passphrase for the backup (at least 12 characters)").fill(PASSPHRASE)
        page.get_by_label("Repeat the passphrase").fill(PASSPHRASE)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the backup").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.suffix == ".plecak" and saved.read_bytes().startswith(b"PLCKBKP")

    second_settings = replace(live_settings(tmp_path / "second"), secret_key=OTHER_SECRET)
    with running_app(tmp_path / "second", second_settings) as second:
        context = browser.new_context(bypass_csp=True, locale="pl-PL")
        other = context.new_page()
        register_in_english(other, second, "ola.nowa@example.org", "Ola")
        open_backup_page(other, second)
        restore = other.get_by_role("button", name="Restore", exact=True)
        other.get_by_label("Backup file").set_input_files(str(saved))
        other.get_by_label("The backup's passphrase").fill("not the passphrase")
        restore.click()
        expect(other.get_by_role("alert")).to_contain_text("The passphrase is wrong")
        assert_accessible(other)

        other.get_by_label("Backup file").set_input_files(str(saved))
        other.get_by_label("The backup's passphrase").fill(PASSPHRASE)
        other.get_by_role("button", name="Restore", exact=True).click()
        expect(other.get_by_role("status")).to_contain_text("1 credential restored")
        assert_accessible(other)
        other.goto(second.url("/"))
        expect(other.get_by_text("Data Literacy").first).to_be_visible()
        context.close()


def test_backup_flow_didauth_page_shows_its_challenge_accessibly(
    page: Page, tmp_path: Path
) -> None:
    with running_app(tmp_path / "instance") as server:
        register_in_english(page, server, "ola@example.org", "Ola Nowak")
        page.goto(server.url("/account"))
        page.get_by_role(
            "link", name="Confirm a DID you control with a signed presentation"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm a DID you control")
        # Presentations are bound to the public address the instance is configured with.
        expect(page.locator("#didauth-domain")).to_have_text("http://127.0.0.1:5000")
        assert_accessible(page)
        page.get_by_label("Signed presentation (JSON or VP-JWT)").fill('{"type": "x"}')
        page.get_by_role("button", name="Confirm the DID").click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert_accessible(page)
