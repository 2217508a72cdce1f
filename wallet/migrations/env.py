"""Alembic environment: runs migrations on the connection or URL the caller configured."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from wallet.db import create_database_engine
from wallet.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run_migrations(given)
else:
    engine = create_database_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()
