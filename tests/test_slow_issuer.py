"""A slow issuer holds only its own import: other users' writes go on meanwhile (SQLite)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.support.databases import sqlite_database
from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.status_lists import bitstring_entry
from tests.support.trickle import TricklingServer, trickling_server
from tests.support.web import FormClient
from wallet import create_app
from wallet.accounts import register_user
from wallet.config import Settings
from wallet.db import Database
from wallet.fetching import SafeFetcher
from wallet.holder import import_jobs
from wallet.holder.import_jobs import UploadPart
from wallet.models import Credential, HolderIdentifier, ImportItem, ItemOutcome, User
from wallet.models.base import utcnow
from wallet.routes import imports
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import JCS

FETCH_SECONDS = 4.0


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    with sqlite_database(sqlite_template, tmp_path) as database:
        yield database


@pytest.fixture
def slow_issuer() -> Iterator[TricklingServer]:
    with trickling_server(interval=0.5) as server:
        yield server


def credential_with_slow_status(server: TricklingServer) -> bytes:
    issuer = TestIssuer.generate()
    document = achievement_credential(
        issuer.did, credentialStatus=bitstring_entry(server.url("/status/1"), 7)
    )
    return json.dumps(issuer.sign(document, JCS)).encode()


def credential_without_status() -> bytes:
    issuer = TestIssuer.generate()
    return json.dumps(issuer.sign(achievement_credential(issuer.did), JCS)).encode()


def slow_context(_session: Session, _user_id: int) -> VerificationContext:
    fetcher = SafeFetcher(allow_loopback=True, timeout=FETCH_SECONDS)
    return VerificationContext(
        fetcher=fetcher, at=utcnow(), recipients=frozenset(), web_scheme="http"
    )


def test_import_waiting_on_slow_status_list_blocks_no_other_user(
    settings: Settings, sqlite_db: Database, slow_issuer: TricklingServer
) -> None:
    app: Flask = create_app(settings, database=sqlite_db)
    app.test_client_class = FormClient
    with sqlite_db.sessions() as session:
        holder = register_user(
            session, email="holder@example.org", password=TEST_PASSWORD, display_name="H"
        )
        job = import_jobs.create_job(
            session, holder.id, [UploadPart("slow.json", credential_with_slow_status(slow_issuer))]
        )
        session.commit()
        job_id = job.id
    worker = threading.Thread(
        target=import_jobs.run_job, args=(sqlite_db.sessions, job_id, slow_context), daemon=True
    )
    worker.start()
    assert slow_issuer.requested.wait(10), "the import never asked for the status list"

    client: FormClient = app.test_client()  # type: ignore[assignment]
    started = time.monotonic()
    registered = client.submit(
        "/register",
        {
            "display_name": "Other",
            "email": "other@example.org",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
        },
    )
    saved = client.submit("/account/identifiers", {"kind": "url", "value": "https://other.example"})
    imported = client.submit("/imports/text", {"text": credential_without_status().decode()})
    elapsed = time.monotonic() - started
    still_waiting = worker.is_alive()
    worker.join(FETCH_SECONDS + 5)

    statuses = (registered.status_code, saved.status_code, imported.status_code)
    assert statuses == (302, 302, 302)
    assert still_waiting and elapsed < 2.0, f"other writes took {elapsed:.1f} s"
    with sqlite_db.sessions() as session:
        assert session.scalar(select(User.id).where(User.email == "other@example.org"))
        assert "https://other.example" in session.scalars(select(HolderIdentifier.value)).all()
        other_items = select(ImportItem.outcome).where(ImportItem.job_id != job_id)
        assert session.scalars(other_items).all() == [ItemOutcome.IMPORTED]
        item = session.scalars(select(ImportItem).where(ImportItem.job_id == job_id)).one()
        assert item.outcome is ItemOutcome.IMPORTED
        stored = session.get(Credential, item.credential_id)
        assert stored is not None and stored.verdict.value != "verified"


def test_single_upload_waiting_on_slow_issuer_returns_within_the_budget(
    settings: Settings,
    sqlite_db: Database,
    slow_issuer: TricklingServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imports, "REQUEST_FETCH_SECONDS", 2.0)
    app: Flask = create_app(settings, database=sqlite_db)
    app.test_client_class = FormClient
    client: FormClient = app.test_client()  # type: ignore[assignment]
    client.submit(
        "/register",
        {
            "display_name": "H",
            "email": "holder@example.org",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
        },
    )
    started = time.monotonic()
    response = client.submit(
        "/imports/text", {"text": credential_with_slow_status(slow_issuer).decode()}
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert 1.9 <= elapsed < 3.5, elapsed
    with sqlite_db.sessions() as session:
        assert session.scalar(select(Credential.verdict)) is not None
