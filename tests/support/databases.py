"""Test databases: a migrated SQLite template copied per test, and PostgreSQL in a rollback."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text

from wallet.db import Database, create_database_engine
from wallet.schema import upgrade_schema

POSTGRES_URL_VARIABLE = "WALLET_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite should also run on, if any.

    Under pytest-xdist each worker process gets a database of its own (``test_gw0``, …), since
    the suite resets the schema of the database it runs on.
    """
    url = os.environ.get(POSTGRES_URL_VARIABLE) or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url is None or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def create_worker_database() -> None:
    """Create this xdist worker's own PostgreSQL database if it is missing."""
    base = os.environ.get(POSTGRES_URL_VARIABLE)
    worker_url = postgres_url()
    if not base or worker_url == base or worker_url is None:
        return
    name = make_url(worker_url).database
    engine = create_database_engine(base)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def engines_to_test() -> list[str]:
    """Every engine the database tests run on."""
    return ["sqlite", "postgresql"] if postgres_url() else ["sqlite"]


def migrate_sqlite_template(folder: Path) -> Path:
    """A SQLite file with the full schema, made once per run."""
    path = folder / "template.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def sqlite_database(template: Path, folder: Path) -> Iterator[Database]:
    """A private copy of the migrated template."""
    path = folder / "wallet.sqlite3"
    shutil.copyfile(template, path)
    database = Database.from_url(f"sqlite:///{path}")
    try:
        yield database
    finally:
        database.engine.dispose()


def reset_postgres_schema(url: str) -> None:
    """Drop everything in the test database and migrate it from empty."""
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_schema(engine)
    engine.dispose()


@contextmanager
def postgres_database(url: str) -> Iterator[Database]:
    """One connection in an outer transaction; commits become savepoints, all rolled back."""
    engine = create_database_engine(url)
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield Database.on_connection(connection)
    finally:
        outer.rollback()
        connection.close()
        engine.dispose()


@contextmanager
def postgres_schema_database(url: str, schema: str) -> Iterator[tuple[Database, str]]:
    """A migrated schema of its own, committed for real, so other processes see the writes.

    Yields the database and the URL that reaches the same schema (for a subprocess).
    """
    admin = create_database_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    scoped = f"{url}{separator}options=-csearch_path%3D{schema}"
    database = Database.from_url(scoped)
    try:
        upgrade_schema(database.engine)
        yield database, scoped
    finally:
        database.engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
