"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from _pytest.terminal import TerminalReporter
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.conformance import SCOREBOARD, Scoreboard
from tests.support.databases import (
    POSTGRES_URL_VARIABLE,
    create_worker_database,
    engines_to_test,
    migrate_sqlite_template,
    postgres_database,
    postgres_url,
    reset_postgres_schema,
    sqlite_database,
)
from tests.support.httpserver import LocalServer, running_server
from tests.support.network import guarded_connect
from tests.support.web import FormClient
from wallet import create_app
from wallet.accounts import register_user
from wallet.config import Settings
from wallet.db import Database
from wallet.models import User

TEST_PASSWORD = "correct horse battery"


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not postgres_url():
        raise pytest.UsageError(f"{POSTGRES_URL_VARIABLE} must be set on CI")
    create_worker_database()


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A pytest-xdist worker hands its conformance score to the controller, which prints it.
    board = session.config.stash.get(SCOREBOARD, None)
    if board is not None and hasattr(session.config, "workeroutput"):
        session.config.workeroutput["conformance"] = board.as_data()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    data = getattr(node, "workeroutput", {}).get("conformance")
    if data:
        node.config.stash.setdefault(SCOREBOARD, Scoreboard()).add(data)


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    board = config.stash.get(SCOREBOARD, None)
    if board is None or not board.areas:
        return
    terminalreporter.section("conformance corpus")
    for line in board.table():
        terminalreporter.write_line(line)
    for mismatch in board.mismatches:
        terminalreporter.write_line("mismatch: " + mismatch)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection a test makes beyond 127.0.0.1."""
    monkeypatch.setattr(socket.socket, "connect", guarded_connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect(socket.socket.connect_ex))


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1; register answers with ``serve(path, body)``."""
    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrate_sqlite_template(tmp_path_factory.mktemp("schema"))


@pytest.fixture(scope="session")
def _postgres_schema() -> str | None:
    url = postgres_url()
    if url:
        reset_postgres_schema(url)
    return url


@pytest.fixture(params=engines_to_test())
def database(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    """A migrated, empty database on each engine under test."""
    with _database_on(request.param, request, sqlite_template, tmp_path) as database:
        yield database


@contextmanager
def _database_on(
    engine: str, request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    if engine == "postgresql":
        with postgres_database(request.getfixturevalue("_postgres_schema")) as database:
            yield database
    else:
        with sqlite_database(sqlite_template, tmp_path) as database:
            yield database


def _search_combinations() -> list[str]:
    # Every search backend on every engine it runs on (PostgreSQL's only on PostgreSQL).
    if postgres_url():
        return ["sqlite-whoosh", "postgresql-whoosh", "postgresql-postgres"]
    return ["sqlite-whoosh"]


@pytest.fixture(params=_search_combinations())
def backend(request: pytest.FixtureRequest) -> str:
    """``<engine>-<search backend>``."""
    return str(request.param)


@pytest.fixture
def search_database(
    request: pytest.FixtureRequest, backend: str, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    """A migrated, empty database of the engine ``backend`` names."""
    engine = backend.split("-")[0]
    with _database_on(engine, request, sqlite_template, tmp_path) as database:
        yield database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=tmp_path / "instance",
        database_url="sqlite:///unused",
        testing=True,
        allow_loopback_fetch=True,
        login_rate_limit="1000 per minute",
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> Flask:
    app = create_app(settings, database=database)
    app.test_client_class = FormClient
    return app


@pytest.fixture
def client(app: Flask) -> FormClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def db_session(database: Database) -> Iterator[Session]:
    session = database.sessions()
    yield session
    session.close()


@pytest.fixture
def make_user(db_session: Session) -> Callable[..., User]:
    """Create users through the real service: ``make_user(email=..., password=...)``."""

    def make(
        email: str = "ola@example.org", password: str = TEST_PASSWORD, name: str = "Ola"
    ) -> User:
        user = register_user(db_session, email=email, password=password, display_name=name)
        db_session.commit()
        return user

    return make


@pytest.fixture
def login_as(client: FormClient) -> Callable[[User], None]:
    def login(user: User, password: str = TEST_PASSWORD) -> None:
        response = client.submit("/login", {"email": user.email, "password": password})
        assert response.status_code == 302

    return login
