"""Recreating what refers to credentials: tags, collections, pathways, pairs, CV, share links.

Each entry is added only when the account lacks it, and an entry that does not validate (or
names a credential that did not come back) is skipped: it is the holder's own data, checked
by the same services that check it when typed in.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial

from argon2 import Parameters, extract_parameters
from argon2.exceptions import InvalidHashError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet.errors import WalletError
from wallet.holder import documents, pathways, portfolio
from wallet.models import (
    Collection,
    CvProfile,
    DeviceClass,
    DocumentLink,
    HolderPathway,
    MatchDecision,
    PathwayDecision,
    ShareItem,
    ShareLink,
    ShareView,
)
from wallet.models.base import utcnow
from wallet.passwords import hash_password
from wallet.pathways.definition import pathway_to_json, read_pathway
from wallet.share import cv, links

from .payload import (
    Backup,
    CollectionEntry,
    CvEntry,
    DecisionEntry,
    PathwayEntry,
    ShareLinkEntry,
)

Ids = Mapping[str, int]
_SLUG = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_PHOTO_TYPES = ("image/png", "image/jpeg", "image/webp")
MAX_PHOTO_BYTES = 2 * 1024 * 1024


def recreate_all(session: Session, user_id: int, backup: Backup, ids: Ids) -> int:
    """Add every missing entry of ``backup`` that refers to credentials; how many were added."""
    added = 0
    for tag in backup.tags:
        for digest in tag.credentials:
            added += _attempt(session, partial(_tag, session, user_id, ids, digest, tag.name))
    for collection in backup.collections:
        added += _attempt(session, partial(_collection, session, user_id, ids, collection))
    for pathway in backup.pathways:
        added += _attempt(session, partial(_pathway, session, user_id, ids, pathway))
    for pair in backup.document_links:
        if pair.document in ids and pair.credential in ids:
            added += _attempt(
                session, partial(_pair, session, user_id, ids[pair.document], ids[pair.credential])
            )
    if backup.cv is not None:
        added += _attempt(session, partial(_cv, session, user_id, ids, backup.cv))
    for link in backup.share_links:
        added += _attempt(session, partial(_link, session, user_id, ids, link))
    return added


def _attempt(session: Session, step: Callable[[], int]) -> int:
    """Run one entry's step in a savepoint: an invalid entry is skipped, not half-added."""
    try:
        with session.begin_nested():
            return step()
    except WalletError:
        return 0


def _tag(session: Session, user_id: int, ids: Ids, digest: str, name: str) -> int:
    if digest not in ids:
        return 0
    before = len(portfolio.tags_of(session, user_id, ids[digest]))
    portfolio.add_tag(session, user_id, ids[digest], name)
    return len(portfolio.tags_of(session, user_id, ids[digest])) - before


def _collection(session: Session, user_id: int, ids: Ids, entry: CollectionEntry) -> int:
    collection = session.scalar(
        select(Collection).where(
            Collection.user_id == user_id, func.lower(Collection.name) == entry.name.lower()
        )
    )
    added = 0
    if collection is None:
        collection = portfolio.create_collection(session, user_id, entry.name, entry.description)
        collection.created_at = entry.created_at
        added = 1
    present = {c.id for c in portfolio.collection_credentials(session, user_id, collection.id)}
    for digest in entry.credentials:
        if digest in ids and ids[digest] not in present:
            portfolio.add_to_collection(session, user_id, collection.id, ids[digest])
            added += 1
    return added


def _pathway(session: Session, user_id: int, ids: Ids, entry: PathwayEntry) -> int:
    stored = session.scalar(
        select(HolderPathway).where(
            HolderPathway.user_id == user_id, HolderPathway.key == entry.key
        )
    )
    added = 0
    if stored is None:
        definition = read_pathway(entry.document)
        if definition.id != entry.key:
            return 0
        stored = pathways.store_pathway(
            session, user_id, definition, template_key=entry.template_key
        )
        stored.document = pathway_to_json(definition)
        stored.on_cv = entry.on_cv
        stored.created_at = entry.created_at
        stored.updated_at = entry.updated_at
        added = 1
    for decision in entry.decisions:
        if decision.credential not in ids:
            continue
        exists = session.scalar(
            select(PathwayDecision.id).where(
                PathwayDecision.pathway_id == stored.id,
                PathwayDecision.leaf_id == decision.leaf_id,
                PathwayDecision.credential_id == ids[decision.credential],
            )
        )
        if exists is None:
            added += _attempt(session, partial(_decide, session, user_id, stored.id, ids, decision))
    return added


def _decide(
    session: Session, user_id: int, pathway_id: int, ids: Ids, decision: DecisionEntry
) -> int:
    try:
        answer = MatchDecision(decision.decision)
    except ValueError:
        return 0
    credential_id = ids[decision.credential]
    pathways.decide(session, user_id, pathway_id, decision.leaf_id, credential_id, answer)
    made = session.scalar(
        select(PathwayDecision).where(
            PathwayDecision.pathway_id == pathway_id,
            PathwayDecision.leaf_id == decision.leaf_id,
            PathwayDecision.credential_id == credential_id,
        )
    )
    if made is not None:
        made.decided_at = decision.decided_at
    return 1


def _pair(session: Session, user_id: int, document_id: int, credential_id: int) -> int:
    exists = session.scalar(select(DocumentLink.id).where(DocumentLink.document_id == document_id))
    if exists is not None:
        return 0
    documents.confirm_companion(session, user_id, document_id, credential_id)
    return 1


def _cv(session: Session, user_id: int, ids: Ids, entry: CvEntry | None) -> int:
    if entry is None or cv.get_profile(session, user_id) is not None:
        return 0
    texts = entry.texts
    profile = cv.save_profile(
        session,
        user_id,
        cv.ProfileInput(
            display_name=entry.display_name,
            language=entry.language,
            headline=_by_language(texts.get("headline")),
            summary=_by_language(texts.get("summary")),
            contacts=_strings(entry.contacts),
            experience=_entries(entry.experience),
            education=_entries(entry.education),
            languages=_strings(entry.languages),
            skills=_strings(entry.skills),
            credential_ids=[ids[item.credential] for item in entry.items if item.credential in ids],
            slug=None,
            published=entry.published,
        ),
        entry.updated_at,
    )
    taken = session.scalar(select(CvProfile.id).where(CvProfile.slug == entry.slug))
    if _SLUG.match(entry.slug) and taken is None:
        profile.slug = entry.slug
    notes = {ids[i.credential]: i.note for i in entry.items if i.credential in ids}
    for item in profile.items:
        item.note = (notes.get(item.credential_id) or "").strip()[:5000] or None
    photo = entry.photo
    if photo and entry.photo_media_type in _PHOTO_TYPES and len(photo) <= MAX_PHOTO_BYTES:
        profile.photo, profile.photo_media_type = entry.photo, entry.photo_media_type
    session.flush()
    return 1


def _by_language(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if k in cv.LANGUAGES and isinstance(v, str)}


def _strings(values: Sequence[object]) -> list[str]:
    return cv.lines_of("\n".join(v for v in values if isinstance(v, str)))


def _entries(values: Sequence[object]) -> list[cv.Entry]:
    lines = []
    for value in values:
        if isinstance(value, list) and all(isinstance(part, str) for part in value):
            lines.append(" | ".join(str(part).replace("|", "/") for part in value))
    return cv.parse_entries("\n".join(lines))


def _link(session: Session, user_id: int, ids: Ids, entry: ShareLinkEntry) -> int:
    exists = session.scalar(
        select(ShareLink.id).where(
            ShareLink.user_id == user_id,
            (ShareLink.token_hash == entry.token_hash) | (ShareLink.challenge == entry.challenge),
        )
    )
    chosen = [item for item in entry.items if item.credential in ids]
    if exists is not None or not chosen or not entry.label.strip():
        return 0
    taken = session.scalar(select(ShareLink.id).where(ShareLink.token_hash == entry.token_hash))
    # A hash another account holds stays theirs; this copy gets one no token opens.
    token_hash = entry.token_hash if taken is None else links.token_hash(secrets.token_urlsafe(24))
    passcode_ok = entry.passcode_hash is None or _acceptable_hash(entry.passcode_hash)
    link = ShareLink(
        user_id=user_id,
        token_hash=token_hash,
        label=entry.label.strip()[:120],
        created_at=entry.created_at,
        expires_at=entry.expires_at,
        # A passcode that cannot be checked safely must not leave the link open to anyone.
        revoked_at=entry.revoked_at if passcode_ok else (entry.revoked_at or utcnow()),
        passcode_hash=entry.passcode_hash if passcode_ok else None,
        failed_attempts=0,
        challenge=entry.challenge or secrets.token_urlsafe(16),
    )
    link.items = [
        ShareItem(
            user_id=user_id,
            credential_id=ids[item.credential],
            position=position,
            show_grade=item.show_grade,
            show_evidence=item.show_evidence,
            show_recipient=item.show_recipient,
        )
        for position, item in enumerate(dict((i.credential, i) for i in chosen).values())
    ]
    session.add(link)
    session.flush()
    for view in entry.views:
        device = DeviceClass(view.device) if view.device in _DEVICES else DeviceClass.OTHER
        session.add(
            ShareView(link_id=link.id, user_id=user_id, viewed_at=view.viewed_at, device=device)
        )
    session.flush()
    return 1


_DEVICES = {member.value for member in DeviceClass}


@cache
def _passcode_limits() -> Parameters:
    """What Plecak's own passcode hashes cost: a hash from a file may not cost more to check."""
    return extract_parameters(hash_password("a passcode"))


def _acceptable_hash(passcode_hash: str) -> bool:
    limits = _passcode_limits()
    try:
        parameters = extract_parameters(passcode_hash)
    except (InvalidHashError, ValueError):
        return False
    return (
        parameters.type == limits.type
        and parameters.memory_cost <= limits.memory_cost
        and parameters.time_cost <= limits.time_cost
        and parameters.parallelism <= limits.parallelism
    )
