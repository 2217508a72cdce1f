"""A signed PDF certificate in a real browser: dropped in, its checks read apart, with axe."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.support import pdfs
from tests.support.archives import signed_badge
from tests.support.axe import assert_accessible
from tests.support.jose_issuer import CertifiedKey, make_ca
from tests.support.journey import register_in_english
from tests.support.live_server import LiveServer, live_settings, running_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def trust_root() -> CertifiedKey:
    return make_ca("Krajowe Centrum Testowe", at=datetime.now(UTC))


# Signed before the browser starts: under Playwright's sync API pyHanko's asyncio cannot run.
@pytest.fixture(scope="module")
def signed_certificate(trust_root: CertifiedKey) -> bytes:
    with_badge = pdfs.attach(pdfs.certificate_pdf(), "odznaka.json", signed_badge("Python"))
    return pdfs.sign(with_badge, pdfs.make_signer(trust_root), (trust_root,))


@pytest.fixture
def trusting_server(tmp_path: Path, trust_root: CertifiedKey) -> Iterator[LiveServer]:
    """The app with ``trust_root`` as its only trust anchor."""
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    (anchors / "root.der").write_bytes(trust_root.der)
    settings = dataclasses.replace(live_settings(tmp_path / "instance"), trust_anchors_dir=anchors)
    with running_app(tmp_path / "instance", settings) as server:
        yield server


def test_signed_pdf_dropped_in_shows_each_check_and_its_attached_badge(
    signed_certificate: bytes, page: Page, trusting_server: LiveServer
) -> None:
    register_in_english(page, trusting_server, "ewa@example.org", "Ewa Nowak")
    page.get_by_role("link", name="Add credentials").click()
    payload: FilePayload = {
        "name": "certyfikat.pdf",
        "mimeType": "application/pdf",
        "buffer": signed_certificate,
    }
    page.get_by_label("Credential files").set_input_files(files=[payload])
    page.get_by_role("button", name="Import files").click()
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=15_000)
    page.locator("#job-items a").first.click()
    expect(page).to_have_url(re.compile(r".*/credentials/\d+$"))

    checks = page.locator("ul.checks")
    expect(checks).to_contain_text("Signature intact")
    expect(checks).to_contain_text("Signed by Dział Certyfikatów (PL)")
    expect(checks).to_contain_text("Signer trusted")
    expect(checks).to_contain_text("Nothing was changed after signing")
    stated = page.get_by_role("region", name="Stated in the document")
    expect(stated).to_contain_text("Anna Nowak")
    preview = page.get_by_role("img", name="First page of the document")
    expect(preview).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0
    assert_accessible(page)

    stated.get_by_role("link", name="Python").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Python")
    expect(page.get_by_text("Comes with the document:")).to_be_visible()
    assert_accessible(page)
