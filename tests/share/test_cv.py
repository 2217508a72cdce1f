"""The CV: profile with chosen credentials, public page, and its PDF read back independently."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.share.test_links import NOW
from tests.support.httpserver import LocalServer
from tests.support.portfolio import add_credential
from tests.support.web import FormClient
from wallet.errors import ConflictError, NotFoundError, ValidationError
from wallet.holder import portfolio
from wallet.models import User
from wallet.share import cv
from wallet.verification.standing import Standing


def profile_input(ids: list[int], **changes: object) -> cv.ProfileInput:
    values: dict[str, object] = {
        "display_name": "Ola Kowalska",
        "language": "en",
        "headline": {"en": "Data analyst", "pl": "Analityczka danych"},
        "summary": {"en": "I turn data into decisions."},
        "contacts": ["ola@example.org"],
        "experience": cv.parse_entries("Analyst | ACME | 2024–2026"),
        "education": cv.parse_entries("MSc Statistics | University of Warsaw | 2023"),
        "languages": ["Polish (native)", "English (C1)"],
        "skills": ["SQL", "Python"],
        "credential_ids": ids,
        "slug": None,
        "published": True,
    }
    return cv.ProfileInput(**{**values, **changes})  # type: ignore[arg-type]


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user()


def test_save_profile_default_slug_is_unguessable_and_readable_one_is_checked(
    db_session: Session, owner: User, make_user: Callable[..., User]
) -> None:
    profile = cv.save_profile(db_session, owner.id, profile_input([]), NOW)
    assert len(profile.slug) >= 16
    cv.save_profile(db_session, owner.id, profile_input([], slug="ola-kowalska"), NOW)
    assert profile.slug == "ola-kowalska"
    with pytest.raises(ValidationError):
        cv.save_profile(db_session, owner.id, profile_input([], slug="<b>"), NOW)
    other = make_user(email="other@example.org")
    with pytest.raises(ConflictError):
        cv.save_profile(db_session, other.id, profile_input([], slug="ola-kowalska"), NOW)


def test_cv_view_keeps_order_and_shows_hidden_credentials_status(
    db_session: Session, owner: User
) -> None:
    first = add_credential(db_session, owner.id, title="First")
    second = add_credential(db_session, owner.id, title="Second")
    portfolio.set_hidden(db_session, owner.id, second, True)
    profile = cv.save_profile(db_session, owner.id, profile_input([second, first]), NOW)
    view = cv.cv_view(db_session, profile)
    assert [c.title for c in view.credentials] == ["Second", "First"]
    assert view.credentials[0].hidden and view.credentials[0].standing is Standing.VERIFIED
    assert view.headline == "Data analyst"


def test_save_profile_with_another_users_credential_is_refused(
    db_session: Session, owner: User, make_user: Callable[..., User]
) -> None:
    other = make_user(email="other@example.org")
    foreign = add_credential(db_session, other.id, title="Not yours")
    with pytest.raises(NotFoundError):
        cv.save_profile(db_session, owner.id, profile_input([foreign]), NOW)


def test_cv_pdf_is_a4_with_text_metadata_and_never_fetches_remote_images(
    app: Flask, client: FormClient, db_session: Session, owner: User, http_server: LocalServer
) -> None:
    remote = http_server.url("/badge.png")
    ids = [
        add_credential(db_session, owner.id, {"image": {"id": remote}}, title=f"Course {n}")
        for n in range(12)
    ]
    profile = cv.save_profile(db_session, owner.id, profile_input(ids), NOW)
    db_session.commit()
    page = client.get(f"/cv/{profile.slug}")
    assert page.status_code == 200 and "Course 11" in page.get_data(as_text=True)
    response = client.get(f"/cv/{profile.slug}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 2
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Ola Kowalska" in text and "Course 0" in text and "Course 11" in text
    assert re.search(rf"1\s*/\s*{len(reader.pages)}", text)
    assert reader.metadata is not None
    assert reader.metadata.title == "CV: Ola Kowalska" and reader.metadata.author == "Ola Kowalska"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = {
        str(f.get_object()["/BaseFont"])
        for p in reader.pages
        for f in p["/Resources"]["/Font"].values()  # type: ignore[union-attr]
    }
    assert fonts and all("DejaVu-Sans" in f for f in fonts), fonts
    assert http_server.requests == []
    again = client.get(f"/cv/{profile.slug}.pdf")
    assert again.data == response.data  # served from the content cache


def test_unpublished_cv_answers_404(client: FormClient, db_session: Session, owner: User) -> None:
    profile = cv.save_profile(db_session, owner.id, profile_input([], published=False), NOW)
    db_session.commit()
    assert client.get(f"/cv/{profile.slug}").status_code == 404
    assert client.get(f"/cv/{profile.slug}.pdf").status_code == 404


SCHEMA = Path(__file__).resolve().parents[1] / "data" / "jsonresume" / "schema.json"


def test_resume_json_validates_against_the_published_json_resume_schema(
    client: FormClient, db_session: Session, owner: User
) -> None:
    ids = [add_credential(db_session, owner.id, title=f"Course {n}") for n in range(2)]
    profile = cv.save_profile(db_session, owner.id, profile_input(ids), NOW)
    db_session.commit()
    document = client.get(f"/cv/{profile.slug}/resume.json").get_json()
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(document)) == []
    assert [c["name"] for c in document["certificates"]] == ["Course 0", "Course 1"]
    assert document["work"][0] == {
        "position": "Analyst",
        "name": "ACME",
        "startDate": "2024",
        "endDate": "2026",
    }
    broken = {**document, "certificates": [{"name": 5}]}
    assert list(validator.iter_errors(broken)) != []


def test_europass_export_lists_credentials_as_learning_achievements(
    client: FormClient, db_session: Session, owner: User
) -> None:
    cid = add_credential(db_session, owner.id, title="Course")
    profile = cv.save_profile(db_session, owner.id, profile_input([cid]), NOW)
    db_session.commit()
    document = client.get(f"/cv/{profile.slug}/europass.json").get_json()
    [achievement] = document["learningAchievements"]
    assert achievement["title"] == {"en": "Course"}
    assert achievement["verification"]["status"] == "verified"
    assert achievement["verification"]["url"].endswith(f"/cv/{profile.slug}#c0")
