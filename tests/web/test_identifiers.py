"""Holder identifiers: email confirmation through a real SMTP server, and the mail folder."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.web import FormClient
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.identifiers import recipient_claims
from wallet.models import HolderIdentifier, User


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def smtp_app(settings: Settings, database: Database, inbox: tuple[Inbox, int]) -> Flask:
    app = create_app(replace(settings, smtp_url=f"smtp://127.0.0.1:{inbox[1]}"), database=database)
    app.test_client_class = FormClient
    return app


def _link(message: Message) -> str:
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    match = re.search(r"http://\S+/account/confirm/\S+", body)
    assert match, body
    return match.group(0)


def test_email_identifier_is_confirmed_by_the_mailed_link(
    smtp_app: Flask, inbox: tuple[Inbox, int], make_user: Callable[..., User], db_session: Session
) -> None:
    client: FormClient = smtp_app.test_client()  # type: ignore[assignment]
    user = make_user()
    client.submit("/login", {"email": user.email, "password": "correct horse battery"})
    response = client.submit(
        "/account/identifiers", {"kind": "email", "value": "Ola@School.example"}
    )
    assert response.status_code == 302
    [message] = inbox[0].messages
    assert message["To"] == "ola@school.example"
    path = _link(message).split("127.0.0.1:5000", 1)[1]
    assert client.get(path).status_code == 302
    identifier = db_session.scalar(select(HolderIdentifier))
    assert identifier is not None and identifier.confirmed_at is not None


def test_confirmation_link_of_another_account_is_refused(
    smtp_app: Flask, inbox: tuple[Inbox, int], make_user: Callable[..., User], db_session: Session
) -> None:
    owner = make_user()
    intruder = make_user(email="intruder@example.org")
    client: FormClient = smtp_app.test_client()  # type: ignore[assignment]
    client.submit("/login", {"email": owner.email, "password": "correct horse battery"})
    client.submit("/account/identifiers", {"kind": "email", "value": "ola@school.example"})
    path = _link(inbox[0].messages[0]).split("127.0.0.1:5000", 1)[1]
    other: FormClient = smtp_app.test_client()  # type: ignore[assignment]
    other.submit("/login", {"email": intruder.email, "password": "correct horse battery"})
    assert other.get(path).status_code == 404
    assert db_session.scalar(select(HolderIdentifier.confirmed_at)) is None


def test_tampered_confirmation_token_is_refused(
    smtp_app: Flask, inbox: tuple[Inbox, int], make_user: Callable[..., User], db_session: Session
) -> None:
    client: FormClient = smtp_app.test_client()  # type: ignore[assignment]
    client.submit("/login", {"email": make_user().email, "password": "correct horse battery"})
    client.submit("/account/identifiers", {"kind": "email", "value": "ola@school.example"})
    path = _link(inbox[0].messages[0]).split("127.0.0.1:5000", 1)[1]
    assert client.get(path[:-3] + "AAA").status_code == 400
    assert db_session.scalar(select(HolderIdentifier.confirmed_at)) is None


def test_without_smtp_mail_is_written_to_the_mail_folder(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    settings: Settings,
) -> None:
    login_as(make_user())
    client.submit("/account/identifiers", {"kind": "email", "value": "ola@school.example"})
    [mail] = list(settings.mail_dir.glob("*.eml"))
    assert "/account/confirm/" in mail.read_text()


def test_invalid_identifier_is_refused_with_a_reason(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    login_as(make_user())
    response = client.submit("/account/identifiers", {"kind": "did", "value": "not a did"})
    assert response.status_code == 400
    assert "did:key" in response.get_data(as_text=True)
    assert db_session.scalar(select(HolderIdentifier)) is None


def test_registration_mails_a_link_that_confirms_the_registration_address(
    smtp_app: Flask, inbox: tuple[Inbox, int], db_session: Session
) -> None:
    client: FormClient = smtp_app.test_client()  # type: ignore[assignment]
    form = {
        "email": "Nowa@Example.org",
        "display_name": "Nowa",
        "password": "correct horse battery",
        "confirm": "correct horse battery",
    }
    assert client.submit("/register", form).status_code == 302
    [message] = inbox[0].messages
    assert message["To"] == "nowa@example.org"
    user = db_session.scalar(select(User).where(User.email == "nowa@example.org"))
    assert user is not None
    assert recipient_claims(db_session, user.id).unconfirmed == {"nowa@example.org"}
    path = _link(message).split("127.0.0.1:5000", 1)[1]
    assert client.get(path).status_code == 302
    db_session.commit()
    assert recipient_claims(db_session, user.id).confirmed == {"nowa@example.org"}


def test_registration_with_mail_server_down_still_creates_the_account(
    settings: Settings, database: Database, db_session: Session
) -> None:
    app = create_app(
        replace(settings, smtp_url=f"smtp://127.0.0.1:{_free_port()}"), database=database
    )
    app.test_client_class = FormClient
    client: FormClient = app.test_client()  # type: ignore[assignment]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    form = {
        "email": "nowa@example.org",
        "display_name": "Nowa",
        "password": "correct horse battery",
        "confirm": "correct horse battery",
    }
    response = client.submit("/register", form, follow_redirects=True)
    assert response.status_code == 200
    assert "send it again from your account" in response.get_data(as_text=True)
    assert db_session.scalar(select(HolderIdentifier.value)) == "nowa@example.org"
