"""The skills overview: what verified, still-valid credentials evidence, and the rest apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet.errors import CredentialFormatError
from wallet.models import Credential
from wallet.records import LocalizedText, SkillFramework, record_from_json, skills_from_json
from wallet.verification.report import report_from_json
from wallet.verification.standing import Standing, standing_of


@dataclass(frozen=True)
class CredentialRef:
    """Enough of a credential to link to it."""

    id: int
    title: str


@dataclass(frozen=True)
class SkillEntry:
    """A skill across the portfolio and the credentials that evidence it."""

    uri: str
    label: LocalizedText
    framework: SkillFramework
    credentials: tuple[CredentialRef, ...]


@dataclass(frozen=True)
class UncountedCredential:
    """A credential naming skills that does not count as evidence, with why."""

    id: int
    title: str
    issuer: str
    standing: Standing


@dataclass(frozen=True)
class SkillsOverview:
    """The skills evidenced, and the credentials naming skills that were not counted."""

    entries: tuple[SkillEntry, ...]
    uncounted: tuple[UncountedCredential, ...]


def skills_overview(session: Session, user_id: int, at: datetime) -> SkillsOverview:
    """Every skill the user's visible, verified and still valid credentials align to.

    A title is listed once per skill, however many copies of it the holder keeps.
    """
    found: dict[str, SkillEntry] = {}
    uncounted: list[UncountedCredential] = []
    credentials = session.scalars(
        select(Credential)
        .where(Credential.user_id == user_id, Credential.hidden.is_(False))
        .order_by(func.lower(Credential.title), Credential.id)
    )
    for credential in credentials:
        skills = skills_from_json(credential.record)
        if not skills:
            continue
        standing = _standing_at(credential, at)
        if standing is not Standing.VERIFIED:
            uncounted.append(
                UncountedCredential(
                    credential.id, credential.title, credential.issuer_name, standing
                )
            )
            continue
        ref = CredentialRef(credential.id, credential.title)
        for skill in skills:
            entry = found.get(skill.uri) or SkillEntry(skill.uri, skill.label, skill.framework, ())
            titles = {known.title.casefold() for known in entry.credentials}
            if ref.title.casefold() not in titles:
                label = entry.label or skill.label
                entry = SkillEntry(entry.uri, label, entry.framework, (*entry.credentials, ref))
            found[skill.uri] = entry
    entries = sorted(found.values(), key=lambda e: ((e.label.get() or e.uri).lower(), e.uri))
    return SkillsOverview(tuple(entries), tuple(uncounted))


def _standing_at(credential: Credential, at: datetime) -> Standing:
    """The stored standing, or expired when its end date has passed since the last check."""
    standing = standing_of(report_from_json(credential.report))
    if standing is not Standing.VERIFIED:
        return standing
    try:
        valid_until = record_from_json(credential.record).valid_until
    except CredentialFormatError:
        return Standing.UNVERIFIABLE
    return Standing.EXPIRED if valid_until is not None and valid_until <= at else standing
