"""Test databases: a migrated SQLite template copied per test, and PostgreSQL in a rollback."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from wallet.db import Database, create_database_engine
from wallet.schema import upgrade_schema

POSTGRES_URL_VARIABLE = "WALLET_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite should also run on, if any."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


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
