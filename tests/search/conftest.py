"""Search fixtures: the backend under test on its database (see ``backend`` in tests/conftest)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from wallet.accounts import register_user
from wallet.db import Database
from wallet.models import User
from wallet.search import SearchIndex
from wallet.search.indexing import indexed_search
from wallet.search.whoosh_index import WhooshIndex


@pytest.fixture
def index(backend: str, search_database: Database, tmp_path: Path) -> Iterator[SearchIndex]:
    """The backend under test, installed on the database's session factory."""
    built = indexed_search(backend.split("-")[1], tmp_path / "search", search_database.sessions)
    yield built
    if isinstance(built, WhooshIndex):
        built.close()


@pytest.fixture
def session(search_database: Database, index: SearchIndex) -> Iterator[Session]:
    with search_database.sessions() as session:
        yield session


@pytest.fixture
def owner(session: Session) -> Callable[[str], User]:
    """Register an account by e-mail name: ``owner("ola")``."""

    def make(name: str) -> User:
        user = register_user(
            session,
            email=f"{name}@example.org",
            password="correct horse battery",
            display_name=name,
        )
        session.commit()
        return user

    return make
