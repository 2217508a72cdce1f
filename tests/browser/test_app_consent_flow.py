"""An app asks for access in a real browser: consent (approve), then revoke on the apps page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from tests.connect.conftest import di_badge, jws_badge
from tests.support.axe import assert_accessible
from tests.support.journey import register_in_english, tab_to
from tests.support.live_server import LiveServer, live_settings
from tests.support.ob3_provider import (
    API,
    APP_REDIRECT,
    CREDENTIALS_SCOPE,
    Provider,
    register_app,
    running_provider,
)
from tests.support.portfolio import loopback_context
from wallet.db import Database
from wallet.holder import credentials
from wallet.models import User
from wallet.schema import upgrade_schema

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[tuple[Provider, Database]]:
    settings = replace(live_settings(tmp_path / "instance"), allow_loopback_fetch=True)
    database = Database.from_url(settings.database_url)
    upgrade_schema(database.engine)
    try:
        with running_provider(settings, database) as running:
            yield running, database
    finally:
        database.engine.dispose()


def give_badges(database: Database, email: str) -> None:
    with database.sessions() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        for source, data in [
            ("data.json", json.dumps(di_badge("Data Literacy")).encode()),
            ("team.jwt", jws_badge("Teamwork").encode()),
        ]:
            credentials.import_bytes(session, user.id, data, source, loopback_context())
        session.commit()


def test_app_consent_approve_then_revoke_on_the_apps_page(
    page: Page, provider: tuple[Provider, Database]
) -> None:
    server, database = provider
    register_in_english(page, LiveServer(server.base_url), "jan@example.org", "Jan Kowalski")
    give_badges(database, "jan@example.org")
    registration = register_app(server)
    app = OAuth2Session(
        client_id=registration["client_id"],
        client_secret=registration["client_secret"],
        scope=CREDENTIALS_SCOPE,
        redirect_uri=APP_REDIRECT,
        code_challenge_method="S256",
    )
    verifier = generate_token(64)
    url, _state = app.create_authorization_url(
        server.url("/oauth/authorize"), code_verifier=verifier
    )
    # The app's own page is not running: the browser's visit there is answered here.
    page.route(f"{APP_REDIRECT}**", lambda route: _app_page(route))

    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Allow Portal Pracy to read your wallet?"
    )
    expect(page.get_by_label("Data Literacy", exact=False)).to_be_checked()
    expect(page.get_by_label("Teamwork", exact=False)).to_be_checked()
    expect(page.get_by_text("https://jobs.example.org/privacy")).to_be_visible()
    assert_accessible(page)
    allow = page.get_by_role("button", name="Allow", exact=True)
    tab_to(page, allow)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(APP_REDIRECT) + r"\?code="))
    token = app.fetch_token(
        server.url("/oauth/token"), authorization_response=page.url, code_verifier=verifier
    )
    assert token["access_token"]
    read = app.get(server.url(f"{API}/credentials"), timeout=10)
    assert read.status_code == 200 and read.headers["X-Total-Count"] == "2"

    page.goto(server.url("/apps"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Apps with access")
    row = page.get_by_role("row", name=re.compile("Portal Pracy"))
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    assert_accessible(page)
    row.get_by_role("link", name=re.compile("^Access log")).click()
    expect(page.get_by_role("cell", name=re.compile("2 credentials"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="All apps with access").click()
    row = page.get_by_role("row", name=re.compile("Portal Pracy"))
    row.get_by_role("button", name=re.compile("^Revoke access")).click()

    expect(page.get_by_text("Portal Pracy can no longer read your credentials.")).to_be_visible()
    expect(row.get_by_text("access ended")).to_be_visible()
    expect(row.get_by_role("button")).to_have_count(0)
    assert_accessible(page)
    after = requests.get(
        server.url(f"{API}/credentials"),
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert after.status_code == 401


def _app_page(route: Route) -> None:
    route.fulfill(
        status=200,
        content_type="text/html",
        body="<!doctype html><html lang='en'><title>Portal</title><h1>Portal Pracy</h1></html>",
    )
