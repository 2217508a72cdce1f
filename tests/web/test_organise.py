"""Organising through the pages: tags, collections, hide, notes and delete with confirmation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.portfolio import PNG_DATA_URI, add_credential
from tests.support.web import FormClient
from wallet.config import Settings
from wallet.holder import portfolio
from wallet.models import Collection, Credential, CredentialTag, Tag, User, VerificationRun


@pytest.fixture
def owner(
    make_user: Callable[..., User], login_as: Callable[[User], None], client: FormClient
) -> User:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = make_user()
    login_as(user)
    return user


@pytest.fixture
def credential_id(owner: User, db_session: Session) -> int:
    return add_credential(db_session, owner.id, title="Data Literacy")


def test_add_tag_shows_on_the_credential_and_filters_the_list(
    client: FormClient, owner: User, credential_id: int, db_session: Session
) -> None:
    response = client.submit(f"/credentials/{credential_id}/tags", {"name": "job hunt"})
    assert response.status_code == 302
    [tag] = db_session.scalars(select(Tag).where(Tag.user_id == owner.id)).all()
    assert "job hunt" in client.get(f"/credentials/{credential_id}").get_data(as_text=True)
    listed = client.get(f"/credentials?tag={tag.id}").get_data(as_text=True)
    assert "Data Literacy" in listed


def test_add_tag_empty_name_changes_nothing(
    client: FormClient, credential_id: int, db_session: Session
) -> None:
    response = client.submit(f"/credentials/{credential_id}/tags", {"name": ""})
    assert response.status_code == 302
    assert db_session.scalars(select(Tag)).all() == []


def test_remove_tag_takes_it_off(
    client: FormClient, owner: User, credential_id: int, db_session: Session
) -> None:
    tag = portfolio.add_tag(db_session, owner.id, credential_id, "old")
    db_session.commit()
    client.submit(f"/credentials/{credential_id}/tags/{tag.id}/remove")
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.scalars(select(CredentialTag)).all() == []


def test_collection_create_rename_file_and_delete(
    client: FormClient, credential_id: int, db_session: Session
) -> None:
    created = client.submit("/credentials/collections", {"name": "CV 2026"})
    assert created.status_code == 302
    collection = db_session.scalars(select(Collection)).one()
    client.submit(f"/credentials/{credential_id}/collections", {"collection_id": collection.id})
    page = client.get(f"/credentials/collections/{collection.id}").get_data(as_text=True)
    assert "Data Literacy" in page
    client.submit(f"/credentials/collections/{collection.id}/rename", {"name": "Job"})
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.get(Collection, collection.id).name == "Job"  # type: ignore[union-attr]
    client.submit(f"/credentials/collections/{collection.id}/delete")
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.scalars(select(Collection)).all() == []
    assert db_session.get(Credential, credential_id) is not None


def test_create_collection_duplicate_name_shows_the_form_again(
    client: FormClient, owner: User, db_session: Session
) -> None:
    portfolio.create_collection(db_session, owner.id, "CV")
    db_session.commit()
    response = client.submit("/credentials/collections", {"name": "cv"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_file_credential_in_new_collection_creates_it(
    client: FormClient, credential_id: int, db_session: Session
) -> None:
    client.submit(
        f"/credentials/{credential_id}/collections", {"collection_id": "0", "new_name": "Course"}
    )
    collection = db_session.scalars(select(Collection)).one()
    assert collection.name == "Course"
    client.submit(f"/credentials/{credential_id}/collections/{collection.id}/remove")
    assert "Data Literacy" not in client.get(f"/credentials/collections/{collection.id}").get_data(
        as_text=True
    )


def test_hide_then_unhide_round_trip(
    client: FormClient, credential_id: int, db_session: Session
) -> None:
    client.submit(f"/credentials/{credential_id}/hide")
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.get(Credential, credential_id).hidden is True  # type: ignore[union-attr]
    client.submit(f"/credentials/{credential_id}/unhide")
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.get(Credential, credential_id).hidden is False  # type: ignore[union-attr]


def test_save_note_is_shown_as_plain_text(
    client: FormClient, credential_id: int, db_session: Session
) -> None:
    client.submit(f"/credentials/{credential_id}/note", {"note": "<i>for the interview</i>"})
    html = client.get(f"/credentials/{credential_id}").get_data(as_text=True)
    assert "&lt;i&gt;for the interview&lt;/i&gt;" in html and "<i>for" not in html


def test_delete_asks_first_then_removes_row_history_and_cached_image(
    client: FormClient, owner: User, db_session: Session, settings: Settings
) -> None:
    credential_id = add_credential(db_session, owner.id, {"image": {"id": PNG_DATA_URI}})
    cached = Path(settings.files_dir) / str(owner.id) / "images" / f"{credential_id}.png"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"cached")
    confirm = client.get(f"/credentials/{credential_id}/delete")
    assert confirm.status_code == 200
    assert db_session.get(Credential, credential_id) is not None
    response = client.submit(f"/credentials/{credential_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/credentials")
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.get(Credential, credential_id) is None
    assert db_session.scalars(select(VerificationRun)).all() == []
    assert not cached.exists()


def test_organising_another_users_credential_is_not_found(
    client: FormClient, owner: User, db_session: Session, make_user: Callable[..., User]
) -> None:
    theirs = add_credential(db_session, make_user(email="other@example.org").id)
    for path, data in (
        ("tags", {"name": "mine now"}),
        ("note", {"note": "mine"}),
        ("collections", {"new_name": "stolen"}),
        ("hide", {}),
        ("delete", {}),
    ):
        assert client.submit(f"/credentials/{theirs}/{path}", data).status_code == 404, path
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.scalars(select(Collection)).all() == []
    assert db_session.get(Credential, theirs).hidden is False  # type: ignore[union-attr]
