"""Signed PDF certificates in the holder's pages: import, separate checks, preview and pairing."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support import pdfs
from tests.support.archives import signed_badge
from tests.support.jose_issuer import CertifiedKey, make_ca
from tests.support.portfolio import loopback_context
from tests.support.web import FormClient
from wallet.config import Settings
from wallet.envelope import CredentialFormat
from wallet.holder import credentials
from wallet.models import Credential, DocumentLink, User

Login = Callable[[User], None]


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca("Krajowe Centrum Testowe", at=datetime.now(UTC))


@pytest.fixture(scope="module")
def signed_certificate(ca: CertifiedKey) -> bytes:
    with_badge = pdfs.attach(pdfs.certificate_pdf(), "odznaka.json", signed_badge("Python"))
    return pdfs.sign(with_badge, pdfs.make_signer(ca), (ca,))


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, ca: CertifiedKey) -> Settings:
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    (anchors / "root.der").write_bytes(ca.der)
    return dataclasses.replace(settings, trust_anchors_dir=anchors)


@pytest.fixture
def owner(make_user: Callable[..., User], login_as: Login, client: FormClient) -> User:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = make_user()
    login_as(user)
    return user


def upload(client: FormClient, body: bytes, name: str = "certyfikat.pdf") -> str:
    data = {"files": [(io.BytesIO(body), name)]}
    response = client.submit("/imports/files", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def stored(session: Session) -> list[Credential]:
    session.commit()
    session.expire_all()
    return list(session.scalars(select(Credential).order_by(Credential.id)))


def page(client: FormClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_upload_signed_pdf_shows_separate_checks_and_imports_its_badge(
    client: FormClient, owner: User, db_session: Session, signed_certificate: bytes
) -> None:
    upload(client, signed_certificate)
    document, badge = stored(db_session)
    assert document.format is CredentialFormat.PDF_DOCUMENT
    assert document.raw == signed_certificate
    assert badge.format is CredentialFormat.VC_DATA_INTEGRITY
    assert badge.container_id == document.id
    html = page(client, f"/credentials/{document.id}")
    assert "Stated in the document" in html and "Anna Nowak" in html
    assert "Signature intact" in html
    assert "Signed by Dział Certyfikatów (PL)" in html
    assert "Signer trusted" in html
    assert f'href="/credentials/{badge.id}"' in html
    assert "Comes with the document" in page(client, f"/credentials/{badge.id}")


def test_upload_pdf_altered_after_signing_fails_integrity(
    client: FormClient, owner: User, db_session: Session, signed_certificate: bytes
) -> None:
    upload(client, pdfs.alter_signed_bytes(signed_certificate))
    document = stored(db_session)[0]
    html = page(client, f"/credentials/{document.id}")
    assert "The signature does not match the document" in html
    assert "Failed verification" in html


def test_upload_pdf_signed_outside_the_trust_list_says_so(
    client: FormClient, owner: User, db_session: Session
) -> None:
    stranger = make_ca("Obcy urząd", at=datetime.now(UTC))
    signed = pdfs.sign(pdfs.certificate_pdf(), pdfs.make_signer(stranger), (stranger,))
    upload(client, signed)
    html = page(client, f"/credentials/{stored(db_session)[0].id}")
    assert "Signature intact" in html
    assert "Signer not in your trust list" in html
    assert "Could not be checked" in html


def test_upload_hostile_pdf_names_the_problem_and_stores_nothing(
    client: FormClient, owner: User, db_session: Session
) -> None:
    hostile = pdfs.one_page_pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (x) >>")
    html = upload(client, hostile, "wrogi.pdf")
    assert "runs scripts or actions" in html
    assert db_session.scalar(select(func.count()).select_from(Credential)) == 0


def test_preview_is_a_png_of_the_first_page_with_a_closed_policy(
    client: FormClient, owner: User, db_session: Session, signed_certificate: bytes
) -> None:
    upload(client, signed_certificate)
    document = stored(db_session)[0]
    response = client.get(f"/credentials/{document.id}/preview.png")
    assert response.status_code == 200
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'none'" in policy
    original = client.get(f"/credentials/{document.id}/original")
    assert original.data == signed_certificate
    assert original.headers["Content-Disposition"].endswith(".pdf")


def test_preview_of_a_badge_is_not_found(
    client: FormClient, owner: User, db_session: Session, signed_certificate: bytes
) -> None:
    upload(client, signed_certificate)
    badge = stored(db_session)[1]
    assert client.get(f"/credentials/{badge.id}/preview.png").status_code == 404


def test_pairing_suggests_the_same_issuers_badge_and_holder_confirms(
    client: FormClient, owner: User, db_session: Session
) -> None:
    upload(client, signed_badge("Podstawy programowania w Pythonie"), "odznaka.json")
    badge = stored(db_session)[0]
    badge.issuer_name = "Uczelnia Testowa"
    db_session.commit()
    certificate = pdfs.certificate_pdf(
        ("Podstawy programowania w Pythonie", "Wystawca: Uczelnia Testowa")
    )
    upload(client, certificate)
    document = stored(db_session)[1]
    html = page(client, f"/credentials/{document.id}")
    assert "Does this document accompany one of your credentials?" in html
    client.submit(f"/credentials/{document.id}/companion/{badge.id}")
    db_session.commit()
    link = db_session.scalar(select(DocumentLink))
    assert link is not None and (link.document_id, link.credential_id) == (document.id, badge.id)
    assert "paired by you" in page(client, f"/credentials/{document.id}")
    assert "Comes with the document" in page(client, f"/credentials/{badge.id}")
    client.submit(f"/credentials/{document.id}/companion/remove")
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(DocumentLink)) == 0


def test_pairing_with_another_holders_credential_is_not_found(
    client: FormClient,
    owner: User,
    db_session: Session,
    make_user: Callable[..., User],
    signed_certificate: bytes,
) -> None:
    upload(client, signed_certificate)
    document = stored(db_session)[0]
    stranger = make_user(email="obcy@example.org")
    [theirs] = credentials.import_bytes(
        db_session, stranger.id, signed_badge("Cudza"), "cudza.json", loopback_context()
    )
    db_session.commit()
    pairing = client.submit(f"/credentials/{document.id}/companion/{theirs.credential_id}")
    assert pairing.status_code == 404
    assert db_session.scalar(select(func.count()).select_from(DocumentLink)) == 0
