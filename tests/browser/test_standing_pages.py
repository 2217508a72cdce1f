"""Verdicts and the skills overview in a real browser: expired in amber, the uncounted apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings
from tests.support.portfolio import add_credential, loopback_context, signed_credential
from wallet.db import Database
from wallet.holder import credentials
from wallet.models import User

pytestmark = pytest.mark.browser

EMAIL = "ola@example.org"
ESCO = "http://data.europa.eu/esco/skill/5d7d8c5e-0a3e-4d7b-9a84-4b56b2e3b2a1"
SKILL = {"alignment": [{"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": ESCO}]}


def fill_portfolio(data_dir: Path) -> None:
    """A verified, an expired and a forged credential, all naming the same skill."""
    database = Database.from_url(live_settings(data_dir).database_url)
    try:
        with database.sessions() as session:
            owner = session.scalars(select(User).where(User.email == EMAIL)).one()
            add_credential(session, owner.id, SKILL, title="Data Literacy badge")
            add_credential(
                session, owner.id, SKILL, title="Old badge", validUntil="2026-02-01T00:00:00Z"
            )
            forged = json.loads(signed_credential(SKILL, title="Forged badge"))
            forged["issuer"]["name"] = "Fake Academy"
            data = json.dumps(forged).encode()
            credentials.import_bytes(session, owner.id, data, "f.json", loopback_context())
            session.commit()
    finally:
        database.engine.dispose()


def test_standings_and_skills_overview_are_worded_and_accessible(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register_in_english(page, live_server, EMAIL, "Ola")
    fill_portfolio(tmp_path / "instance")

    page.goto(live_server.url("/credentials"))
    expired = page.locator(".credential-card", has_text="Old badge").locator(".verdict")
    expect(expired).to_have_text("⌛ Expired")
    expect(expired).to_have_class("tag tag-warn verdict")
    forged = page.locator(".credential-card", has_text="Forged badge").locator(".verdict")
    expect(forged).to_have_text("✗ Failed verification")
    assert_accessible(page)

    page.goto(live_server.url("/credentials/skills"))
    evidence = page.locator("ul.skills")
    expect(evidence.get_by_role("link", name="Data Literacy badge")).to_be_visible()
    expect(evidence.get_by_role("link", name="Forged badge")).to_have_count(0)
    uncounted = page.get_by_role("region", name="Not counted as evidence")
    expect(uncounted).to_contain_text("Fake Academy")
    expect(uncounted.locator(".verdict", has_text="Expired")).to_be_visible()
    assert_accessible(page)

    uncounted.get_by_role("link", name="Old badge").click()
    expect(page.locator(".credential-status .verdict")).to_have_text("⌛ Expired")
    assert_accessible(page)
