"""per-account session identifiers; ids of deleted rows never reused on SQLite

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:40:00.000000
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Tables whose integer id is handed out by the database: AUTOINCREMENT on SQLite.
SURROGATE_KEYED = (
    "users",
    "holder_identifiers",
    "credentials",
    "verification_runs",
    "import_jobs",
    "import_items",
    "tags",
    "collections",
    "notices",
)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("session_id", sa.String()))
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_id=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_users_session_id"), ["session_id"])
    if connection.dialect.name == "sqlite":
        _rebuild_with_autoincrement(True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_with_autoincrement(False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_session_id"), type_="unique")
        batch_op.drop_column("session_id")


def _rebuild_with_autoincrement(on: bool) -> None:
    # SQLite sets AUTOINCREMENT only when a table is created, so each table is copied anew;
    # ``upgrade_schema`` turns foreign keys off meanwhile, so no cascade fires on the copies.
    for table in SURROGATE_KEYED:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": on}
        ):
            pass
