"""share links, holder keys and CVs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:29:39.304528
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "cv_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("experience", sa.JSON(), nullable=False),
        sa.Column("education", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_media_type", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cv_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cv_profiles")),
        sa.UniqueConstraint("slug", name=op.f("uq_cv_profiles_slug")),
        sa.UniqueConstraint("user_id", name=op.f("uq_cv_profiles_user_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "holder_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("did", sa.String(length=200), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_holder_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holder_keys")),
        sa.UniqueConstraint("user_id", name=op.f("uq_holder_keys_user_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("passcode_hash", sa.String(length=255), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_share_links_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_links_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cv_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_cv_items_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["cv_profiles.id"],
            name=op.f("fk_cv_items_profile_id_cv_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cv_items_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cv_items")),
        sa.UniqueConstraint(
            "profile_id", "credential_id", name=op.f("uq_cv_items_profile_id_credential_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("cv_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cv_items_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cv_items_user_id"), ["user_id"], unique=False)

    op.create_table(
        "share_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("show_grade", sa.Boolean(), nullable=False),
        sa.Column("show_evidence", sa.Boolean(), nullable=False),
        sa.Column("show_recipient", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_share_items_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_share_items_link_id_share_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_share_items_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_items")),
        sa.UniqueConstraint(
            "link_id", "credential_id", name=op.f("uq_share_items_link_id_credential_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("share_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_items_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_share_items_user_id"), ["user_id"], unique=False)

    op.create_table(
        "share_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "device",
            sa.Enum(
                "phone",
                "tablet",
                "computer",
                "other",
                name="deviceclass",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_share_views_link_id_share_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_share_views_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_views")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("share_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_views_link_id"), ["link_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_share_views_user_id"), ["user_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("share_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_views_user_id"))
        batch_op.drop_index(batch_op.f("ix_share_views_link_id"))

    op.drop_table("share_views")
    with op.batch_alter_table("share_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_items_user_id"))
        batch_op.drop_index(batch_op.f("ix_share_items_credential_id"))

    op.drop_table("share_items")
    with op.batch_alter_table("cv_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cv_items_user_id"))
        batch_op.drop_index(batch_op.f("ix_cv_items_credential_id"))

    op.drop_table("cv_items")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_links_user_id"))

    op.drop_table("share_links")
    op.drop_table("holder_keys")
    op.drop_table("cv_profiles")
