"""A refused URL import in a real browser: the Polish error takes focus and is announced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.axe import assert_accessible
from tests.support.journey import register
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def strict_page(browser: Browser) -> Iterator[Page]:
    """A tab that keeps the app's CSP, so only scripts the policy allows can run."""
    context = browser.new_context(locale="pl-PL", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(5_000)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    yield page
    assert not [text for text in violations if "Content Security Policy" in text]
    context.close()


def test_url_import_refused_moves_focus_to_polish_alert_under_csp(
    strict_page: Page, live_server: LiveServer
) -> None:
    page = strict_page
    register(page, live_server, "ula@example.org", "Ula Nowak")
    page.goto(live_server.url("/imports"))
    # The live app refuses loopback, like a production wallet refuses internal addresses.
    page.get_by_label("Adres internetowy poświadczenia albo strony jego odznaki").fill(
        live_server.url("/secret")
    )
    page.get_by_role("button", name="Importuj z internetu").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Ten adres jest niedozwolony")
    expect(alert).to_be_focused()
    assert alert.evaluate("element => element.getBoundingClientRect().top") < PHONE["height"]
    assert "127.0.0.1" not in alert.inner_text()
    assert page.locator("script:not([src])").count() == 0


def test_url_import_refused_page_passes_axe(page: Page, live_server: LiveServer) -> None:
    register(page, live_server, "ewa@example.org", "Ewa Nowak")
    page.goto(live_server.url("/imports"))
    page.get_by_label("Adres internetowy poświadczenia albo strony jego odznaki").fill(
        "http://10.0.0.1/b"
    )
    page.get_by_role("button", name="Importuj z internetu").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
