"""The header on a 375 px phone: one short row, with a menu button that opens the links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.axe import assert_accessible
from tests.support.journey import register, tab_to
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

MAX_HEADER_PX = 64


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 375 × 667 tab preferring Polish (the longer labels); CSP bypassed for axe."""
    context = browser.new_context(
        bypass_csp=True, locale="pl-PL", viewport={"width": 375, "height": 667}
    )
    page = context.new_page()
    page.set_default_timeout(5_000)
    yield page
    context.close()


def header_height(page: Page) -> float:
    return float(
        page.locator("header.site-header").evaluate("e => e.getBoundingClientRect().height")
    )


def test_header_on_phone_is_one_row_under_64_px_with_accessible_menu(
    phone: Page, live_server: LiveServer
) -> None:
    register(phone, live_server, "iga@example.org", "Iga Lis")
    assert header_height(phone) < MAX_HEADER_PX
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(phone.get_by_role("link", name="Dodaj poświadczenia")).to_be_hidden()
    assert_accessible(phone)

    tab_to(phone, menu)
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    link = phone.get_by_role("link", name="Dodaj poświadczenia")
    expect(link).to_be_visible()
    expect(phone.get_by_role("button", name="Wyloguj")).to_be_visible()
    assert_accessible(phone)

    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(link).to_be_hidden()

    phone.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "true")
    link.click()
    expect(phone).to_have_url(live_server.url("/imports"))
    assert header_height(phone) < MAX_HEADER_PX


def test_header_on_phone_logged_out_is_under_64_px(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/login"))
    assert header_height(phone) < MAX_HEADER_PX
    assert_accessible(phone)


def test_header_on_desktop_shows_links_without_menu_button(
    page: Page, live_server: LiveServer
) -> None:
    register(page, live_server, "ola@example.org", "Ola Lis")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Dodaj poświadczenia")).to_be_visible()
