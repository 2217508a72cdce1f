"""The database schema: typed SQLAlchemy 2.x models."""

from wallet.models.accounts import HolderIdentifier, IdentifierKind, User
from wallet.models.base import Base

__all__ = ["Base", "HolderIdentifier", "IdentifierKind", "User"]
