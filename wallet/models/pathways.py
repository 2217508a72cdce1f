"""A holder's pathways and their answers to suggested matches."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wallet.models.base import Base, enum_by_value, utcnow


class HolderPathway(Base):
    """A pathway a holder follows: a shipped template, an imported document or their own.

    ``document`` is the validated Plecak pathway document; ``key`` is its id, unique per holder.
    """

    __tablename__ = "holder_pathways"
    __table_args__ = (UniqueConstraint("user_id", "key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    template_key: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    on_cv: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchDecision(enum.Enum):
    """The holder's answer to a suggested match."""

    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PathwayDecision(Base):
    """The holder confirmed or rejected that a credential satisfies a requirement."""

    __tablename__ = "pathway_decisions"
    __table_args__ = (
        UniqueConstraint("pathway_id", "leaf_id", "credential_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(
        ForeignKey("holder_pathways.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    leaf_id: Mapped[str] = mapped_column(String(200))
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[MatchDecision] = mapped_column(enum_by_value(MatchDecision))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
