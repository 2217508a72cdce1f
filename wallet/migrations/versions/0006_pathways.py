"""holders' pathways and their decisions on suggested matches

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holder_pathways",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("template_key", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("on_cv", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_holder_pathways_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holder_pathways")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_holder_pathways_user_id_key")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("holder_pathways", schema=None) as batch_op:
        batch_op.create_index("ix_holder_pathways_user_id", ["user_id"], unique=False)
    op.create_table(
        "pathway_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("leaf_id", sa.String(length=200), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("confirmed", "rejected", name="matchdecision", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_pathway_decisions_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["holder_pathways.id"],
            name=op.f("fk_pathway_decisions_pathway_id_holder_pathways"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pathway_decisions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_decisions")),
        sa.UniqueConstraint(
            "pathway_id",
            "leaf_id",
            "credential_id",
            name=op.f("uq_pathway_decisions_pathway_id_leaf_id_credential_id"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("pathway_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_pathway_decisions_credential_id", ["credential_id"], unique=False)
        batch_op.create_index("ix_pathway_decisions_pathway_id", ["pathway_id"], unique=False)
        batch_op.create_index("ix_pathway_decisions_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pathway_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_pathway_decisions_user_id")
        batch_op.drop_index("ix_pathway_decisions_pathway_id")
        batch_op.drop_index("ix_pathway_decisions_credential_id")
    op.drop_table("pathway_decisions")
    with op.batch_alter_table("holder_pathways", schema=None) as batch_op:
        batch_op.drop_index("ix_holder_pathways_user_id")
    op.drop_table("holder_pathways")
