"""apps reading holders' credentials: registrations, grants, hashed tokens, access log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("client_uri", sa.String(length=500), nullable=True),
        sa.Column("logo_uri", sa.String(length=500), nullable=True),
        sa.Column("tos_uri", sa.String(length=500), nullable=True),
        sa.Column("policy_uri", sa.String(length=500), nullable=True),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("auth_method", sa.String(length=32), nullable=False),
        sa.Column("grant_types", sa.JSON(), nullable=False),
        sa.Column("software_id", sa.String(length=200), nullable=True),
        sa.Column("software_version", sa.String(length=100), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_app_clients_client_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "app_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["app_clients.id"],
            name=op.f("fk_app_grants_client_id_app_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_app_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_grants")),
        sa.UniqueConstraint("user_id", "client_id", name=op.f("uq_app_grants_user_id_client_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("app_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_grants_user_id"), ["user_id"], unique=False)

    op.create_table(
        "app_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("credentials", "profile", name="accesskind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["app_grants.id"],
            name=op.f("fk_app_access_log_grant_id_app_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_app_access_log_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_access_log")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("app_access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_access_log_grant_id"), ["grant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_app_access_log_user_id"), ["user_id"], unique=False)

    op.create_table(
        "app_authorization_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("redirect_uri", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=10), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["app_grants.id"],
            name=op.f("fk_app_authorization_codes_grant_id_app_grants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_authorization_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_app_authorization_codes_code_hash")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("app_authorization_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_app_authorization_codes_grant_id"), ["grant_id"], unique=False
        )

    op.create_table(
        "app_grant_credentials",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_app_grant_credentials_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["app_grants.id"],
            name=op.f("fk_app_grant_credentials_grant_id_app_grants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("grant_id", "credential_id", name=op.f("pk_app_grant_credentials")),
    )
    with op.batch_alter_table("app_grant_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_app_grant_credentials_credential_id"), ["credential_id"], unique=False
        )

    op.create_table(
        "app_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("access_token_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=True),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refresh_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["app_grants.id"],
            name=op.f("fk_app_tokens_grant_id_app_grants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_tokens")),
        sa.UniqueConstraint("access_token_hash", name=op.f("uq_app_tokens_access_token_hash")),
        sa.UniqueConstraint("refresh_token_hash", name=op.f("uq_app_tokens_refresh_token_hash")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("app_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_tokens_grant_id"), ["grant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("app_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_tokens_grant_id"))

    op.drop_table("app_tokens")
    with op.batch_alter_table("app_grant_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_grant_credentials_credential_id"))

    op.drop_table("app_grant_credentials")
    with op.batch_alter_table("app_authorization_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_authorization_codes_grant_id"))

    op.drop_table("app_authorization_codes")
    with op.batch_alter_table("app_access_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_access_log_user_id"))
        batch_op.drop_index(batch_op.f("ix_app_access_log_grant_id"))

    op.drop_table("app_access_log")
    with op.batch_alter_table("app_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_grants_user_id"))

    op.drop_table("app_grants")
    op.drop_table("app_clients")
