"""Reading everything a holder owns into a ``Backup``: credentials by digest, not by row id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.models import (
    Collection,
    CollectionItem,
    Credential,
    CredentialTag,
    CvProfile,
    DocumentLink,
    HolderIdentifier,
    HolderPathway,
    PathwayDecision,
    ShareLink,
    Tag,
    User,
)
from wallet.share.keys import stored_holder_key

from .payload import (
    Backup,
    CollectionEntry,
    CredentialEntry,
    CvEntry,
    CvItemEntry,
    DecisionEntry,
    DocumentLinkEntry,
    HolderKeyEntry,
    IdentifierEntry,
    PathwayEntry,
    ShareItemEntry,
    ShareLinkEntry,
    ShareViewEntry,
    TagEntry,
)


def collect_backup(
    session: Session, user: User, secret: str, now: datetime, *, with_key: bool = True
) -> Backup:
    """Everything ``user`` owns; the holder key (opened with the app ``secret``) if asked."""
    stored = list(
        session.scalars(
            select(Credential).where(Credential.user_id == user.id).order_by(Credential.id)
        )
    )
    digests = {credential.id: credential.content_hash for credential in stored}
    return Backup(
        created_at=now,
        display_name=user.display_name,
        language=user.language,
        identifiers=_identifiers(session, user.id),
        credentials=tuple(_credential(c, digests) for c in stored),
        tags=_tags(session, user.id, digests),
        collections=_collections(session, user.id, digests),
        pathways=_pathways(session, user.id, digests),
        document_links=tuple(
            DocumentLinkEntry(
                digests[link.document_id], digests[link.credential_id], link.confirmed_at
            )
            for link in session.scalars(
                select(DocumentLink)
                .where(DocumentLink.user_id == user.id)
                .order_by(DocumentLink.id)
            )
        ),
        cv=_cv(session, user.id, digests),
        share_links=_links(session, user.id, digests),
        holder_key=_holder_key(session, user.id, secret) if with_key else None,
    )


def _identifiers(session: Session, user_id: int) -> tuple[IdentifierEntry, ...]:
    rows = session.scalars(
        select(HolderIdentifier)
        .where(HolderIdentifier.user_id == user_id)
        .order_by(HolderIdentifier.id)
    )
    return tuple(IdentifierEntry(i.kind.value, i.value, i.confirmed_at) for i in rows)


def _credential(credential: Credential, digests: dict[int, str]) -> CredentialEntry:
    return CredentialEntry(
        digest=credential.content_hash,
        raw=credential.raw,
        media_type=credential.media_type,
        source=credential.source,
        format=credential.format.value,
        container=digests.get(credential.container_id) if credential.container_id else None,
        hidden=credential.hidden,
        note=credential.note,
        imported_at=credential.imported_at,
    )


def _tags(session: Session, user_id: int, digests: dict[int, str]) -> tuple[TagEntry, ...]:
    entries = []
    for tag in session.scalars(select(Tag).where(Tag.user_id == user_id).order_by(Tag.id)):
        tagged = session.scalars(
            select(CredentialTag.credential_id)
            .where(CredentialTag.tag_id == tag.id)
            .order_by(CredentialTag.credential_id)
        )
        entries.append(TagEntry(tag.name, tuple(digests[cid] for cid in tagged)))
    return tuple(entries)


def _collections(
    session: Session, user_id: int, digests: dict[int, str]
) -> tuple[CollectionEntry, ...]:
    entries = []
    query = select(Collection).where(Collection.user_id == user_id).order_by(Collection.id)
    for collection in session.scalars(query):
        members = session.scalars(
            select(CollectionItem.credential_id)
            .where(CollectionItem.collection_id == collection.id)
            .order_by(CollectionItem.position, CollectionItem.credential_id)
        )
        entries.append(
            CollectionEntry(
                collection.name,
                collection.description,
                collection.created_at,
                tuple(digests[cid] for cid in members),
            )
        )
    return tuple(entries)


def _pathways(session: Session, user_id: int, digests: dict[int, str]) -> tuple[PathwayEntry, ...]:
    entries = []
    query = select(HolderPathway).where(HolderPathway.user_id == user_id).order_by(HolderPathway.id)
    for pathway in session.scalars(query):
        decisions = session.scalars(
            select(PathwayDecision)
            .where(PathwayDecision.pathway_id == pathway.id)
            .order_by(PathwayDecision.id)
        )
        entries.append(
            PathwayEntry(
                key=pathway.key,
                template_key=pathway.template_key,
                document=pathway.document,
                on_cv=pathway.on_cv,
                created_at=pathway.created_at,
                updated_at=pathway.updated_at,
                decisions=tuple(
                    DecisionEntry(
                        d.leaf_id, digests[d.credential_id], d.decision.value, d.decided_at
                    )
                    for d in decisions
                ),
            )
        )
    return tuple(entries)


def _cv(session: Session, user_id: int, digests: dict[int, str]) -> CvEntry | None:
    profile = session.scalar(select(CvProfile).where(CvProfile.user_id == user_id))
    if profile is None:
        return None
    return CvEntry(
        slug=profile.slug,
        language=profile.language,
        published=profile.published,
        display_name=profile.display_name,
        texts=profile.texts,
        contacts=profile.contacts,
        experience=profile.experience,
        education=profile.education,
        languages=profile.languages,
        skills=profile.skills,
        photo=profile.photo,
        photo_media_type=profile.photo_media_type,
        updated_at=profile.updated_at,
        items=tuple(CvItemEntry(digests[i.credential_id], i.note) for i in profile.items),
    )


def _links(session: Session, user_id: int, digests: dict[int, str]) -> tuple[ShareLinkEntry, ...]:
    query = select(ShareLink).where(ShareLink.user_id == user_id).order_by(ShareLink.id)
    return tuple(
        ShareLinkEntry(
            token_hash=link.token_hash,
            label=link.label,
            created_at=link.created_at,
            expires_at=link.expires_at,
            revoked_at=link.revoked_at,
            passcode_hash=link.passcode_hash,
            challenge=link.challenge,
            items=tuple(
                ShareItemEntry(
                    digests[i.credential_id], i.show_grade, i.show_evidence, i.show_recipient
                )
                for i in link.items
            ),
            views=tuple(ShareViewEntry(v.viewed_at, v.device.value) for v in reversed(link.views)),
        )
        for link in session.scalars(query)
    )


def _holder_key(session: Session, user_id: int, secret: str) -> HolderKeyEntry | None:
    found = stored_holder_key(session, user_id, secret)
    if found is None:
        return None
    row, private_key = found
    return HolderKeyEntry(row.did, private_key.private_bytes_raw(), row.created_at)
