"""What a holder reads when an import fails: plain words in their language, details in the log."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import make_png
from tests.support.web import FormClient
from wallet.models import User

DEVELOPER_WORDS = ("Errno", "Name or service", "openbadges chunk", "HTTP status", "getaddrinfo")


@pytest.fixture
def ania(
    make_user: Callable[..., User], login_as: Callable[[User], None], db_session: Session
) -> User:
    user = make_user(email="ania@example.org")
    user.language = "pl"
    db_session.commit()
    login_as(user)
    return user


def _assert_plain(page: str) -> None:
    for words in DEVELOPER_WORDS:
        assert words not in page


def test_url_import_unknown_host_polish_ui_shows_plain_polish_message(
    client: FormClient,
    ania: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def no_such_host(*_args: Any, **_kwargs: Any) -> Any:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with caplog.at_level(logging.INFO, logger="wallet.routes.imports"):
        response = client.submit("/imports/url", {"url": "https://badges.nowhere.example/b/1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Pod tym adresem nie znaleziono serwera." in page
    _assert_plain(page)
    # The summary is the alert that takes focus: it says what is wrong in the holder's words.
    assert 'role="alert" tabindex="-1" data-error-summary' in page
    assert "Name or service not known" in caplog.text


def test_url_import_missing_document_polish_ui_shows_plain_polish_message(
    client: FormClient, ania: User, http_server: LocalServer
) -> None:
    response = client.submit("/imports/url", {"url": http_server.url("/missing")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Serwer odpowiada, że pod tym adresem nic nie ma." in page
    _assert_plain(page)


def test_url_import_loopback_refused_english_ui_names_no_address(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    user = make_user(email="eve@example.org")
    login_as(user)
    client.submit("/language", {"language": "en", "next": "/imports"})
    # Loopback is allowed for test issuers; a link-local address is refused on every setup.
    response = client.submit("/imports/url", {"url": "http://169.254.10.1/badge"})
    page = response.get_data(as_text=True)
    assert "Plecak fetches only from public web addresses" in page
    assert "169.254.10.1 " not in page.replace('value="http://169.254.10.1/badge"', "")


def test_upload_png_without_badge_polish_ui_shows_plain_polish_message(
    client: FormClient, ania: User, caplog: pytest.LogCaptureFixture
) -> None:
    data = {"files": [(io.BytesIO(make_png()), "zdjecie.png")]}
    with caplog.at_level(logging.INFO, logger="wallet.holder.credentials"):
        response = client.submit("/imports/files", data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "W tym obrazie nie ma poświadczenia." in page
    _assert_plain(page)
    [item] = client.get(response.headers["Location"] + ".json").get_json()["items"]
    assert item["outcome"] == "failed"
    assert "openbadges chunk" in caplog.text
