"""Searching one's credentials in a real browser, with an axe-core scan of every page visited."""

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
from wallet.search.indexing import reindex_database

pytestmark = pytest.mark.browser

EMAIL = "ola@example.org"


def import_and_reindex(data_dir: Path) -> None:
    """Give the holder two real credentials from outside the app, then rebuild its index."""
    settings = live_settings(data_dir)
    database = Database.from_url(settings.database_url)
    try:
        with database.sessions() as session:
            owner = session.scalars(select(User).where(User.email == EMAIL)).one()
            add_credential(session, owner.id, title="Programowanie w Pythonie")
            add_credential(session, owner.id, title="Data Literacy")
    finally:
        database.engine.dispose()
    reindex_database(settings.database_url, settings.search_backend, settings.search_dir)


def test_search_flow_words_facet_and_result_are_accessible(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register_in_english(page, live_server, EMAIL, "Ola")
    import_and_reindex(tmp_path / "instance")

    page.get_by_role("link", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search your credentials")
    expect(page.get_by_role("status")).to_have_text("2 credentials found.")
    assert_accessible(page)

    page.get_by_label("Words to look for").fill("programowania")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("1 credential found.")
    expect(page.get_by_role("link", name="Programowanie w Pythonie")).to_be_visible()
    expect(page.get_by_role("link", name="Data Literacy")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Verified \(1\)$")).click()
    expect(page).to_have_url(re.compile(r"status=verified"))
    expect(page.get_by_role("status")).to_have_text("1 credential found.")
    assert_accessible(page)

    page.get_by_role("link", name="Programowanie w Pythonie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programowanie w Pythonie")
    assert_accessible(page)
