"""Password reset by email: a signed, expiring, single-use link; rate limited; no enumeration."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from flask import Flask
from itsdangerous.timed import TimestampSigner

from tests.conftest import TEST_PASSWORD
from tests.support.smtp import Inbox, running_inbox
from tests.support.web import FormClient
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.models import User

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with running_inbox() as inbox:
        yield inbox


@pytest.fixture
def client(settings: Settings, database: Database, inbox: Inbox) -> FormClient:
    app: Flask = create_app(
        replace(settings, smtp_url=f"smtp://127.0.0.1:{inbox.port}"), database=database
    )
    app.test_client_class = FormClient
    client: FormClient = app.test_client()  # type: ignore[assignment]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def ola(make_user: Callable[..., User]) -> User:
    return make_user(email="ola@example.org")


def ask_for_link(client: FormClient, email: str) -> tuple[int, str, str]:
    """Status, redirect and the page it leads to (CSRF tokens, signed each second, masked)."""
    response = client.submit("/password/forgot", {"email": email})
    page = client.get(response.headers.get("Location", "/login")).get_data(as_text=True)
    page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "csrf", page)
    page = re.sub(r'value="[^"]*"([^>]*)name="csrf_token"', "csrf", page)
    return response.status_code, response.headers.get("Location", ""), page


def path_of(link: str) -> str:
    return link.split("127.0.0.1:5000", 1)[1]


def can_log_in(client: FormClient, email: str, password: str) -> bool:
    response = client.submit("/login", {"email": email, "password": password})
    if response.status_code == 302:
        client.submit("/logout")
        return True
    return False


def test_reset_known_address_mails_a_link_that_sets_the_new_password(
    client: FormClient, inbox: Inbox, ola: User
) -> None:
    assert "/password/forgot" in client.get("/login").get_data(as_text=True)
    status, location, _page = ask_for_link(client, "  OLA@example.org ")
    assert (status, location) == (302, "/login")
    [mail] = inbox.messages
    assert mail["To"] == "ola@example.org"
    link = path_of(inbox.link(0, "/password/reset/"))
    assert client.get(link).status_code == 200
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert can_log_in(client, "ola@example.org", NEW_PASSWORD)
    assert not can_log_in(client, "ola@example.org", TEST_PASSWORD)


def test_reset_link_used_once_is_refused_the_second_time(
    client: FormClient, inbox: Inbox, ola: User
) -> None:
    ask_for_link(client, "ola@example.org")
    ask_for_link(client, "ola@example.org")
    first, second = (path_of(inbox.link(i, "/password/reset/")) for i in (0, 1))
    client.submit(first, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    for link in (first, second):
        again = client.submit(
            link, {"password": "yet another passphrase", "confirm": "yet another passphrase"}
        )
        assert again.status_code == 400
        assert "already been used" in again.get_data(as_text=True)
    assert can_log_in(client, "ola@example.org", NEW_PASSWORD)


def test_reset_unknown_address_answers_exactly_like_a_known_one_and_mails_nothing(
    client: FormClient, inbox: Inbox, ola: User
) -> None:
    known = ask_for_link(client, "ola@example.org")
    unknown = ask_for_link(client, "nobody@example.org")
    assert known == unknown
    assert "If an account uses this address" in known[2]
    assert [mail["To"] for mail in inbox.messages] == ["ola@example.org"]


def test_reset_link_older_than_an_hour_is_refused(
    client: FormClient, settings: Settings, ola: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_hours_ago = int(time.time()) - 2 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: two_hours_ago)
    from wallet.recovery import reset_token

    token = reset_token(settings.secret_key, ola)
    monkeypatch.undo()
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_reset_link_tampered_or_made_with_another_key_is_refused(
    client: FormClient, ola: User
) -> None:
    from wallet.recovery import reset_token

    forged = reset_token("another secret key that is long enough!!", ola)
    for token in (forged, forged[:-2] + "xx", "nonsense"):
        response = client.submit(
            f"/password/reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        )
        assert response.status_code == 400
    assert can_log_in(client, "ola@example.org", TEST_PASSWORD)


def test_reset_link_spent_by_a_password_change_on_the_account_page(
    client: FormClient, inbox: Inbox, ola: User
) -> None:
    ask_for_link(client, "ola@example.org")
    link = path_of(inbox.link(0, "/password/reset/"))
    client.submit("/login", {"email": "ola@example.org", "password": TEST_PASSWORD})
    changed = client.submit(
        "/account/password", {"current": TEST_PASSWORD, "new": "changed on the page"}
    )
    assert changed.status_code == 302
    client.submit("/logout")
    assert client.get(link).status_code == 400


def test_reset_requests_per_address_are_limited_the_same_for_unknown_addresses(
    client: FormClient, inbox: Inbox, ola: User
) -> None:
    for email in ("ola@example.org", "nobody@example.org"):
        statuses = [
            client.submit("/password/forgot", {"email": email}).status_code for _ in range(4)
        ]
        assert statuses == [302, 302, 302, 429]
    assert len(inbox.messages) == 3


def test_reset_new_password_too_short_is_refused_and_link_stays_valid(
    client: FormClient, inbox: Inbox, ola: User
) -> None:
    ask_for_link(client, "ola@example.org")
    link = path_of(inbox.link(0, "/password/reset/"))
    response = client.submit(link, {"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert client.get(link).status_code == 200
