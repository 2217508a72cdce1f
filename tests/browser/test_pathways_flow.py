"""Pathways in a real browser: follow DigComp, build one's own, confirm a suggestion; axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings
from tests.support.portfolio import add_credential
from wallet.db import Database
from wallet.models import User

pytestmark = pytest.mark.browser

MET = re.compile(r"^✓\s*Met$")

EMAIL = "ola@example.org"
DIGCOMP_41 = {
    "type": ["Alignment"],
    "targetName": "DigComp 4.1 Protecting devices, Level 4",
    "targetUrl": "http://data.europa.eu/snb/dcf/example-4-1",
    "targetFramework": "DigComp 2.2",
}


def import_badges(data_dir: Path) -> None:
    database = Database.from_url(live_settings(data_dir).database_url)
    try:
        with database.sessions() as session:
            owner = session.scalars(select(User).where(User.email == EMAIL)).one()
            add_credential(session, owner.id, {"alignment": [DIGCOMP_41]}, title="Device safety")
            add_credential(
                session,
                owner.id,
                {"description": "Cleans data sets and checks data quality."},
                title="Data cleaning",
            )
    finally:
        database.engine.dispose()


def test_pathway_flow_follow_build_confirm_is_accessible(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register_in_english(page, live_server, EMAIL, "Ola")
    import_badges(tmp_path / "instance")

    page.get_by_role("link", name="Pathways", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pathways")
    assert_accessible(page)

    page.get_by_role(
        "button", name="Follow: DigComp 2.2: digital competence at intermediate level"
    ).click()
    expect(page.get_by_text("Readiness, not an award.")).to_be_visible()
    heading = page.get_by_role("heading", name="4.1 Protecting devices")
    requirement = page.locator("li.requirement", has=heading).last
    expect(requirement.get_by_role("link", name="Device safety")).to_be_visible()
    expect(requirement.locator(".tag-ok")).to_have_text(MET)
    expect(page.get_by_text("Missing:").first).to_be_visible()
    expect(page.get_by_role("img", name="Readiness per requirement")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="All pathways").click()
    page.get_by_role("link", name="Build your own pathway").click()
    page.get_by_label("Title (Polish)").fill("Moja kwalifikacja")
    page.get_by_label("Title (English)").fill("My qualification")
    page.get_by_label("Requirement name (English)").fill("Data quality")
    page.get_by_label("Counts when the credential has").select_option("lo_text")
    page.get_by_label("Value (address, code, tag or words)").fill("data quality")
    assert_accessible(page)
    page.get_by_role("button", name="Create the pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: My qualification")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the pathway").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Matched by the holder")).to_be_visible()
    expect(page.locator(".requirement-head .tag").first).to_have_text(MET)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as JSON").click()
    assert download.value.suggested_filename.endswith(".json")
