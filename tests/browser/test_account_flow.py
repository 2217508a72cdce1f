"""An account's life in a real browser, with an axe-core scan of every page it visits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible, scan_page
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

NAME = "Jan Kowalski"
EMAIL = "jan@example.org"
PASSWORD = "correct horse battery"


def expect_page(page: Page, server: LiveServer, path: str, language: str, heading: str) -> None:
    """The browser shows ``path`` in ``language`` under ``heading``, and axe finds nothing."""
    expect(page).to_have_url(server.url(path))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def register_in_polish(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/register"))
    expect_page(page, server, "/register", "pl", "Załóż konto w Plecaku")
    page.get_by_label("Imię i nazwisko", exact=True).fill(NAME)
    page.get_by_label("Adres e-mail", exact=True).fill(EMAIL)
    page.get_by_label("Hasło (co najmniej 10 znaków)", exact=True).fill(PASSWORD)
    page.get_by_label("Powtórz hasło", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Załóż konto").click()


def log_out(page: Page, server: LiveServer) -> None:
    page.get_by_role("button", name="Log out").click()
    expect_page(page, server, "/login", "en", "Log in to Plecak")


def test_account_flow_register_switch_language_log_in_and_out_is_accessible(
    page: Page, live_server: LiveServer
) -> None:
    register_in_polish(page, live_server)
    expect_page(page, live_server, "/", "pl", f"Witaj, {NAME}")

    page.get_by_role("button", name="English").click()
    expect_page(page, live_server, "/", "en", f"Hello, {NAME}")

    page.get_by_role("link", name="Account").click()
    expect_page(page, live_server, "/account", "en", "Your account")
    log_out(page, live_server)

    page.get_by_label("Email address", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect_page(page, live_server, "/", "en", f"Hello, {NAME}")
    log_out(page, live_server)


def test_register_form_empty_shows_accessible_errors(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/register"))
    page.get_by_role("button", name="Załóż konto").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Adres e-mail", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_account_page_with_unconfirmed_identifier_is_accessible(
    page: Page, live_server: LiveServer
) -> None:
    register_in_polish(page, live_server)
    page.get_by_role("link", name="Konto").click()
    page.get_by_label("Rodzaj", exact=True).select_option("email")
    page.get_by_label("Identyfikator", exact=True).fill("jan.kowalski@example.org")
    page.get_by_role("button", name="Dodaj identyfikator").click()
    expect(page.get_by_role("listitem").filter(has_text="jan.kowalski@example.org")).to_be_visible()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page)


def test_skip_link_first_tab_stop_moves_focus_to_main(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/login"))
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    expect(page.locator("main")).to_be_focused()


def test_scan_page_image_without_text_alternative_reports_image_alt(page: Page) -> None:
    page.set_content('<!doctype html><html lang="en"><title>t</title><img src="data:,"></html>')
    assert [violation.rule for violation in scan_page(page)] == ["image-alt"]
