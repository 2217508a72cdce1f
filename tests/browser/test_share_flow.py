"""Sharing in a browser: a link hiding a grade, opened on a phone by a recruiter, revoked."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.share.test_links import graded
from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings
from wallet.db import Database
from wallet.models import User

pytestmark = pytest.mark.browser

EMAIL = "ola@example.org"
GRADE = "A-secret-grade"


def graded_for_holder(data_dir: Path, titles: list[str]) -> list[int]:
    """Put graded signed credentials in the live app's database for the registered holder."""
    database = Database.from_url(live_settings(data_dir).database_url)
    try:
        with database.sessions() as session:
            owner = session.scalars(select(User).where(User.email == EMAIL)).one()
            return [graded(session, owner.id, title) for title in titles]
    finally:
        database.engine.dispose()


def test_share_link_created_opened_on_a_phone_and_revoked_is_accessible(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    register_in_english(page, live_server, EMAIL, "Ola")
    ids = graded_for_holder(tmp_path / "instance", ["Course A", "Course B", "Course C", "Other"])
    page.get_by_role("link", name="Share", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Label (only you see it)", exact=False).fill("for ACME recruitment")
    for credential_id in ids[:3]:
        page.locator(f"#c{credential_id}").check()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview of the link")).to_be_visible()
    assert GRADE not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Create the link").click()
    shown = page.locator("#share-url").input_value()
    # The link is built on WALLET_BASE_URL; the test server listens on its own port.
    url = live_server.url(shown[shown.index("/s/") :])
    assert_accessible(page)

    phone = browser.new_context(
        bypass_csp=True,
        locale="en-GB",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
    )
    recruiter = phone.new_page()
    recruiter.goto(url)
    expect(recruiter.locator(".verdict", has_text="Verified")).to_have_count(3)
    html = recruiter.content()
    assert GRADE not in html and "Other" not in html
    width = recruiter.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    assert_accessible(recruiter)

    page.get_by_role("link", name="Manage this link").click()
    expect(page.get_by_role("cell", name="phone")).to_be_visible()
    page.get_by_role("button", name="Revoke the link now").click()
    expect(page.get_by_text("Link revoked")).to_be_visible()
    response = recruiter.goto(url)
    assert response is not None and response.status == 404
    assert "Course A" not in recruiter.content()
    assert_accessible(recruiter)
    phone.close()
