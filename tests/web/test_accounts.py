"""Account flows through the test client, on every database engine."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.support.web import FormClient
from wallet.models import HolderIdentifier, User


def register(client: FormClient, email: str = "jan@example.org", password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.submit(
        "/register",
        {"display_name": "Jan", "email": email, "password": password, "confirm": password},
    )


def test_register_new_email_logs_in(client: FormClient, db_session: Session) -> None:
    response = register(client)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Jan" in page
    assert db_session.scalar(select(User.email)) == "jan@example.org"


def test_register_duplicate_email_is_refused(
    client: FormClient, make_user: Callable[..., User]
) -> None:
    make_user(email="jan@example.org")
    response = register(client, email="JAN@example.org")
    assert response.status_code == 400
    assert "already exists" in response.get_data(
        as_text=True
    ) or "już istnieje" in response.get_data(as_text=True)


def test_register_short_password_is_refused(client: FormClient, db_session: Session) -> None:
    response = register(client, password="short")
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def test_login_wrong_password_is_refused(
    client: FormClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    response = client.submit("/login", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_login_then_logout_ends_the_session(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    user = make_user()
    login_as(user)
    assert client.get("/").status_code == 200
    assert client.submit("/logout").status_code == 302
    assert client.get("/").headers["Location"].endswith("/login")


def test_login_next_outside_the_site_is_ignored(
    client: FormClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    response = client.submit(
        "/login", {"email": user.email, "password": TEST_PASSWORD, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_post_without_csrf_token_is_refused(
    client: FormClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400


def test_change_password_requires_the_current_one(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    login_as(make_user())
    wrong = client.submit(
        "/account/password", {"current": "nope nope nope", "new": "another password"}
    )
    assert wrong.status_code == 400
    right = client.submit(
        "/account/password", {"current": TEST_PASSWORD, "new": "another password"}
    )
    assert right.status_code == 302
    client.submit("/logout")
    again = client.submit("/login", {"email": "ola@example.org", "password": "another password"})
    assert again.status_code == 302


def test_delete_account_removes_every_row_and_file(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
    app,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user()
    other = make_user(email="other@example.org")
    login_as(user)
    client.submit("/account/identifiers", {"kind": "url", "value": "https://ola.example.org"})
    files = app.extensions["wallet"].settings.files_dir / str(user.id)
    files.mkdir(parents=True)
    (files / "badge.png").write_bytes(b"\x89PNG")
    response = client.submit("/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.scalars(select(User.email)).all() == [other.email]
    assert db_session.scalar(select(func.count()).select_from(HolderIdentifier)) == 0
    assert not files.exists()


def test_delete_account_with_wrong_password_keeps_everything(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    login_as(make_user())
    response = client.submit("/account/delete", {"password": "not my password"})
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(User)) == 1
