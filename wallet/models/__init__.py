"""The database schema: typed SQLAlchemy 2.x models."""

from wallet.models.accounts import HolderIdentifier, IdentifierKind, User
from wallet.models.base import Base
from wallet.models.credentials import Credential, DocumentLink, VerificationRun
from wallet.models.imports import ImportItem, ImportJob, ItemOutcome, JobState
from wallet.models.pathways import HolderPathway, MatchDecision, PathwayDecision
from wallet.models.portfolio import (
    Collection,
    CollectionItem,
    CredentialTag,
    Notice,
    NoticeKind,
    Tag,
)

__all__ = [
    "Base",
    "Collection",
    "CollectionItem",
    "Credential",
    "CredentialTag",
    "DocumentLink",
    "HolderIdentifier",
    "HolderPathway",
    "IdentifierKind",
    "ImportItem",
    "ImportJob",
    "ItemOutcome",
    "JobState",
    "MatchDecision",
    "Notice",
    "NoticeKind",
    "PathwayDecision",
    "Tag",
    "User",
    "VerificationRun",
]
