"""challenges for confirming a DID with a presentation

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-03 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "did_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_did_challenges_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_did_challenges")),
        sa.UniqueConstraint("challenge", name=op.f("uq_did_challenges_challenge")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("did_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_did_challenges_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("did_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_did_challenges_user_id"))
    op.drop_table("did_challenges")
