"""Searching with the keyboard alone: skip link, nav, the search field, a facet, a result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.axe import assert_accessible
from tests.support.journey import PASSWORD, is_focused, tab_to
from tests.support.live_server import LiveServer, live_settings
from tests.support.portfolio import add_credential
from wallet.db import Database
from wallet.models import User
from wallet.search.indexing import reindex_database

pytestmark = pytest.mark.browser

EMAIL = "ewa@example.org"
FIRST = "Programowanie w Pythonie"
SECOND = "Analiza danych w Pythonie"
SECOND_ISSUER = "Uniwersytet Otwarty"


def register_by_keyboard(page: Page, server: LiveServer) -> None:
    """Fill the form, submit it with Enter, then switch to English from the keyboard."""
    page.goto(server.url("/register"))
    page.get_by_label("Imię i nazwisko", exact=True).fill("Ewa")
    page.get_by_label("Adres e-mail", exact=True).fill(EMAIL)
    page.get_by_label("Hasło (co najmniej 10 znaków)", exact=True).fill(PASSWORD)
    page.get_by_label("Powtórz hasło", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url("/"))
    tab_to(page, page.get_by_role("button", name="English"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def give_two_credentials(data_dir: Path) -> None:
    """Two signed credentials from different issuers, imported outside the app, then indexed."""
    settings = live_settings(data_dir)
    database = Database.from_url(settings.database_url)
    try:
        with database.sessions() as session:
            owner = session.scalars(select(User).where(User.email == EMAIL)).one()
            add_credential(session, owner.id, title=FIRST, issuer_name="Politechnika Przykładowa")
            add_credential(session, owner.id, title=SECOND, issuer_name=SECOND_ISSUER)
    finally:
        database.engine.dispose()
    reindex_database(settings.database_url, settings.search_backend, settings.search_dir)


def test_search_keyboard_skip_link_query_facet_and_result_without_a_mouse(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register_by_keyboard(page, live_server)
    give_two_credentials(tmp_path / "instance")
    page.reload()

    page.locator("body").focus()
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    tab_to(page, page.get_by_role("link", name="Search", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search your credentials")
    assert_accessible(page)

    # The skip link jumps over the header; the search field is then the next stop.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert is_focused(page.get_by_label("Words to look for"))
    page.keyboard.type("Pythonie")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=Pythonie"))
    expect(page.get_by_role("status")).to_have_text("2 credentials found.")
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name=f"{SECOND_ISSUER} (1)"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]issuer=Uniwersytet"))
    expect(page.get_by_role("status")).to_have_text("1 credential found.")
    expect(page.get_by_role("link", name=FIRST)).to_have_count(0)
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name=SECOND))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(SECOND)
    expect(page.locator(".credential-issuer")).to_contain_text(SECOND_ISSUER)
    assert_accessible(page)
