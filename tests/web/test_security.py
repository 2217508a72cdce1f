"""Hardening seen from outside: sessions, ids, image policy, proxies, passwords, addresses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.support.portfolio import add_credential
from tests.support.web import FormClient
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.models import User

Login = Callable[[User], None]
HUGE = "99999999999999999999"


def new_client(app: Flask) -> FormClient:
    client: FormClient = app.test_client()  # type: ignore[assignment]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def register(client: FormClient, email: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.submit(
        "/register",
        {
            "display_name": email.split("@")[0],
            "email": email,
            "password": password,
            "confirm": password,
        },
    )


def session_cookie(client: FormClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def logged_in(app: Flask, cookie: str) -> bool:
    """Whether a browser holding only ``cookie`` reaches the account page."""
    other = new_client(app)
    other.set_cookie("session", cookie)
    return other.get("/account").status_code == 200


# 1. A kept cookie never names another account.


def test_session_of_deleted_account_does_not_open_the_next_account(app: Flask) -> None:
    first = new_client(app)
    assert register(first, "first@example.org").status_code == 302
    kept = session_cookie(first)
    response = first.submit("/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert register(new_client(app), "second@example.org").status_code == 302
    intruder = new_client(app)
    intruder.set_cookie("session", kept)
    response = intruder.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "second@example.org" not in intruder.get("/", follow_redirects=True).get_data(
        as_text=True
    )


def test_user_id_of_deleted_account_is_never_reused(
    make_user: Callable[..., User], db_session: Session
) -> None:
    first = make_user(email="first@example.org")
    first_id = first.id
    db_session.delete(first)
    db_session.commit()
    second = make_user(email="second@example.org")
    assert second.id != first_id


def test_session_identifier_is_random_and_not_the_row_id(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    other = make_user(email="other@example.org")
    assert user.get_id() != str(user.id) and len(user.get_id()) >= 32
    assert user.get_id() != other.get_id()


# 2. Logout, password change and "end all sessions" end sessions.


def test_logout_ends_the_session_for_a_copied_cookie(
    app: Flask, client: FormClient, make_user: Callable[..., User], login_as: Login
) -> None:
    login_as(make_user())
    copied = session_cookie(client)
    assert logged_in(app, copied)
    assert client.submit("/logout").status_code == 302
    assert not logged_in(app, copied)


def test_password_change_ends_other_sessions_and_keeps_this_one(
    app: Flask, client: FormClient, make_user: Callable[..., User], login_as: Login
) -> None:
    user = make_user()
    login_as(user)
    elsewhere = new_client(app)
    elsewhere.submit("/login", {"email": user.email, "password": TEST_PASSWORD})
    other_cookie = session_cookie(elsewhere)
    assert logged_in(app, other_cookie)
    response = client.submit(
        "/account/password", {"current": TEST_PASSWORD, "new": "a much newer passphrase"}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert not logged_in(app, other_cookie)


def test_end_all_sessions_logs_out_everywhere(
    app: Flask, client: FormClient, make_user: Callable[..., User], login_as: Login
) -> None:
    user = make_user()
    login_as(user)
    elsewhere = new_client(app)
    elsewhere.submit("/login", {"email": user.email, "password": TEST_PASSWORD})
    other_cookie = session_cookie(elsewhere)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "End all sessions" in client.get("/account").get_data(as_text=True)
    response = client.submit("/account/sessions/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/account").status_code == 302
    assert not logged_in(app, other_cookie)


def test_end_all_sessions_without_csrf_token_is_refused(
    client: FormClient, make_user: Callable[..., User], login_as: Login
) -> None:
    login_as(make_user())
    assert client.post("/account/sessions/end").status_code == 400
    assert client.get("/account").status_code == 200


# 5. The user sees that an address is refused, not how the server resolves it.


def test_url_import_of_refused_address_says_not_allowed_in_polish(
    client: FormClient, make_user: Callable[..., User], login_as: Login
) -> None:
    login_as(make_user())
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    response = client.submit("/imports/url", {"url": "http://10.20.30.40/badge.json"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ten adres jest niedozwolony" in html
    assert "10.20.30.40 " not in html.replace("10.20.30.40/badge", "")
    assert "private" not in html


# 6. A badge image opened on its own can neither post a form nor be framed.


def test_image_policy_forbids_forms_framing_and_runs_sandboxed(
    client: FormClient, make_user: Callable[..., User], login_as: Login, db_session: Session
) -> None:
    owner = make_user()
    login_as(owner)
    credential_id = add_credential(db_session, owner.id)
    response = client.get(f"/credentials/{credential_id}/image")
    assert response.status_code == 200
    directives = {
        part.strip().split(" ", 1)[0]: part.strip()
        for part in response.headers["Content-Security-Policy"].split(";")
    }
    assert directives["form-action"] == "form-action 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["sandbox"] == "sandbox"
    assert directives["default-src"] == "default-src 'none'"


# 7. Numbers too large for any row are simply not found.


@pytest.mark.parametrize(
    "url",
    [
        f"/credentials/{HUGE}",
        f"/credentials/{HUGE}/image",
        f"/credentials/{HUGE}/original",
        f"/imports/{HUGE}",
        f"/imports/{HUGE}.json",
        f"/credentials/collections/{HUGE}",
        f"/credentials?tag={HUGE}",
        f"/credentials?collection={HUGE}",
        "/credentials/2147483648",
    ],
)
def test_huge_numeric_id_is_not_found(
    client: FormClient, make_user: Callable[..., User], login_as: Login, url: str
) -> None:
    login_as(make_user())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/credentials/{id}/tags/" + HUGE + "/remove",
        "/credentials/{id}/collections/" + HUGE + "/remove",
        "/notices/" + HUGE + "/read",
        "/account/identifiers/" + HUGE + "/delete",
    ],
)
def test_huge_numeric_id_in_a_form_post_is_not_found(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Login,
    db_session: Session,
    path: str,
) -> None:
    owner = make_user()
    login_as(owner)
    credential_id = add_credential(db_session, owner.id)
    assert client.submit(path.format(id=credential_id)).status_code == 404


# 8. Behind trusted proxies each client has its own rate-limit bucket.


def proxied_app(settings: Settings, database: Database, proxies: int) -> Flask:
    app = create_app(
        replace(settings, login_rate_limit="2 per minute", trusted_proxies=proxies),
        database=database,
    )
    app.test_client_class = FormClient
    return app


def login_statuses(app: Flask, forwarded_for: list[str]) -> list[int]:
    client = new_client(app)
    return [
        client.submit(
            "/login",
            {"email": "nobody@example.org", "password": "wrong password"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for address in forwarded_for
    ]


def test_trusted_proxy_gives_each_forwarded_client_its_own_bucket(
    settings: Settings, database: Database
) -> None:
    app = proxied_app(settings, database, proxies=1)
    statuses = login_statuses(app, ["203.0.113.7", "203.0.113.7", "198.51.100.9", "203.0.113.7"])
    assert statuses == [401, 401, 401, 429]


def test_without_trusted_proxy_forwarded_header_is_ignored(
    settings: Settings, database: Database
) -> None:
    app = proxied_app(settings, database, proxies=0)
    statuses = login_statuses(app, ["203.0.113.7", "198.51.100.9", "192.0.2.1"])
    assert statuses == [401, 401, 429]


def test_trusted_proxies_setting_is_read_and_validated() -> None:
    from wallet.config import load_settings
    from wallet.errors import ConfigurationError

    base = {"WALLET_TESTING": "1", "WALLET_DATA_DIR": "/tmp/unused-wallet"}
    assert load_settings(base).trusted_proxies == 0
    assert load_settings({**base, "WALLET_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    with pytest.raises(ConfigurationError):
        load_settings({**base, "WALLET_TRUSTED_PROXIES": "-1"})


# 9. Common passwords are refused however long they are.


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1q2w3e4r5t", "Iloveyou12"])
def test_register_common_password_is_refused(
    client: FormClient, db_session: Session, password: str
) -> None:
    response = register(client, "jan@example.org", password=password)
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True) or "zbyt popularne" in (
        response.get_data(as_text=True)
    )
    assert db_session.query(User).count() == 0


def test_change_to_common_password_is_refused(
    client: FormClient, make_user: Callable[..., User], login_as: Login
) -> None:
    login_as(make_user())
    response = client.submit("/account/password", {"current": TEST_PASSWORD, "new": "1234567890"})
    assert response.status_code == 400
