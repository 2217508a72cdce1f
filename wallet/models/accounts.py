"""Accounts and the identifiers credentials may be issued to."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wallet.models.base import Base, enum_by_value, utcnow


def new_session_id() -> str:
    """A fresh random identifier naming an account in session cookies."""
    return secrets.token_urlsafe(32)


class User(Base):
    """A holder with a password login."""

    __tablename__ = "users"
    # Ids of deleted rows are never handed out again, on SQLite as on PostgreSQL.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What session cookies carry instead of the row id: replaced to end every session.
    session_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_id)

    identifiers: Mapped[list[HolderIdentifier]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Flask-Login reads these three; they hold no I/O.
    is_active = True
    is_anonymous = False
    is_authenticated = True

    def get_id(self) -> str:
        return self.session_id


class IdentifierKind(enum.Enum):
    """The kinds of recipient identifier credentials use."""

    EMAIL = "email"
    URL = "url"
    DID = "did"
    PHONE = "phone"


class HolderIdentifier(Base):
    """An identifier a credential may name as its recipient; only confirmed ones count."""

    __tablename__ = "holder_identifiers"
    __table_args__ = (UniqueConstraint("user_id", "kind", "value"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[IdentifierKind] = mapped_column(enum_by_value(IdentifierKind))
    value: Mapped[str] = mapped_column(String(512))
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="identifiers")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
