"""Stored credentials: the original bytes, the derived record and the latest verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from wallet.envelope import CredentialFormat
from wallet.models.base import Base, enum_by_value, utcnow
from wallet.verification.report import Verdict


class Credential(Base):
    """One credential a holder imported.

    ``raw`` is kept verbatim forever: it is what signatures cover, and ``record`` (with the
    denormalised ``title``, ``issuer_name`` and ``issued_on`` used for sorting) is re-derived
    from it whenever the mappers change (``record_version``). ``linked`` keeps the documents
    fetched at import (an OB 2.0 BadgeClass, say) that the record was derived with.
    """

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("user_id", "content_hash"),
        Index("ix_credentials_user_id_issued_on", "user_id", "issued_on"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    media_type: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(500))
    format: Mapped[CredentialFormat] = mapped_column(enum_by_value(CredentialFormat))
    container_id: Mapped[int | None] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_version: Mapped[int] = mapped_column(Integer)
    linked: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(500))
    issuer_name: Mapped[str] = mapped_column(String(500))
    issued_on: Mapped[datetime | None]
    verdict: Mapped[Verdict] = mapped_column(enum_by_value(Verdict))
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    verified_at: Mapped[datetime]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    container: Mapped[Credential | None] = relationship(remote_side=[id])
    runs: Mapped[list[VerificationRun]] = relationship(
        back_populates="credential",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="VerificationRun.ran_at",
    )


class VerificationRun(Base):
    """One verification of a credential, kept as its history."""

    __tablename__ = "verification_runs"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    verdict: Mapped[Verdict] = mapped_column(enum_by_value(Verdict))
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    credential: Mapped[Credential] = relationship(back_populates="runs")


class DocumentLink(Base):
    """A PDF certificate and the credential it accompanies, as the holder confirmed them.

    A PDF and a badge for the same achievement are often issued side by side; the wallet only
    suggests the pair, the holder says whether it is one.
    """

    __tablename__ = "document_links"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), unique=True
    )
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
