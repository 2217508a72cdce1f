"""Schema migrations: upgrade to head, and tell whether a database is behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from wallet.errors import ConfigurationError

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for Plecak's migrations on ``url`` or ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied (up to ``revision``)."""
    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        command.upgrade(alembic_config(connection=connection), revision)
        _check_foreign_keys(connection)


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys off while migrating: a table copied anew must not cascade.

    The pragma is ignored inside a transaction, so it is set before the migration's begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise ConfigurationError(f"the migration left broken foreign keys: {broken[:5]}")


def head_revision() -> str | None:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def ensure_schema_current(engine: Engine) -> None:
    """Refuse to run on a database whose schema is not at the newest migration."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head_revision():
        state = "empty" if current is None else f"at revision {current}"
        raise ConfigurationError(
            f"the database schema is behind (it is {state}); run `wallet db upgrade` to update it"
        )
