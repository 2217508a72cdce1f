"""Apps a holder lets read their credentials: registrations, grants, hashed tokens, access log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wallet.models.base import Base, enum_by_value, utcnow


class AppClient(Base):
    """An application registered dynamically (RFC 7591); only its secret's SHA-256 is kept."""

    __tablename__ = "app_clients"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    client_uri: Mapped[str | None] = mapped_column(String(500))
    logo_uri: Mapped[str | None] = mapped_column(String(500))
    tos_uri: Mapped[str | None] = mapped_column(String(500))
    policy_uri: Mapped[str | None] = mapped_column(String(500))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    scope: Mapped[str] = mapped_column(String(1000))
    auth_method: Mapped[str] = mapped_column(String(32))
    grant_types: Mapped[list[str]] = mapped_column(JSON)
    software_id: Mapped[str | None] = mapped_column(String(200))
    software_version: Mapped[str | None] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppGrant(Base):
    """A holder's consent for one app: the scopes and exactly which credentials it may read.

    Revoking ends every token and forgets the chosen credentials; the row stays (with
    ``revoked_at``) so that the holder keeps the app's access log.
    """

    __tablename__ = "app_grants"
    __table_args__ = (UniqueConstraint("user_id", "client_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("app_clients.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(1000))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    client: Mapped[AppClient] = relationship(lazy="joined")
    shared: Mapped[list[AppGrantCredential]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class AppGrantCredential(Base):
    """One credential a grant lets the app read (gone with the credential when it is deleted)."""

    __tablename__ = "app_grant_credentials"

    grant_id: Mapped[int] = mapped_column(
        ForeignKey("app_grants.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AppAuthorizationCode(Base):
    """An authorization code waiting to be exchanged: its hash, PKCE challenge and redirect."""

    __tablename__ = "app_authorization_codes"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("app_grants.id", ondelete="CASCADE"), index=True
    )
    redirect_uri: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(1000))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    expires_at: Mapped[datetime]


class AppToken(Base):
    """An access token and its refresh token, by their SHA-256 only (never the tokens)."""

    __tablename__ = "app_tokens"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("app_grants.id", ondelete="CASCADE"), index=True
    )
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(1000))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    refresh_expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    grant: Mapped[AppGrant] = relationship(lazy="joined")


class AccessKind(enum.Enum):
    """What an app read."""

    CREDENTIALS = "credentials"
    PROFILE = "profile"


class AppAccess(Base):
    """One read by an app, for the holder's access log."""

    __tablename__ = "app_access_log"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("app_grants.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[AccessKind] = mapped_column(enum_by_value(AccessKind))
    # For credentials: how many were served, from which offset, of how many granted.
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
