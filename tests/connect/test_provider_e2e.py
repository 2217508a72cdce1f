"""Plecak's own Open Badges 3.0 client connects to a Plecak provider and imports verified badges.

Two instances: the provider on a real server (on each engine under test) holds the badges;
the client, on its own SQLite database, registers, sends the holder through consent there,
pages through the API and verifies every credential it receives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.connect.conftest import RecordingRunner, di_badge, jws_badge
from tests.support.databases import sqlite_database
from tests.support.ob3_provider import HolderBrowser, Provider
from tests.support.portfolio import loopback_context
from tests.support.web import FormClient
from wallet import create_app
from wallet.accounts import register_user
from wallet.config import Settings
from wallet.db import Database
from wallet.holder import credentials
from wallet.models import AppAccess, Connection, ConnectionState, Credential, User
from wallet.verification.report import Verdict

TITLES = ["Data Literacy", "Statistics", "Teamwork"]


@pytest.fixture
def holder(make_user: Callable[..., User], db_session: Session) -> User:
    user = make_user(email="ola@example.org", name="Ola")
    for title in TITLES[:2]:
        data = json.dumps(di_badge(title)).encode()
        credentials.import_bytes(db_session, user.id, data, f"{title}.json", loopback_context())
    jwt = jws_badge(TITLES[2]).encode()
    credentials.import_bytes(db_session, user.id, jwt, "teamwork.jwt", loopback_context())
    db_session.commit()
    return user


@pytest.fixture
def client_database(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    folder = tmp_path / "client-db"
    folder.mkdir()
    with sqlite_database(sqlite_template, folder) as database:
        yield database


@pytest.fixture
def client_app(settings: Settings, client_database: Database, tmp_path: Path) -> Flask:
    app = create_app(replace(settings, data_dir=tmp_path / "client"), database=client_database)
    app.test_client_class = FormClient
    return app


def test_plecak_client_imports_a_plecak_providers_badges_verified(
    provider: Provider,
    holder: User,
    client_app: Flask,
    client_database: Database,
    db_session: Session,
) -> None:
    runner = RecordingRunner(client_app)
    client_app.extensions["wallet_jobs"] = runner
    with client_database.sessions() as session:
        there = register_user(
            session, email="ola@example.net", password=TEST_PASSWORD, display_name="Ola"
        )
        session.commit()
        there_id = there.id
    client: FormClient = client_app.test_client()  # type: ignore[assignment]
    assert client.submit("/login", {"email": "ola@example.net", "password": TEST_PASSWORD})
    browser = HolderBrowser(provider)
    browser.log_in(holder.email)

    started = client.submit("/connect", {"address": provider.base_url})
    assert started.status_code == 302, started.get_data(as_text=True)
    assert started.headers["Location"].startswith(provider.url("/oauth/authorize?"))
    consented = browser.answer(started.headers["Location"], approve=True)
    assert consented.status_code == 302
    back = urlsplit(consented.headers["Location"])
    assert back.path == "/connect/callback"
    finished = client.get(f"{back.path}?{back.query}")

    assert finished.status_code == 302 and "/imports/" in finished.headers["Location"]
    assert runner.run() == 1
    with client_database.sessions() as session:
        received = list(session.scalars(select(Credential).where(Credential.user_id == there_id)))
        assert sorted(c.title for c in received) == TITLES
        assert {c.verdict for c in received} == {Verdict.VERIFIED}
        [connection] = session.scalars(select(Connection))
        assert connection.state is ConnectionState.ACTIVE and connection.name == "Plecak"
        assert connection.credential_count == 3
    db_session.expire_all()
    [read] = db_session.scalars(select(AppAccess))
    assert read.user_id == holder.id and read.item_count == 3

    again = client.submit(f"/connect/{connection.id}/sync")
    assert again.status_code == 302 and again.headers["Location"] == "/connect"  # nothing new


def test_plecak_client_told_when_the_holder_denies_at_a_plecak_provider(
    provider: Provider, holder: User, client_app: Flask, client_database: Database
) -> None:
    with client_database.sessions() as session:
        there = register_user(
            session, email="ola@example.net", password=TEST_PASSWORD, display_name="Ola"
        )
        there.language = "en"
        session.commit()
    client: FormClient = client_app.test_client()  # type: ignore[assignment]
    client.submit("/login", {"email": "ola@example.net", "password": TEST_PASSWORD})
    browser = HolderBrowser(provider)
    browser.log_in(holder.email)

    started = client.submit("/connect", {"address": provider.base_url})
    denied = browser.answer(started.headers["Location"], approve=False)
    back = urlsplit(denied.headers["Location"])
    page = client.get(f"{back.path}?{back.query}")

    assert page.status_code == 400
    assert "You did not allow Plecak to read your credentials" in page.get_data(as_text=True)
    with client_database.sessions() as session:
        assert list(session.scalars(select(Connection))) == []
