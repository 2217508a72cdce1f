"""accounts and holder identifiers

Revision ID: 0001
Revises:
Create Date: 2026-11-24 00:01:48.702579
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "holder_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "email", "url", "did", "phone", name="identifierkind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_holder_identifiers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holder_identifiers")),
        sa.UniqueConstraint(
            "user_id", "kind", "value", name=op.f("uq_holder_identifiers_user_id_kind_value")
        ),
    )
    with op.batch_alter_table("holder_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holder_identifiers_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("holder_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holder_identifiers_user_id"))

    op.drop_table("holder_identifiers")
    op.drop_table("users")
