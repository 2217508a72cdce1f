"""Migrations build the schema from empty on every engine, matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.support.databases import engines_to_test, postgres_url
from wallet.db import create_database_engine
from wallet.models import Base
from wallet.schema import ensure_schema_current, head_revision, upgrade_schema
from wallet.search import postgres_index  # noqa: F401 (its tables join Base.metadata)


@pytest.fixture(params=engines_to_test())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = create_database_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
    else:
        engine = create_database_engine(str(postgres_url()))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS migration_test CASCADE"))
            connection.execute(text("CREATE SCHEMA migration_test"))
        engine.dispose()
        separator = "&" if "?" in str(postgres_url()) else "?"
        engine = create_database_engine(
            f"{postgres_url()}{separator}options=-csearch_path%3Dmigration_test"
        )
        yield engine
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA migration_test CASCADE"))
    engine.dispose()


def test_upgrade_from_empty_reaches_head_and_matches_the_models(empty_engine) -> None:  # type: ignore[no-untyped-def]
    upgrade_schema(empty_engine)
    ensure_schema_current(empty_engine)
    with empty_engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        assert "users" in inspect(connection).get_table_names()


def test_sqlite_tables_with_surrogate_ids_use_autoincrement(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'auto.sqlite3'}")
    upgrade_schema(engine)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type='table'")
        tables = {str(name): str(sql) for name, sql in rows}
    engine.dispose()
    surrogate = [
        table.name
        for table in Base.metadata.sorted_tables
        if [column.name for column in table.primary_key.columns] == ["id"]
    ]
    assert surrogate and all("AUTOINCREMENT" in tables[name] for name in surrogate), surrogate


def test_upgrade_to_session_ids_keeps_rows_and_gives_each_user_its_own(
    empty_engine,  # type: ignore[no-untyped-def]
) -> None:
    upgrade_schema(empty_engine, "0003")
    with empty_engine.begin() as connection:
        for number in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, display_name, created_at) "
                    "VALUES (:id, :email, 'x', 'n', CURRENT_TIMESTAMP)"
                ),
                {"id": number, "email": f"u{number}@example.org"},
            )
            connection.execute(
                text(
                    "INSERT INTO holder_identifiers (user_id, kind, value, created_at) "
                    "VALUES (:id, 'email', :email, CURRENT_TIMESTAMP)"
                ),
                {"id": number, "email": f"u{number}@example.org"},
            )
    upgrade_schema(empty_engine)
    with empty_engine.connect() as connection:
        session_ids = connection.execute(text("SELECT session_id FROM users")).scalars().all()
        identifiers = connection.execute(text("SELECT count(*) FROM holder_identifiers")).scalar()
    assert len(set(session_ids)) == 2 and all(len(value) >= 32 for value in session_ids)
    assert identifiers == 2


def test_upgrade_moves_a_queued_jobs_upload_out_of_its_row(empty_engine) -> None:  # type: ignore[no-untyped-def]
    upgrade_schema(empty_engine, "0011")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, password_hash, display_name, created_at, "
                "session_id) VALUES (1, 'u@example.org', 'x', 'n', CURRENT_TIMESTAMP, 's')"
            )
        )
        for number, payload in ((1, b"PLECAK-UPLOAD-1\nqueued"), (2, None)):
            connection.execute(
                text(
                    "INSERT INTO import_jobs (id, user_id, source, payload, state, total, "
                    "processed, created_at) VALUES (:id, 1, 'a.zip', :payload, 'queued', 0, 0, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"id": number, "payload": payload},
            )
    upgrade_schema(empty_engine)
    with empty_engine.connect() as connection:
        uploads = connection.execute(text("SELECT job_id, data FROM import_uploads")).all()
        columns = {column["name"] for column in inspect(connection).get_columns("import_jobs")}
        jobs = connection.execute(text("SELECT count(*) FROM import_jobs")).scalar()
    assert [(job_id, bytes(data)) for job_id, data in uploads] == [(1, b"PLECAK-UPLOAD-1\nqueued")]
    assert "payload" not in columns and jobs == 2
