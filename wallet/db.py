"""Engines and sessions: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with the driver and pragmas Plecak expects."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30}, json_serializer=json_text)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True, json_serializer=json_text)


class EncodedJson(str):
    """JSON text made already, which a JSON column stores as it is.

    A bulk import encodes each credential's record and report in the worker process that
    checked it: one string crosses to the job's process instead of a tree of objects, and the
    job's process does not encode it again.
    """


def encoded_json(value: Any) -> EncodedJson:
    """``value`` as the text a JSON column stores."""
    return EncodedJson(json_text(value))


def json_text(value: Any) -> str:
    """The text of a JSON column's value.

    orjson writes a credential's record and report several times faster than the standard
    library (a bulk import writes thousands); what it refuses, integers beyond 64 bits and keys
    that are not strings, the standard library writes.
    """
    if isinstance(value, EncodedJson):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # pysqlite would begin transactions only before DML, so a SAVEPOINT opened first would
    # act as the outermost transaction and its release would commit. SQLAlchemy begins them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


@dataclass
class Database:
    """The engine and a session factory; tests may bind sessions to one connection."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str) -> Database:
        engine = create_database_engine(url)
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @classmethod
    def on_connection(cls, connection: Connection) -> Database:
        """Sessions that commit into savepoints of an outer transaction (test isolation)."""
        factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        return cls(connection.engine, factory)
