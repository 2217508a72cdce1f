"""A holder's journey end to end in chromium, with an axe-core scan of every page visited.

Register, drop a mixed archive, watch it import, find credentials by Polish and English words,
read the facts and the verification report, then see the issuer's revocation noticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.archives import zip_archive
from tests.support.axe import assert_accessible
from tests.support.httpserver import LocalServer
from tests.support.journey import (
    StatusListIssuer,
    drop_files,
    loopback_app,
    register_in_english,
    reverify_live,
)
from tests.support.live_server import LiveServer
from wallet.verification.data_integrity import JCS

pytestmark = pytest.mark.browser

EMAIL = "marta@example.org"
POLISH_TITLE = "Python w analizie danych"
POLISH_DESCRIPTION = "Programowanie w Pythonie dla analityków danych."
ENGLISH_TITLE = "Data Literacy"
ENGLISH_DESCRIPTION = "Questions the charts and tables of everyday reports."
ISSUER_NAME = "Politechnika Przykładowa"
# Truncated JSON: no reader accepts it, so the archive has exactly one item that fails.
BROKEN_ENTRY = b'{"@context": ["https://www.w3.org/ns/credentials/v2"'
# The worker thread polls each second; verification of did:key badges takes milliseconds.
JOB_TIMEOUT_MS = 15_000


@pytest.fixture
def journey_server(tmp_path: Path) -> Iterator[LiveServer]:
    with loopback_app(tmp_path / "instance") as server:
        yield server


@pytest.fixture
def issuer(http_server: LocalServer) -> StatusListIssuer:
    issuer = StatusListIssuer(http_server)
    issuer.publish(revoked=False)
    return issuer


def mixed_archive(issuer: StatusListIssuer) -> bytes:
    """Both eddsa suites, a Polish and an English badge (the English one revocable), one broken."""
    return zip_archive(
        {
            "polish.json": issuer.badge(
                POLISH_TITLE, POLISH_DESCRIPTION, "eddsa-rdfc-2022", revocable=False
            ),
            "english.json": issuer.badge(ENGLISH_TITLE, ENGLISH_DESCRIPTION, JCS, revocable=True),
            "broken.json": BROKEN_ENTRY,
        }
    )


def import_archive(page: Page, archive: bytes) -> None:
    """Drop the archive on the import page and wait for the job to finish."""
    page.get_by_role("link", name="Add credentials").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add credentials")
    assert_accessible(page)
    drop_files(page, "[data-drop-zone]", {"portfolio.zip": archive})
    expect(page.locator("[data-selected-files]")).to_have_text("portfolio.zip")
    page.get_by_role("button", name="Import files").click()
    expect(page).to_have_url(re.compile(r".*/imports/\d+$"))
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_contain_text("2 imported")
    expect(page.get_by_role("status")).to_contain_text("1 not imported")
    failed = page.locator("#job-items > li").filter(
        has=page.get_by_text("Not imported", exact=True)
    )
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("portfolio.zip!broken.json")
    assert_accessible(page)


def search_for(page: Page, words: str, found: str, absent: str) -> None:
    """Search for ``words``: exactly the credential titled ``found`` comes back."""
    page.get_by_label("Words to look for").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("1 credential found.")
    expect(page.get_by_role("link", name=found)).to_be_visible()
    expect(page.get_by_role("link", name=absent)).to_have_count(0)
    assert_accessible(page)


def read_credential(page: Page) -> None:
    """The detail page: the facts panel and the report in plain words, status list included."""
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    facts = page.locator("section[aria-labelledby=facts-heading]")
    expect(facts.locator(".fact", has_text="Awarding body")).to_contain_text(ISSUER_NAME)
    expect(facts.locator(".fact", has_text="Title of the micro-credential")).to_contain_text(
        ENGLISH_TITLE
    )
    report = page.locator("section[aria-labelledby=report-heading]")
    expect(report.locator(".verdict")).to_have_text(re.compile("Verified"))
    status_check = report.locator(".checks li", has_text="status list shows no revocation")
    expect(status_check).to_be_visible()
    expect(status_check).to_contain_text("passed")
    assert_accessible(page)


def see_revocation(page: Page) -> None:
    """The header counts the notice; the notice, the list and the detail page say revoked."""
    page.reload()
    page.get_by_role("link", name="Notices (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    notice = page.locator(".notice", has=page.get_by_role("heading", name=ENGLISH_TITLE))
    expect(notice.locator(".notice-status")).to_contain_text("Revoked")
    expect(notice).to_contain_text("The issuer has revoked this credential.")
    assert_accessible(page)

    page.get_by_role("link", name="Credentials", exact=True).click()
    card = page.locator(".credential-card", has=page.get_by_role("link", name=ENGLISH_TITLE))
    # One verdict in words: revoked, not also "failed" as a forgery would be.
    expect(card.locator(".credential-status")).to_have_text(re.compile(r"^\s*⊘ Revoked\s*$"))
    polish = page.locator(".credential-card", has=page.get_by_role("link", name=POLISH_TITLE))
    expect(polish.locator(".credential-status")).to_have_text(re.compile(r"^\s*✓ Verified\s*$"))
    assert_accessible(page)

    card.get_by_role("link", name=ENGLISH_TITLE).click()
    revocation = page.locator(".checks li", has_text="The issuer has revoked this credential.")
    expect(revocation).to_contain_text("failed")
    assert_accessible(page)


def test_holder_journey_import_search_read_and_revocation_is_noticed(
    page: Page, journey_server: LiveServer, issuer: StatusListIssuer, tmp_path: Path
) -> None:
    register_in_english(page, journey_server, EMAIL, "Marta Nowak")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Marta Nowak")
    assert_accessible(page)

    import_archive(page, mixed_archive(issuer))

    page.get_by_role("link", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search your credentials")
    assert_accessible(page)
    search_for(page, "programowania", found=POLISH_TITLE, absent=ENGLISH_TITLE)
    search_for(page, "chart", found=ENGLISH_TITLE, absent=POLISH_TITLE)
    page.get_by_role("link", name=ENGLISH_TITLE).click()
    read_credential(page)

    issuer.publish(revoked=True)
    summary = reverify_live(tmp_path / "instance", at=datetime.now(UTC))
    assert (summary.checked, summary.changed, summary.notices, summary.errors) == (1, 1, 1, 0)
    see_revocation(page)
