"""Organising credentials: list order, filters, hide, delete, notes, tags, collections, skills."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.portfolio import AT, add_credential
from wallet.errors import ConflictError, NotFoundError, ValidationError
from wallet.holder import portfolio
from wallet.holder.portfolio import ListQuery, SortKey
from wallet.holder.skills import skills_overview
from wallet.models import (
    Collection,
    CollectionItem,
    Credential,
    CredentialTag,
    Tag,
    User,
    VerificationRun,
)
from wallet.verification.report import Verdict

ESCO = "http://data.europa.eu/esco/skill/5d7d8c5e-0a3e-4d7b-9a84-4b56b2e3b2a1"


def alignment(name: str, url: str) -> dict[str, object]:
    return {"type": ["Alignment"], "targetName": name, "targetUrl": url}


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def titles(session: Session, user_id: int, query: ListQuery) -> list[str]:
    return [c.title for c in portfolio.list_credentials(session, user_id, query)]


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user()


def test_list_credentials_sorted_by_title_and_date_in_both_directions(
    db_session: Session, owner: User
) -> None:
    add_credential(db_session, owner.id, title="B", validFrom="2025-01-01T00:00:00Z")
    add_credential(db_session, owner.id, title="a", validFrom="2026-01-01T00:00:00Z")
    add_credential(db_session, owner.id, title="C", validFrom="2024-01-01T00:00:00Z")
    assert titles(db_session, owner.id, ListQuery(SortKey.TITLE, descending=False)) == [
        "a",
        "B",
        "C",
    ]
    assert titles(db_session, owner.id, ListQuery(SortKey.DATE)) == ["a", "B", "C"]
    assert titles(db_session, owner.id, ListQuery(SortKey.DATE, descending=False)) == [
        "C",
        "B",
        "a",
    ]


def test_list_credentials_by_status_puts_verified_before_failed(
    db_session: Session, owner: User
) -> None:
    bad = add_credential(db_session, owner.id, title="Expired", validUntil="2026-02-01T00:00:00Z")
    good = add_credential(db_session, owner.id, title="Fine")
    listed = portfolio.list_credentials(db_session, owner.id, ListQuery(SortKey.STATUS, False))
    assert [c.id for c in listed] == [good, bad]
    assert [c.verdict for c in listed] == [Verdict.VERIFIED, Verdict.FAILED]


def test_set_hidden_hidden_credential_is_listed_only_when_asked(
    db_session: Session, owner: User
) -> None:
    hidden = add_credential(db_session, owner.id)
    portfolio.set_hidden(db_session, owner.id, hidden, True)
    assert portfolio.list_credentials(db_session, owner.id, ListQuery()) == []
    shown = portfolio.list_credentials(db_session, owner.id, ListQuery(include_hidden=True))
    assert [c.id for c in shown] == [hidden]


def test_delete_credential_removes_history_tags_and_collection_places(
    db_session: Session, owner: User
) -> None:
    doomed = add_credential(db_session, owner.id)
    kept = add_credential(db_session, owner.id)
    portfolio.add_tag(db_session, owner.id, doomed, "work")
    shelf = portfolio.create_collection(db_session, owner.id, "CV")
    portfolio.add_to_collection(db_session, owner.id, shelf.id, doomed)
    portfolio.delete_credential(db_session, owner.id, doomed)
    db_session.commit()
    assert db_session.get(Credential, doomed) is None
    assert count(db_session, CredentialTag) == 0 and count(db_session, CollectionItem) == 0
    assert db_session.scalars(select(VerificationRun.credential_id)).all() == [kept]


def test_delete_credential_of_another_user_is_not_found(
    db_session: Session, owner: User, make_user: Callable[..., User]
) -> None:
    theirs = add_credential(db_session, make_user(email="other@example.org").id)
    with pytest.raises(NotFoundError):
        portfolio.delete_credential(db_session, owner.id, theirs)


def test_set_note_keeps_plain_text_and_empty_clears_it(db_session: Session, owner: User) -> None:
    credential_id = add_credential(db_session, owner.id)
    noted = portfolio.set_note(db_session, owner.id, credential_id, "  <b>mine</b>\r\n")
    assert noted.note == "<b>mine</b>"
    assert portfolio.set_note(db_session, owner.id, credential_id, "   ").note is None


def test_set_note_too_long_is_refused(db_session: Session, owner: User) -> None:
    credential_id = add_credential(db_session, owner.id)
    with pytest.raises(ValidationError):
        portfolio.set_note(
            db_session, owner.id, credential_id, "x" * (portfolio.MAX_NOTE_CHARS + 1)
        )


def test_add_tag_same_name_twice_reuses_one_tag(db_session: Session, owner: User) -> None:
    first, second = add_credential(db_session, owner.id), add_credential(db_session, owner.id)
    a = portfolio.add_tag(db_session, owner.id, first, " Data  skills ")
    b = portfolio.add_tag(db_session, owner.id, second, "data skills")
    portfolio.add_tag(db_session, owner.id, second, "Data skills")
    assert a.id == b.id and a.name == "Data skills"
    assert [(t.name, t.count) for t in portfolio.list_tags(db_session, owner.id)] == [
        ("Data skills", 2)
    ]
    tagged = portfolio.list_credentials(db_session, owner.id, ListQuery(tag_id=a.id))
    assert sorted(c.id for c in tagged) == sorted([first, second])


def test_add_tag_empty_name_is_refused(db_session: Session, owner: User) -> None:
    credential_id = add_credential(db_session, owner.id)
    with pytest.raises(ValidationError):
        portfolio.add_tag(db_session, owner.id, credential_id, "   ")


def test_add_tag_is_per_user(
    db_session: Session, owner: User, make_user: Callable[..., User]
) -> None:
    other = make_user(email="other@example.org")
    mine = portfolio.add_tag(db_session, owner.id, add_credential(db_session, owner.id), "x")
    theirs = portfolio.add_tag(db_session, other.id, add_credential(db_session, other.id), "x")
    assert mine.id != theirs.id


def test_remove_tag_last_use_deletes_the_tag(db_session: Session, owner: User) -> None:
    credential_id = add_credential(db_session, owner.id)
    tag = portfolio.add_tag(db_session, owner.id, credential_id, "old")
    portfolio.remove_tag(db_session, owner.id, credential_id, tag.id)
    assert count(db_session, Tag) == 0


def test_create_collection_duplicate_name_conflicts(db_session: Session, owner: User) -> None:
    portfolio.create_collection(db_session, owner.id, "Job application")
    with pytest.raises(ConflictError):
        portfolio.create_collection(db_session, owner.id, "job application")


def test_rename_collection_to_free_name_renames(db_session: Session, owner: User) -> None:
    made = portfolio.create_collection(db_session, owner.id, "Draft")
    assert portfolio.rename_collection(db_session, owner.id, made.id, "Final").name == "Final"


def test_collection_credentials_keep_the_order_they_were_added(
    db_session: Session, owner: User
) -> None:
    first, second = add_credential(db_session, owner.id), add_credential(db_session, owner.id)
    shelf = portfolio.create_collection(db_session, owner.id, "CV")
    for credential_id in (second, first, second):
        portfolio.add_to_collection(db_session, owner.id, shelf.id, credential_id)
    members = portfolio.collection_credentials(db_session, owner.id, shelf.id)
    assert [c.id for c in members] == [second, first]
    assert [s.count for s in portfolio.list_collections(db_session, owner.id)] == [2]


def test_remove_from_collection_then_delete_collection_keeps_credentials(
    db_session: Session, owner: User
) -> None:
    credential_id = add_credential(db_session, owner.id)
    shelf = portfolio.file_credential(db_session, owner.id, credential_id, new_name="Course")
    portfolio.remove_from_collection(db_session, owner.id, shelf.id, credential_id)
    assert portfolio.collections_of(db_session, owner.id, credential_id) == []
    portfolio.delete_collection(db_session, owner.id, shelf.id)
    assert count(db_session, Collection) == 0 and count(db_session, Credential) == 1


def test_add_to_collection_another_users_collection_is_not_found(
    db_session: Session, owner: User, make_user: Callable[..., User]
) -> None:
    other = make_user(email="other@example.org")
    theirs = portfolio.create_collection(db_session, other.id, "Theirs")
    with pytest.raises(NotFoundError):
        portfolio.add_to_collection(
            db_session, owner.id, theirs.id, add_credential(db_session, owner.id)
        )


def test_skills_overview_groups_credentials_by_skill(db_session: Session, owner: User) -> None:
    shared = {"alignment": [alignment("Data analysis", ESCO)]}
    first = add_credential(db_session, owner.id, shared, title="First")
    second = add_credential(
        db_session,
        owner.id,
        {
            "alignment": [
                alignment("Data analysis", ESCO),
                alignment("Other", "https://x.example/o"),
            ]
        },
        name="Second",
    )
    entries = {e.uri: e for e in skills_overview(db_session, owner.id, AT).entries}
    assert sorted(ref.id for ref in entries[ESCO].credentials) == sorted([first, second])
    assert entries[ESCO].framework.value == "esco"
    assert [ref.id for ref in entries["https://x.example/o"].credentials] == [second]


def test_summarise_counts_by_verdict_and_hidden(db_session: Session, owner: User) -> None:
    add_credential(db_session, owner.id)
    hidden = add_credential(db_session, owner.id, validUntil="2026-02-01T00:00:00Z")
    portfolio.set_hidden(db_session, owner.id, hidden, True)
    summary = portfolio.summarise(db_session, owner.id)
    assert (summary.total, summary.verified, summary.failed, summary.hidden) == (2, 1, 1, 1)
    assert hidden not in [c.id for c in summary.latest] and len(summary.latest) == 1
