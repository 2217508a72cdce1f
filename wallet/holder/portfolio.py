"""Organising a holder's credentials: list, hide, delete, notes, tags, collections, skills."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sqlalchemy import Select, case, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from wallet.errors import N_, ConflictError, NotFoundError, ValidationError
from wallet.holder.credentials import get_credential
from wallet.models import (
    Collection,
    CollectionItem,
    Credential,
    CredentialTag,
    Notice,
    PathwayDecision,
    Tag,
)
from wallet.verification.report import Verdict

MAX_TAG_CHARS = 80
MAX_COLLECTION_CHARS = 120
MAX_NOTE_CHARS = 5000


class SortKey(enum.Enum):
    """What the credential list is ordered by."""

    DATE = "date"
    ISSUER = "issuer"
    TITLE = "title"
    STATUS = "status"


# Verified first, then unverifiable, then failed: the order a holder scans for trouble.
_VERDICT_RANK = {Verdict.VERIFIED: 0, Verdict.UNVERIFIABLE: 1, Verdict.FAILED: 2}


@dataclass(frozen=True)
class ListQuery:
    """How to list credentials: order, direction, and filters."""

    sort: SortKey = SortKey.DATE
    descending: bool = True
    include_hidden: bool = False
    tag_id: int | None = None
    collection_id: int | None = None
    page: int = 1
    page_size: int | None = None  # None lists everything


@dataclass(frozen=True)
class TagCount:
    """A tag and how many credentials carry it."""

    id: int
    name: str
    count: int


@dataclass(frozen=True)
class CollectionSummary:
    """A collection and how many credentials it holds."""

    id: int
    name: str
    description: str | None
    count: int


def list_credentials(session: Session, user_id: int, query: ListQuery) -> list[Credential]:
    """The user's credentials, filtered, ordered and paged as ``query`` asks."""
    statement = _filtered(user_id, query)
    keys = _order(query.sort)
    ordered = [key.desc() if query.descending else key.asc() for key in keys]
    statement = statement.order_by(*ordered, Credential.id.desc())
    if query.page_size is not None:
        statement = statement.limit(query.page_size).offset((query.page - 1) * query.page_size)
    return list(session.scalars(statement))


def count_credentials(session: Session, user_id: int, query: ListQuery) -> int:
    """How many credentials ``query`` matches over all its pages."""
    counted = _filtered(user_id, query).with_only_columns(func.count(Credential.id))
    return int(session.scalar(counted.order_by(None)) or 0)


def _filtered(user_id: int, query: ListQuery) -> Select[Credential]:
    statement = select(Credential).where(Credential.user_id == user_id)
    if not query.include_hidden:
        statement = statement.where(Credential.hidden.is_(False))
    if query.tag_id is not None:
        statement = statement.join(
            CredentialTag, CredentialTag.credential_id == Credential.id
        ).where(CredentialTag.tag_id == query.tag_id, CredentialTag.user_id == user_id)
    if query.collection_id is not None:
        statement = statement.join(
            CollectionItem, CollectionItem.credential_id == Credential.id
        ).where(
            CollectionItem.collection_id == query.collection_id,
            CollectionItem.user_id == user_id,
        )
    return statement


def _order(sort: SortKey) -> list[ColumnElement[object]]:
    date: ColumnElement[object] = func.coalesce(Credential.issued_on, Credential.imported_at)
    if sort is SortKey.ISSUER:
        return [func.lower(Credential.issuer_name), func.lower(Credential.title)]
    if sort is SortKey.TITLE:
        return [func.lower(Credential.title)]
    if sort is SortKey.STATUS:
        rank = case(
            *[(Credential.verdict == verdict, rank) for verdict, rank in _VERDICT_RANK.items()],
            else_=3,
        )
        return [rank, date]
    return [date]


def set_hidden(session: Session, user_id: int, credential_id: int, hidden: bool) -> Credential:
    """Hide a credential from the list (or show it again); nothing else changes."""
    credential = get_credential(session, user_id, credential_id)
    credential.hidden = hidden
    session.flush()
    return credential


def delete_credential(session: Session, user_id: int, credential_id: int) -> int:
    """Delete a credential with its history, tags, collection places and notices.

    The caller removes the cached image file after committing (``images.delete_cached_image``).
    """
    credential = get_credential(session, user_id, credential_id)
    # Foreign keys cascade too; deleting explicitly keeps the session's identity map honest.
    for model in (CredentialTag, CollectionItem, Notice, PathwayDecision):
        session.execute(delete(model).where(model.credential_id == credential.id))
    session.delete(credential)
    session.flush()
    return credential_id


def set_note(session: Session, user_id: int, credential_id: int, note: str) -> Credential:
    """Keep the holder's own plain-text note on a credential (empty clears it)."""
    credential = get_credential(session, user_id, credential_id)
    text = note.replace("\r\n", "\n").strip()
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError(N_("The note is too long."), code="note_length")
    credential.note = text or None
    session.flush()
    return credential


def _clean_name(name: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", name).strip()
    if not text:
        raise ValidationError(N_("Enter a name."), code="name_empty")
    if len(text) > limit:
        raise ValidationError(N_("The name is too long."), code="name_length")
    return text


def add_tag(session: Session, user_id: int, credential_id: int, name: str) -> Tag:
    """Put a tag on a credential, creating the user's tag of that name if needed."""
    credential = get_credential(session, user_id, credential_id)
    text = _clean_name(name, MAX_TAG_CHARS)
    tag = session.scalar(
        select(Tag).where(Tag.user_id == user_id, func.lower(Tag.name) == text.lower())
    )
    if tag is None:
        tag = Tag(user_id=user_id, name=text)
        session.add(tag)
        session.flush()
    if session.get(CredentialTag, (credential.id, tag.id)) is None:
        session.add(CredentialTag(credential_id=credential.id, tag_id=tag.id, user_id=user_id))
        session.flush()
    return tag


def remove_tag(session: Session, user_id: int, credential_id: int, tag_id: int) -> None:
    """Take a tag off a credential; a tag no credential carries any more is deleted."""
    credential = get_credential(session, user_id, credential_id)
    link = session.get(CredentialTag, (credential.id, tag_id))
    if link is None or link.user_id != user_id:
        raise NotFoundError(N_("No such tag."))
    session.delete(link)
    session.flush()
    still_used = session.scalar(select(CredentialTag.tag_id).where(CredentialTag.tag_id == tag_id))
    if still_used is None:
        session.execute(delete(Tag).where(Tag.id == tag_id, Tag.user_id == user_id))
    session.flush()


def list_tags(session: Session, user_id: int) -> list[TagCount]:
    """The user's tags by name, with how many credentials carry each."""
    rows = session.execute(
        select(Tag.id, Tag.name, func.count(CredentialTag.credential_id))
        .outerjoin(CredentialTag, CredentialTag.tag_id == Tag.id)
        .where(Tag.user_id == user_id)
        .group_by(Tag.id, Tag.name)
        .order_by(func.lower(Tag.name))
    )
    return [TagCount(id=row[0], name=row[1], count=row[2]) for row in rows]


def tags_of(session: Session, user_id: int, credential_id: int) -> list[Tag]:
    """The tags on one of the user's credentials, by name."""
    return list(
        session.scalars(
            select(Tag)
            .join(CredentialTag, CredentialTag.tag_id == Tag.id)
            .where(CredentialTag.credential_id == credential_id, Tag.user_id == user_id)
            .order_by(func.lower(Tag.name))
        )
    )


def get_tag(session: Session, user_id: int, tag_id: int) -> Tag:
    """One of the user's tags; ``NotFoundError`` for anyone else's."""
    tag = session.get(Tag, tag_id)
    if tag is None or tag.user_id != user_id:
        raise NotFoundError(N_("No such tag."))
    return tag


def create_collection(
    session: Session, user_id: int, name: str, description: str | None = None
) -> Collection:
    """A new, empty collection; names are unique per user."""
    text = _clean_name(name, MAX_COLLECTION_CHARS)
    _require_free_name(session, user_id, text)
    collection = Collection(
        user_id=user_id, name=text, description=(description or "").strip() or None
    )
    session.add(collection)
    session.flush()
    return collection


def rename_collection(session: Session, user_id: int, collection_id: int, name: str) -> Collection:
    """Give a collection another name (unique per user)."""
    collection = get_collection(session, user_id, collection_id)
    text = _clean_name(name, MAX_COLLECTION_CHARS)
    if text.lower() != collection.name.lower():
        _require_free_name(session, user_id, text)
    collection.name = text
    session.flush()
    return collection


def delete_collection(session: Session, user_id: int, collection_id: int) -> None:
    """Delete a collection; the credentials in it stay."""
    collection = get_collection(session, user_id, collection_id)
    session.execute(delete(CollectionItem).where(CollectionItem.collection_id == collection.id))
    session.delete(collection)
    session.flush()


def get_collection(session: Session, user_id: int, collection_id: int) -> Collection:
    """One of the user's collections; ``NotFoundError`` for anyone else's."""
    collection = session.get(Collection, collection_id)
    if collection is None or collection.user_id != user_id:
        raise NotFoundError(N_("No such collection."))
    return collection


def add_to_collection(
    session: Session, user_id: int, collection_id: int, credential_id: int
) -> None:
    """Put a credential at the end of a collection (no change if it is there already)."""
    collection = get_collection(session, user_id, collection_id)
    credential = get_credential(session, user_id, credential_id)
    if session.get(CollectionItem, (collection.id, credential.id)) is not None:
        return
    last = session.scalar(
        select(func.max(CollectionItem.position)).where(
            CollectionItem.collection_id == collection.id
        )
    )
    session.add(
        CollectionItem(
            collection_id=collection.id,
            credential_id=credential.id,
            user_id=user_id,
            position=(last or 0) + 1,
        )
    )
    session.flush()


def remove_from_collection(
    session: Session, user_id: int, collection_id: int, credential_id: int
) -> None:
    """Take a credential out of a collection."""
    collection = get_collection(session, user_id, collection_id)
    item = session.get(CollectionItem, (collection.id, credential_id))
    if item is None or item.user_id != user_id:
        raise NotFoundError(N_("The credential is not in this collection."))
    session.delete(item)
    session.flush()


def list_collections(session: Session, user_id: int) -> list[CollectionSummary]:
    """The user's collections by name, with their sizes."""
    rows = session.execute(
        select(
            Collection.id,
            Collection.name,
            Collection.description,
            func.count(CollectionItem.credential_id),
        )
        .outerjoin(CollectionItem, CollectionItem.collection_id == Collection.id)
        .where(Collection.user_id == user_id)
        .group_by(Collection.id, Collection.name, Collection.description)
        .order_by(func.lower(Collection.name))
    )
    return [CollectionSummary(row[0], row[1], row[2], row[3]) for row in rows]


def collections_of(session: Session, user_id: int, credential_id: int) -> list[Collection]:
    """The user's collections that hold a credential."""
    return list(
        session.scalars(
            select(Collection)
            .join(CollectionItem, CollectionItem.collection_id == Collection.id)
            .where(CollectionItem.credential_id == credential_id, Collection.user_id == user_id)
            .order_by(func.lower(Collection.name))
        )
    )


def collection_credentials(session: Session, user_id: int, collection_id: int) -> list[Credential]:
    """The credentials of a collection in the holder's order."""
    collection = get_collection(session, user_id, collection_id)
    return list(
        session.scalars(
            select(Credential)
            .join(CollectionItem, CollectionItem.credential_id == Credential.id)
            .where(CollectionItem.collection_id == collection.id, Credential.user_id == user_id)
            .order_by(CollectionItem.position, Credential.id)
        )
    )


def _require_free_name(session: Session, user_id: int, name: str) -> None:
    taken = session.scalar(
        select(Collection.id).where(
            Collection.user_id == user_id, func.lower(Collection.name) == name.lower()
        )
    )
    if taken is not None:
        raise ConflictError(N_("You already have a collection with this name."), code="duplicate")


def file_credential(
    session: Session,
    user_id: int,
    credential_id: int,
    *,
    collection_id: int | None = None,
    new_name: str | None = None,
) -> Collection:
    """Put a credential in a collection: an existing one, or a new one named ``new_name``."""
    if new_name and new_name.strip():
        collection = create_collection(session, user_id, new_name)
    elif collection_id is not None:
        collection = get_collection(session, user_id, collection_id)
    else:
        raise ValidationError(N_("Choose a collection or name a new one."), code="collection")
    add_to_collection(session, user_id, collection.id, credential_id)
    return collection


@dataclass(frozen=True)
class PortfolioSummary:
    """Counts for the start page, and the latest credentials."""

    total: int
    verified: int
    failed: int
    unverifiable: int
    hidden: int
    latest: tuple[Credential, ...]


def summarise(session: Session, user_id: int, latest: int = 3) -> PortfolioSummary:
    """How many credentials the user has, by verdict, and the ``latest`` visible ones."""
    rows = session.execute(
        select(Credential.verdict, Credential.hidden, func.count())
        .where(Credential.user_id == user_id)
        .group_by(Credential.verdict, Credential.hidden)
    ).all()
    by_verdict = dict.fromkeys(Verdict, 0)
    for verdict, _hidden, count in rows:
        by_verdict[verdict] += count
    recent = list_credentials(session, user_id, ListQuery())[:latest]
    return PortfolioSummary(
        total=sum(by_verdict.values()),
        verified=by_verdict[Verdict.VERIFIED],
        failed=by_verdict[Verdict.FAILED],
        unverifiable=by_verdict[Verdict.UNVERIFIABLE],
        hidden=sum(count for _verdict, hidden, count in rows if hidden),
        latest=tuple(recent),
    )
