"""What a holder sends out: share links with their chosen fields and view log, holder keys, CVs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wallet.models.base import Base, enum_by_value, utcnow


class DeviceClass(enum.Enum):
    """The coarse kind of device a link was opened on (nothing finer is kept)."""

    PHONE = "phone"
    TABLET = "tablet"
    COMPUTER = "computer"
    OTHER = "other"


class ShareLink(Base):
    """A link that discloses chosen credentials; only the token's SHA-256 is stored."""

    __tablename__ = "share_links"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    passcode_hash: Mapped[str | None] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    challenge: Mapped[str] = mapped_column(String(64))

    items: Mapped[list[ShareItem]] = relationship(
        back_populates="link",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ShareItem.position",
    )
    views: Mapped[list[ShareView]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ShareView.viewed_at.desc()"
    )


class ShareItem(Base):
    """One credential in a link, with the optional fields the holder chose to show."""

    __tablename__ = "share_items"
    __table_args__ = (UniqueConstraint("link_id", "credential_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    show_grade: Mapped[bool] = mapped_column(Boolean, default=False)
    show_evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    show_recipient: Mapped[bool] = mapped_column(Boolean, default=False)

    link: Mapped[ShareLink] = relationship(back_populates="items")


class ShareView(Base):
    """One opening of a link: when, and on what kind of device (no address is kept)."""

    __tablename__ = "share_views"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    device: Mapped[DeviceClass] = mapped_column(enum_by_value(DeviceClass))


class HolderKey(Base):
    """The holder's own signing key (did:key, Ed25519); the private half is encrypted."""

    __tablename__ = "holder_keys"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    did: Mapped[str] = mapped_column(String(200))
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CvProfile(Base):
    """A holder's public CV: texts per language, chosen contacts, entries and credentials."""

    __tablename__ = "cv_profiles"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    display_name: Mapped[str] = mapped_column(String(120))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contacts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    experience: Mapped[list[Any]] = mapped_column(JSON, default=list)
    education: Mapped[list[Any]] = mapped_column(JSON, default=list)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_media_type: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[CvItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CvItem.position"
    )


class CvItem(Base):
    """A credential shown on the CV, in the holder's order."""

    __tablename__ = "cv_items"
    __table_args__ = (
        UniqueConstraint("profile_id", "credential_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("cv_profiles.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
