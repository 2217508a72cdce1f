"""A holder's journey in a browser: a loopback-fetching app, a status list issuer, Tab steps."""

from __future__ import annotations

import base64
import json
import uuid
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from tests.support.live_server import LiveServer, live_settings, running_app
from tests.support.status_lists import bitstring_entry, bitstring_list_credential, encode_list
from wallet.config import Settings
from wallet.db import Database
from wallet.holder import monitoring
from wallet.holder.monitoring import ReverifySummary
from wallet.mail import create_mailer
from wallet.services import Services
from wallet.verification.data_integrity import JCS

PASSWORD = "correct horse battery"
LEARNER = "did:example:learner"
STATUS_INDEX = 7
MAX_TABS = 60


def journey_settings(data_dir: Path) -> Settings:
    """The live server's settings, except that issuers on 127.0.0.1 may be fetched."""
    return replace(live_settings(data_dir), allow_loopback_fetch=True)


def reverify_live(data_dir: Path, at: datetime) -> ReverifySummary:
    """Run the periodic re-check on the live app's database, as ``wallet reverify`` would."""
    settings = journey_settings(data_dir)
    database = Database.from_url(settings.database_url)
    mailer = create_mailer(None, settings.mail_sender, settings.mail_dir)
    try:
        return monitoring.reverify_all(
            Services(settings=settings, database=database, mailer=mailer), at=at
        )
    finally:
        database.engine.dispose()


class StatusListIssuer:
    """A did:key issuer publishing a signed Bitstring status list on a loopback server."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.key = TestIssuer.generate()
        self.list_url = server.url("/status/journey")

    def publish(self, *, revoked: bool) -> None:
        """Serve the list with the journey's entry set (revoked) or clear."""
        encoded = encode_list({STATUS_INDEX: 1} if revoked else {})
        listed = bitstring_list_credential(self.list_url, self.key.did, encoded)
        self.server.serve("/status/journey", json.dumps(self.key.sign(listed, JCS)))

    def badge(self, title: str, description: str, suite: str, *, revocable: bool) -> bytes:
        """An Open Badges 3.0 credential for the learner, signed with ``suite``."""
        document = achievement_credential(self.key.did, name=title)
        subject = document["credentialSubject"]
        assert isinstance(subject, dict) and isinstance(subject["achievement"], dict)
        subject["id"] = LEARNER
        subject["achievement"] = {
            **subject["achievement"],
            "id": f"https://issuer.example/achievements/{suite}",
            "name": title,
            "description": description,
        }
        document["id"] = uuid.uuid4().urn
        if revocable:
            document["credentialStatus"] = bitstring_entry(self.list_url, STATUS_INDEX)
        return json.dumps(self.key.sign(document, suite)).encode()


def register(page: Page, server: LiveServer, email: str, name: str) -> None:
    """Create an account through the (Polish by default) form; ends on the start page."""
    page.goto(server.url("/register"))
    page.get_by_label("Imię i nazwisko", exact=True).fill(name)
    page.get_by_label("Adres e-mail", exact=True).fill(email)
    page.get_by_label("Hasło (co najmniej 10 znaków)", exact=True).fill(PASSWORD)
    page.get_by_label("Powtórz hasło", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Załóż konto").click()
    expect(page).to_have_url(server.url("/"))


def register_in_english(page: Page, server: LiveServer, email: str, name: str) -> None:
    """Create an account, then switch the interface to English."""
    register(page, server, email, name)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def is_focused(target: Locator) -> bool:
    """Whether ``target`` is the element that has keyboard focus."""
    return bool(target.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator) -> int:
    """Press Tab until ``target`` has focus; returns how many presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if is_focused(target):
            return presses
    raise AssertionError(f"{target} cannot be reached with the Tab key")


def drop_files(page: Page, selector: str, files: dict[str, bytes]) -> None:
    """A real drop event whose DataTransfer carries ``files``, dispatched on ``selector``."""
    encoded = {name: base64.b64encode(data).decode() for name, data in files.items()}
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, data] of Object.entries(files)) {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type: "application/zip" }));
            }
            return transfer;
        }""",
        encoded,
    )
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def loopback_app(data_dir: Path) -> AbstractContextManager[LiveServer]:
    """Serve a freshly migrated app that reaches loopback issuers, until the block ends."""
    return running_app(data_dir, journey_settings(data_dir))
