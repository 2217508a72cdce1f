"""Stored credentials with chosen text, skills and tags, for search tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.envelope import CredentialFormat
from wallet.models import Credential, CredentialTag, Tag
from wallet.records import (
    CredentialRecord,
    Criteria,
    Level,
    LocalizedText,
    Organisation,
    Skill,
    record_to_json,
)
from wallet.verification.report import Verdict

_serial = itertools.count(1)


def store_credential(
    session: Session,
    user_id: int,
    title: str,
    *,
    issuer: str = "Politechnika Przykładowa",
    description: str = "",
    criteria: str = "",
    skills: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    eqf: int | None = None,
    issued_on: datetime | None = datetime(2024, 3, 1, tzinfo=UTC),
    verdict: Verdict = Verdict.VERIFIED,
    note: str | None = None,
    concepts: tuple[tuple[str, dict[str, str]], ...] = (),
) -> Credential:
    """A credential row as an import would store it, flushed but not committed."""
    record = CredentialRecord(
        format=CredentialFormat.VC_DATA_INTEGRITY,
        title=LocalizedText.of({"pl": title}),
        description=LocalizedText.of({"pl": description}),
        criteria=Criteria(narrative=LocalizedText.of({"pl": criteria})),
        awarding_bodies=(Organisation(name=LocalizedText.of({"pl": issuer})),),
        issued_on=issued_on,
        skills=tuple(
            Skill(uri=f"urn:skill:{n}", label=LocalizedText.of({"pl": s}))
            for n, s in enumerate(skills)
        )
        + tuple(Skill(uri=uri, label=LocalizedText.of(labels)) for uri, labels in concepts),
        level=Level(eqf=eqf),
    )
    credential = Credential(
        user_id=user_id,
        content_hash=f"{next(_serial):064d}",
        raw=b"{}",
        media_type="application/json",
        source="test.json",
        format=CredentialFormat.VC_DATA_INTEGRITY,
        record=dict(record_to_json(record)),
        record_version=1,
        linked={},
        title=title,
        issuer_name=issuer,
        issued_on=issued_on,
        verdict=verdict,
        report=[],
        verified_at=datetime.now(UTC),
        note=note,
    )
    session.add(credential)
    session.flush()
    for name in tags:
        tag_credential(session, credential, name)
    return credential


def tag_credential(session: Session, credential: Credential, name: str) -> Tag:
    """Put the owner's tag ``name`` (made if new) on ``credential``."""
    tag = session.scalar(select(Tag).where(Tag.user_id == credential.user_id, Tag.name == name))
    if tag is None:
        tag = Tag(user_id=credential.user_id, name=name)
        session.add(tag)
        session.flush()
    session.add(CredentialTag(credential_id=credential.id, tag_id=tag.id, user_id=tag.user_id))
    session.flush()
    return tag
