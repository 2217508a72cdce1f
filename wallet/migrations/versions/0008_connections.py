"""connections to issuers' platforms

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "active",
                "reauthorize",
                name="connectionstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("service", sa.JSON(), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_method", sa.String(length=32), nullable=False),
        sa.Column("sealed_client_secret", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_tokens", sa.LargeBinary(), nullable=True),
        sa.Column("pending_state_hash", sa.String(length=64), nullable=True),
        sa.Column("sealed_verifier", sa.LargeBinary(), nullable=True),
        sa.Column("pending_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("credential_count", sa.Integer(), nullable=False),
        sa.Column("last_job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["last_job_id"],
            ["import_jobs.id"],
            name=op.f("fk_connections_last_job_id_import_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_connections_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
        sa.UniqueConstraint("pending_state_hash", name=op.f("uq_connections_pending_state_hash")),
        sa.UniqueConstraint("user_id", "address", name=op.f("uq_connections_user_id_address")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_connections_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connections_user_id"))
    op.drop_table("connections")
