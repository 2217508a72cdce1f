"""Connections to issuers' platforms: registration, sealed tokens and the pending authorization."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet.models.base import Base, enum_by_value, utcnow


class ConnectionState(enum.Enum):
    """Where a connection is: waiting for the holder's consent, working, or needing it again."""

    PENDING = "pending"
    ACTIVE = "active"
    REAUTHORIZE = "reauthorize"


class Connection(Base):
    """A holder's link to one Open Badges 3.0 platform; secrets are sealed, never plain."""

    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("user_id", "address"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The discovery URL, normalised: one connection per platform and holder.
    address: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[ConnectionState] = mapped_column(enum_by_value(ConnectionState))
    service: Mapped[dict[str, Any]] = mapped_column(JSON)
    client_id: Mapped[str] = mapped_column(String(255))
    auth_method: Mapped[str] = mapped_column(String(32))
    sealed_client_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_tokens: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The authorization in progress: the state's SHA-256 and the sealed PKCE verifier.
    pending_state_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    sealed_verifier: Mapped[bytes | None] = mapped_column(LargeBinary)
    pending_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_synced_at: Mapped[datetime | None]
    credential_count: Mapped[int] = mapped_column(Integer, default=0)
    last_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL")
    )
