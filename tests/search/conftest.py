"""Search fixtures: every backend on every engine it runs on, behind the same events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.support.databases import postgres_database, postgres_url, sqlite_database
from wallet.accounts import register_user
from wallet.db import Database
from wallet.models import User
from wallet.search import SearchIndex
from wallet.search.indexing import indexed_search
from wallet.search.whoosh_index import WhooshIndex


def _combinations() -> list[str]:
    if postgres_url():
        return ["sqlite-whoosh", "postgresql-whoosh", "postgresql-postgres"]
    return ["sqlite-whoosh"]


@pytest.fixture(params=_combinations())
def backend(request: pytest.FixtureRequest) -> str:
    """``<engine>-<search backend>``."""
    return str(request.param)


@pytest.fixture
def search_database(
    request: pytest.FixtureRequest, backend: str, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    """A migrated, empty database of the engine ``backend`` names."""
    if backend.startswith("postgresql"):
        url = request.getfixturevalue("_postgres_schema")
        with postgres_database(url) as database:
            yield database
    else:
        with sqlite_database(sqlite_template, tmp_path) as database:
            yield database


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
