"""A holder's credential pages in a real browser: list, detail, verify again, tag, collection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings
from tests.support.portfolio import PNG_DATA_URI, add_credential
from wallet.db import Database
from wallet.models import User

pytestmark = pytest.mark.browser

EMAIL = "ola@example.org"
MAX_TABS = 60


def import_for_holder(data_dir: Path) -> int:
    """Put a real signed credential in the live app's database for the registered holder."""
    database = Database.from_url(live_settings(data_dir).database_url)
    try:
        with database.sessions() as session:
            owner = session.scalars(select(User).where(User.email == EMAIL)).one()
            achievement = {
                "image": {"id": PNG_DATA_URI},
                "criteria": {"narrative": "Pass **both** tests."},
            }
            return add_credential(session, owner.id, achievement, title="Data Literacy")
    finally:
        database.engine.dispose()


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until ``selector`` has focus: it is reachable by keyboard alone."""
    target = page.locator(selector)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_credential_flow_list_detail_verify_tag_collection_is_accessible(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register_in_english(page, live_server, EMAIL, "Ola")
    import_for_holder(tmp_path / "instance")

    page.get_by_role("link", name="Credentials", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your credentials")
    expect(page.locator(".verdict", has_text="Verified").first).to_be_visible()
    assert_accessible(page)
    tab_to(page, "#sort")
    page.locator("#sort").select_option("title")
    tab_to(page, ".list-controls button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=title"))
    assert_accessible(page)

    page.get_by_role("link", name="Data Literacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Literacy")
    expect(page.locator("strong", has_text="both")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "details.technical summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.technical")).to_have_attribute("open", "")
    expect(page.locator("details.technical code", has_text="proof").first).to_be_visible()

    page.get_by_role("button", name="Verify again").click()
    expect(page.get_by_role("status")).to_contain_text("checked again")
    assert_accessible(page)

    page.get_by_label("New tag", exact=True).fill("job hunt")
    page.get_by_role("button", name="Add tag").click()
    expect(page.locator(".chips a", has_text="job hunt")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Or a new collection named", exact=True).fill("CV 2026")
    page.get_by_role("button", name="Add to collection").click()
    page.locator(".chips a", has_text="CV 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CV 2026")
    expect(page.get_by_role("link", name="Data Literacy")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Collections", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collections")
    assert_accessible(page)
    page.goto(live_server.url("/credentials/skills"))
    assert_accessible(page)
