"""The backup, restore, export and DIDAuth pages, driven like a browser's forms."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.backup.portfolio import credential_count, whole_wallet
from tests.backup.signing import did_key_holder, presentation, sign_with_node
from tests.backup.state import account_state
from tests.conftest import TEST_PASSWORD
from tests.support.web import FormClient
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.models import User

PASSPHRASE = "zielony plecak na zimę"
OTHER_SECRET = "a-second-instance-with-another-secret-key-000000"


@pytest.fixture
def second_app(settings: Settings, database: Database, tmp_path: Path) -> Flask:
    """Another Plecak instance with its own secret key and data folder."""
    other = replace(settings, secret_key=OTHER_SECRET, data_dir=tmp_path / "second")
    app = create_app(other, database=database)
    app.test_client_class = FormClient
    return app


def logged_in(app: Flask, user: User) -> FormClient:
    client: FormClient = app.test_client()  # type: ignore[assignment]
    response = client.submit("/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return in_english(client)


def in_english(client: FormClient) -> FormClient:
    """The browser asks for English (no language is stored, so nothing is written)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def download_backup(client: FormClient) -> bytes:
    response = client.submit(
        "/account/backup/download", {"passphrase": PASSPHRASE, "confirm": PASSPHRASE}
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data()


def upload_backup(client: FormClient, data: bytes, passphrase: str = PASSPHRASE):  # type: ignore[no-untyped-def]
    return client.submit(
        "/account/backup/restore",
        {"backup": (io.BytesIO(data), "plecak-backup.plecak"), "backup_passphrase": passphrase},
        content_type="multipart/form-data",
    )


def test_pages_account_page_links_backup_and_didauth(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    login_as(make_user())
    in_english(client)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/backup"' in page and 'href="/account/did"' in page
    backup_page = client.get("/account/backup")
    assert backup_page.status_code == 200
    assert "Make an encrypted backup" in backup_page.get_data(as_text=True)


def test_pages_backup_restores_on_another_instance_into_a_new_account(
    app: Flask, second_app: Flask, db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, app.extensions["wallet"].settings.secret_key)
    before = account_state(db_session, old.id)
    data = download_backup(logged_in(app, old))
    new = make_user(email="ola.nowa@example.org")
    client = logged_in(second_app, new)
    response = upload_backup(client, data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Backup restored" in page
    assert credential_count(db_session, new.id) == credential_count(db_session, old.id)
    restored = account_state(db_session, new.id)
    # The original still holds its link's token hash and CV address; the copy got fresh ones.
    assert restored["credentials"] == before["credentials"]
    assert restored["holder_keys"] == before["holder_keys"]
    assert restored["tags"] == before["tags"] and restored["pathway_decisions"]


@pytest.mark.parametrize(
    ("damage", "passphrase", "text"),
    [
        (lambda d: d, "the wrong passphrase", "The passphrase is wrong"),
        (lambda d: d[: len(d) // 2], PASSPHRASE, "The backup file is incomplete"),
        (lambda d: d[:-40] + bytes([d[-40] ^ 1]) + d[-39:], PASSPHRASE, "damaged or has been"),
        (lambda d: b"not a backup", PASSPHRASE, "This is not a Plecak backup file"),
    ],
)
def test_pages_bad_backup_shows_the_reason_and_changes_nothing(
    app: Flask,
    db_session: Session,
    make_user: Callable[..., User],
    damage: Callable[[bytes], bytes],
    passphrase: str,
    text: str,
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, app.extensions["wallet"].settings.secret_key)
    data = damage(download_backup(logged_in(app, old)))
    new = make_user(email="ola.nowa@example.org")
    before = account_state(db_session, new.id)
    response = upload_backup(logged_in(app, new), data, passphrase)
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    assert account_state(db_session, new.id) == before


def test_pages_backup_with_differing_passphrases_is_refused(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    login_as(make_user())
    in_english(client)
    response = client.submit(
        "/account/backup/download", {"passphrase": PASSPHRASE, "confirm": PASSPHRASE + "!"}
    )
    assert response.status_code == 400
    assert "The passphrases differ." in response.get_data(as_text=True)


def test_pages_export_downloads_a_zip_of_the_holders_own_data(
    app: Flask, db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ola@example.org")
    whole_wallet(db_session, user, app.extensions["wallet"].settings.secret_key)
    response = logged_in(app, user).submit("/account/backup/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert "plecak-export.json" in archive.namelist()
    assert len([n for n in archive.namelist() if n.startswith("credentials/")]) == 5


def test_pages_didauth_confirms_a_did_from_a_pasted_presentation(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    tmp_path: Path,
) -> None:
    login_as(make_user())
    in_english(client)
    page = client.get("/account/did").get_data(as_text=True)
    challenge = re.search(r'id="didauth-challenge">([^<]+)<', page)
    domain = re.search(r'id="didauth-domain">([^<]+)<', page)
    assert challenge and domain and domain.group(1) == "http://127.0.0.1:5000"
    did = did_key_holder()
    signed = sign_with_node(
        presentation(did.did), did.key, did.method, challenge.group(1), domain.group(1), tmp_path
    )
    form = {"challenge": challenge.group(1), "presentation": signed}
    response = client.submit("/account/did", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    account = client.get("/account").get_data(as_text=True)
    assert did.did in account and f"{did.did} is confirmed." in account
    again = client.submit("/account/did", form)
    assert again.status_code == 400
    assert "already been answered" in again.get_data(as_text=True)


def test_pages_didauth_wrong_domain_is_explained(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    tmp_path: Path,
) -> None:
    login_as(make_user())
    in_english(client)
    page = client.get("/account/did").get_data(as_text=True)
    challenge = re.search(r'id="didauth-challenge">([^<]+)<', page)
    assert challenge
    did = did_key_holder()
    signed = sign_with_node(
        presentation(did.did),
        did.key,
        did.method,
        challenge.group(1),
        "https://evil.test",
        tmp_path,
    )
    response = client.submit(
        "/account/did",
        {
            "challenge": challenge.group(1),
            "presentation_file": (io.BytesIO(signed.encode()), "vp.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "another domain" in response.get_data(as_text=True)
