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
