"""Notices in a real browser: the header count, the list and marking read, scanned by axe-core."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.axe import assert_accessible
from tests.support.journey import register
from tests.support.live_server import LiveServer
from wallet.db import Database
from wallet.models import Notice, NoticeKind, User

pytestmark = pytest.mark.browser

EMAIL = "jan@example.org"


def add_notices(data_dir: Path) -> None:
    database = Database.from_url(f"sqlite:///{data_dir / 'wallet.sqlite3'}")
    try:
        with database.sessions() as session:
            user_id = session.scalar(select(User.id).where(User.email == EMAIL))
            assert user_id is not None
            created = datetime(2026, 6, 1, tzinfo=UTC)
            session.add_all(
                [
                    Notice(
                        user_id=user_id,
                        kind=NoticeKind.REVOKED,
                        details={"title": "Podstawy Pythona"},
                        created_at=created,
                    ),
                    Notice(
                        user_id=user_id,
                        kind=NoticeKind.EXPIRING,
                        details={"title": "Higiena cyfrowa", "valid_until": "2026-06-11T00:00:00"},
                        created_at=created,
                    ),
                ]
            )
            session.commit()
    finally:
        database.engine.dispose()


def test_notices_flow_count_list_and_mark_read_is_accessible(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    register(page, live_server, EMAIL, "Jan Kowalski")
    add_notices(tmp_path / "instance")
    page.reload()
    page.get_by_role("link", name=re.compile(r"\(2\)")).click()
    expect(page).to_have_url(live_server.url("/notices"))
    expect(page.get_by_role("heading", level=2, name="Podstawy Pythona")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("Podstawy Pythona")).click()
    expect(page.get_by_role("link", name=re.compile(r"\(1\)"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"(Mark all as read|Oznacz wszystkie)")).click()
    expect(page.get_by_role("link", name=re.compile(r"\(\d\)"))).to_have_count(0)
    assert_accessible(page)
