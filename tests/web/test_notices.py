"""The notices page: listing, the header count, marking read, and another user's notices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.web import FormClient
from wallet.models import Notice, NoticeKind, User

CREATED = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def add_notice(db_session: Session) -> Callable[..., Notice]:
    def add(user: User, kind: NoticeKind = NoticeKind.REVOKED, **details: str) -> Notice:
        notice = Notice(
            user_id=user.id,
            kind=kind,
            details={"title": "Data Literacy", **details},
            created_at=CREATED,
        )
        db_session.add(notice)
        db_session.commit()
        return notice

    return add


def read_at(session: Session, notice: Notice) -> datetime | None:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    return session.scalar(select(Notice.read_at).where(Notice.id == notice.id))


def test_notices_page_without_notices_says_nothing_new(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    login_as(make_user())
    response = client.get("/notices")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing new" in page and "Notices (" not in page


def test_notices_page_lists_each_kind_with_its_title(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
) -> None:
    user = make_user()
    add_notice(user, NoticeKind.REVOKED, title="Python Basics")
    add_notice(user, NoticeKind.EXPIRING, title="Cyber Hygiene", valid_until="2026-06-11T00:00:00")
    add_notice(
        user, NoticeKind.VERDICT_CHANGED, verdict_before="verified", verdict_after="unverifiable"
    )
    login_as(user)
    page = client.get("/notices", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Python Basics" in page and "Cyber Hygiene" in page and "2026-06-11" in page
    assert "could not be checked" in page


def test_header_link_counts_unread_notices(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
) -> None:
    user = make_user()
    add_notice(user)
    add_notice(user, NoticeKind.EXPIRED)
    login_as(user)
    page = client.get("/account").get_data(as_text=True)
    assert "Notices (2)" in page or "Powiadomienia (2)" in page


def test_notice_title_from_a_credential_is_escaped(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
) -> None:
    user = make_user()
    add_notice(user, title="<script>alert(1)</script>")
    login_as(user)
    page = client.get("/notices").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_mark_read_marks_only_that_notice(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
    db_session: Session,
) -> None:
    user = make_user()
    first, second = add_notice(user), add_notice(user)
    login_as(user)
    response = client.submit(f"/notices/{first.id}/read")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notices")
    assert read_at(db_session, first) is not None and read_at(db_session, second) is None


def test_mark_all_read_clears_the_count(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
    db_session: Session,
) -> None:
    user = make_user()
    notices = [add_notice(user), add_notice(user, NoticeKind.EXPIRED)]
    login_as(user)
    assert client.submit("/notices/read").status_code == 302
    assert all(read_at(db_session, notice) is not None for notice in notices)
    assert "Notices (" not in client.get("/notices").get_data(as_text=True)


def test_another_users_notice_is_not_found_and_stays_unread(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
    db_session: Session,
) -> None:
    victim = make_user(email="victim@example.org")
    theirs = add_notice(victim, title="Victim badge")
    login_as(make_user(email="intruder@example.org"))
    assert client.submit(f"/notices/{theirs.id}/read").status_code == 404
    assert "Victim badge" not in client.get("/notices").get_data(as_text=True)
    assert read_at(db_session, theirs) is None


def test_mark_all_read_leaves_another_users_notices_unread(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    add_notice: Callable[..., Notice],
    db_session: Session,
) -> None:
    theirs = add_notice(make_user(email="victim@example.org"))
    login_as(make_user(email="intruder@example.org"))
    client.submit("/notices/read")
    assert read_at(db_session, theirs) is None


def test_notices_page_anonymous_is_sent_to_log_in(client: FormClient) -> None:
    response = client.get("/notices")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture(autouse=True)
def _english(client: FormClient) -> None:
    """These tests read the English interface text."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
