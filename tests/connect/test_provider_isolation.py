"""Two holders and one app: each token reads only its own holder's data, and only holders act."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.connect.conftest import di_badge
from tests.support.ob3_provider import (
    API,
    APP_REDIRECT,
    CREDENTIALS_SCOPE,
    PROFILE_SCOPE,
    HolderBrowser,
    Provider,
    register_app,
)
from tests.support.portfolio import loopback_context
from tests.support.web import csrf_token_from
from wallet.holder import credentials
from wallet.models import AppGrant, Credential, User


def holder_with(make_user: Callable[..., User], session: Session, email: str, title: str) -> User:
    user = make_user(email=email, name=email.split("@")[0])
    data = json.dumps(di_badge(title)).encode()
    credentials.import_bytes(session, user.id, data, f"{title}.json", loopback_context())
    session.commit()
    return user


@pytest.fixture
def anna(make_user: Callable[..., User], db_session: Session) -> User:
    return holder_with(make_user, db_session, "anna@example.org", "Anna's Badge")


@pytest.fixture
def bartek(make_user: Callable[..., User], db_session: Session) -> User:
    return holder_with(make_user, db_session, "bartek@example.org", "Bartek's Badge")


def session_for(provider: Provider, registration: dict[str, object]) -> OAuth2Session:
    return OAuth2Session(
        client_id=registration["client_id"],
        client_secret=registration["client_secret"],
        scope=f"{CREDENTIALS_SCOPE} {PROFILE_SCOPE}",
        redirect_uri=APP_REDIRECT,
        code_challenge_method="S256",
    )


def consent(provider: Provider, holder: User, registration: dict[str, object]) -> OAuth2Session:
    browser = HolderBrowser(provider)
    browser.log_in(holder.email)
    client = session_for(provider, registration)
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=verifier
    )
    callback = browser.answer(url, approve=True).headers["Location"]
    client.fetch_token(
        provider.url("/oauth/token"), authorization_response=callback, code_verifier=verifier
    )
    return client


def titles(client: OAuth2Session, provider: Provider) -> list[str]:
    body = client.get(provider.url(f"{API}/credentials"), timeout=10).json()
    return [c["name"] for c in body["credential"]]


def test_provider_each_holders_token_reads_only_that_holders_data(
    provider: Provider, anna: User, bartek: User
) -> None:
    registration = register_app(provider)
    as_anna = consent(provider, anna, registration)
    as_bartek = consent(provider, bartek, registration)

    assert titles(as_anna, provider) == ["Anna's Badge"]
    assert titles(as_bartek, provider) == ["Bartek's Badge"]
    assert as_anna.get(provider.url(f"{API}/profile"), timeout=10).json()["email"] == anna.email
    profile_b = as_bartek.get(provider.url(f"{API}/profile"), timeout=10).json()
    assert profile_b["email"] == bartek.email
    profile_a = as_anna.get(provider.url(f"{API}/profile"), timeout=10).json()
    assert profile_a["id"] != profile_b["id"]


def test_provider_holder_cannot_share_another_holders_credential(
    provider: Provider, anna: User, bartek: User, db_session: Session
) -> None:
    annas = db_session.scalar(select(Credential).where(Credential.user_id == anna.id))
    assert annas is not None
    browser = HolderBrowser(provider)
    browser.log_in(bartek.email)
    client = session_for(provider, register_app(provider))
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    answer = browser.answer(url, approve=True, credentials=[annas.id])

    assert answer.status_code == 400 and "Location" not in answer.headers
    db_session.expire_all()
    assert list(db_session.scalars(select(AppGrant))) == []


def test_provider_another_holder_cannot_see_or_revoke_an_apps_access(
    provider: Provider, anna: User, bartek: User, db_session: Session
) -> None:
    as_anna = consent(provider, anna, register_app(provider))
    [grant] = db_session.scalars(select(AppGrant))
    intruder = HolderBrowser(provider)
    intruder.log_in(bartek.email)

    assert "Portal Pracy" not in intruder.open(provider.url("/apps")).text
    assert intruder.open(provider.url(f"/apps/{grant.id}")).status_code == 404
    page = intruder.open(provider.url("/apps"))
    refused = intruder.http.post(
        provider.url(f"/apps/{grant.id}/revoke"),
        data={"csrf_token": csrf_token_from(page.text)},
        allow_redirects=False,
        timeout=10,
    )

    assert refused.status_code == 404
    assert titles(as_anna, provider) == ["Anna's Badge"]  # Anna's app still reads
    db_session.expire_all()
    assert db_session.get(AppGrant, grant.id).revoked_at is None  # type: ignore[union-attr]
