"""The password reset pages in a real browser, scanned with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.journey import register
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser


def test_forgotten_password_pages_are_reachable_and_pass_axe(
    page: Page, live_server: LiveServer
) -> None:
    register(page, live_server, "zofia@example.org", "Zofia Lis")
    page.get_by_role("button", name="Wyloguj się").click()
    page.get_by_role("link", name="Nie pamiętasz hasła?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustaw nowe hasło")
    assert_accessible(page)
    page.get_by_label("Adres e-mail", exact=True).fill("nikt@example.org")
    page.get_by_role("button", name="Wyślij link").click()
    expect(page).to_have_url(live_server.url("/login"))
    expect(page.get_by_text("Jeśli ten adres należy do konta")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url("/password/reset/not-a-token"))
    expect(page.get_by_text("Ten link do zmiany hasła jest nieprawidłowy")).to_be_visible()
    assert_accessible(page)
