"""Fixtures for connecting: a live Open Badges 3.0 API issuer, a live provider, a job runner."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import TEST_PASSWORD
from tests.support.archives import signed_badge
from tests.support.jose_issuer import did_jwk, new_key, sign_compact
from tests.support.ob3_api_issuer import OB3Issuer, running_issuer
from tests.support.ob3_provider import Provider, running_provider
from tests.support.web import FormClient
from wallet.accounts import register_user
from wallet.config import Settings
from wallet.db import Database
from wallet.holder import import_jobs
from wallet.holder.job_runner import job_context
from wallet.models import User


class RecordingRunner:
    """Stands in for the worker thread: counts wakes and runs jobs only when told to."""

    def __init__(self, app: Flask) -> None:
        self.services = app.extensions["wallet"]
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1

    def run(self) -> int:
        return import_jobs.run_pending_jobs(
            self.services.database.sessions, job_context(self.services)
        )


@pytest.fixture
def runner(app: Flask) -> RecordingRunner:
    runner = RecordingRunner(app)
    app.extensions["wallet_jobs"] = runner
    return runner


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[OB3Issuer]:
    """A live issuer on 127.0.0.1 (plain HTTP, which Authlib allows only when told to)."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    with running_issuer() as running:
        yield running


@pytest.fixture
def provider(settings: Settings, database: Database) -> Iterator[Provider]:
    """This Plecak serving the Open Badges 3.0 API on 127.0.0.1, on the database under test."""
    with running_provider(settings, database) as running:
        yield running


@pytest.fixture
def make_user(db_session: Session) -> Callable[..., User]:
    """Users who read English, so that tests can match the pages' words."""

    def make(email: str = "ola@example.org", name: str = "Ola") -> User:
        user = register_user(db_session, email=email, password=TEST_PASSWORD, display_name=name)
        user.language = "en"
        db_session.commit()
        return user

    return make


@pytest.fixture
def ola(make_user: Callable[..., User], login_as: Callable[[User], None]) -> User:
    user = make_user()
    login_as(user)
    return user


def jws_badge(title: str) -> str:
    """A VC-JWT Open Badge signed by a fresh did:jwk issuer."""
    key = new_key()
    issuer = did_jwk(key)
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:4c1f0a8e-6a57-4b8e-9b7c-2f6f6f0d2a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Akademia Testowa"},
        "validFrom": "2025-01-01T12:00:00Z",
        "name": title,
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {"id": "urn:uuid:a1", "type": ["Achievement"], "name": title},
        },
    }
    return sign_compact({"typ": "vc+jwt", "kid": issuer + "#0"}, credential, key)


def di_badge(title: str) -> dict[str, object]:
    """A Data Integrity (eddsa-rdfc-2022) Open Badge by a fresh did:key issuer."""
    return dict(json.loads(signed_badge(title)))


def follow_consent(authorization_url: str) -> str:
    """What the holder's browser does at the issuer: returns where it is sent back to."""
    parts = urlsplit(authorization_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        response.read()
        assert response.status == 302, response.status
        return response.getheader("Location") or ""
    finally:
        connection.close()


def connect(client: FormClient, issuer: OB3Issuer, address: str | None = None) -> TestResponse:
    """Enter the issuer's address, consent (or not) at the issuer, and come back to Plecak."""
    started = client.submit("/connect", {"address": address or issuer.base_url})
    assert started.status_code == 302, started.get_data(as_text=True)
    back = urlsplit(follow_consent(started.headers["Location"]))
    assert back.path == "/connect/callback"
    return client.get(f"{back.path}?{back.query}")


@pytest.fixture
def app_client_factory(app: Flask) -> Callable[[], FormClient]:
    """Separate browsers (cookie jars) on the same app."""
    return lambda: app.test_client()  # type: ignore[return-value]
