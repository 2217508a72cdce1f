"""The database schema: typed SQLAlchemy 2.x models."""

from wallet.models.accounts import HolderIdentifier, IdentifierKind, User
from wallet.models.base import Base
from wallet.models.connect import Connection, ConnectionState
from wallet.models.credentials import Credential, DocumentLink, VerificationRun
from wallet.models.didauth import DidChallenge
from wallet.models.imports import ImportItem, ImportJob, ImportUpload, ItemOutcome, JobState
from wallet.models.pathways import HolderPathway, MatchDecision, PathwayDecision
from wallet.models.portfolio import (
    Collection,
    CollectionItem,
    CredentialTag,
    Notice,
    NoticeKind,
    Tag,
)
from wallet.models.provider import (
    AccessKind,
    AppAccess,
    AppAuthorizationCode,
    AppClient,
    AppGrant,
    AppGrantCredential,
    AppToken,
)
from wallet.models.share import (
    CvItem,
    CvProfile,
    DeviceClass,
    HolderKey,
    ShareItem,
    ShareLink,
    ShareView,
)

__all__ = [
    "AccessKind",
    "AppAccess",
    "AppAuthorizationCode",
    "AppClient",
    "AppGrant",
    "AppGrantCredential",
    "AppToken",
    "Base",
    "Collection",
    "CollectionItem",
    "Connection",
    "ConnectionState",
    "Credential",
    "CredentialTag",
    "CvItem",
    "CvProfile",
    "DeviceClass",
    "DidChallenge",
    "DocumentLink",
    "HolderIdentifier",
    "HolderKey",
    "HolderPathway",
    "IdentifierKind",
    "ImportItem",
    "ImportJob",
    "ImportUpload",
    "ItemOutcome",
    "JobState",
    "MatchDecision",
    "Notice",
    "NoticeKind",
    "PathwayDecision",
    "ShareItem",
    "ShareLink",
    "ShareView",
    "Tag",
    "User",
    "VerificationRun",
]
