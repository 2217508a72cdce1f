"""The holder's CV: profile texts per language, chosen contacts, entries and credentials."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.errors import N_, ConflictError, NotFoundError, ValidationError
from wallet.models import Credential, CvItem, CvProfile
from wallet.records import record_from_json
from wallet.verification.report import report_from_json
from wallet.verification.standing import Standing, standing_of

LANGUAGES = ("pl", "en")
MAX_LINES = 30
_READABLE_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{2,38}[a-z0-9])$")


@dataclass(frozen=True)
class Entry:
    """One experience or education line: what, where, when."""

    title: str
    place: str
    period: str


@dataclass(frozen=True)
class ProfileInput:
    """What the holder typed into the CV form."""

    display_name: str
    language: str
    headline: dict[str, str]
    summary: dict[str, str]
    contacts: Sequence[str]
    experience: Sequence[Entry]
    education: Sequence[Entry]
    languages: Sequence[str]
    skills: Sequence[str]
    credential_ids: Sequence[int]
    slug: str | None
    published: bool


@dataclass(frozen=True)
class CvCredential:
    """A credential on the CV with its standing, so a failed or revoked one is never silent."""

    position: int
    credential_id: int
    title: str
    issuer: str
    issued_on: datetime | None
    standing: Standing
    hidden: bool
    skills: tuple[str, ...]
    image_url: str | None


@dataclass(frozen=True)
class CvView:
    """Everything the CV page and PDF show, in one language (sections can be added later)."""

    slug: str
    language: str
    display_name: str
    headline: str
    summary: str
    contacts: tuple[str, ...]
    experience: tuple[Entry, ...]
    education: tuple[Entry, ...]
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    credentials: tuple[CvCredential, ...]
    updated_at: datetime


def parse_entries(text: str) -> list[Entry]:
    """Lines of ``title | place | period`` (the last two optional)."""
    entries = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|")] + ["", ""]
        entries.append(Entry(parts[0][:200], parts[1][:200], parts[2][:60]))
    return entries


def _lines(text: str) -> list[str]:
    return [line.strip()[:300] for line in text.splitlines() if line.strip()][:MAX_LINES]


def lines_of(text: str) -> list[str]:
    """Non-empty lines, trimmed and bounded."""
    return _lines(text)


def get_profile(session: Session, user_id: int) -> CvProfile | None:
    """The holder's CV, if made."""
    return session.scalar(select(CvProfile).where(CvProfile.user_id == user_id))


def save_profile(session: Session, user_id: int, data: ProfileInput, now: datetime) -> CvProfile:
    """Create or update the holder's CV; the caller commits."""
    if data.language not in LANGUAGES:
        raise ValidationError(N_("Choose Polish or English for the CV."))
    if not data.display_name.strip():
        raise ValidationError(N_("Give the name the CV shows."))
    profile = get_profile(session, user_id) or CvProfile(
        user_id=user_id, slug=secrets.token_urlsafe(12)
    )
    if data.slug:
        slug = data.slug.strip().lower()
        if not _READABLE_SLUG.match(slug):
            raise ValidationError(N_("The address may use a–z, 0–9 and hyphens, 4 to 40 long."))
        taken = session.scalar(select(CvProfile).where(CvProfile.slug == slug))
        if taken is not None and taken is not profile:
            raise ConflictError(N_("That address is taken."))
        profile.slug = slug
    profile.display_name = data.display_name.strip()[:120]
    profile.language = data.language
    profile.published = data.published
    profile.texts = {
        "headline": {k: v.strip()[:200] for k, v in data.headline.items() if k in LANGUAGES},
        "summary": {k: v.strip()[:3000] for k, v in data.summary.items() if k in LANGUAGES},
    }
    profile.contacts = list(data.contacts)
    profile.experience = [[e.title, e.place, e.period] for e in data.experience]
    profile.education = [[e.title, e.place, e.period] for e in data.education]
    profile.languages = list(data.languages)
    profile.skills = list(data.skills)
    profile.updated_at = now
    chosen = []
    for credential_id in dict.fromkeys(data.credential_ids):
        credential = session.get(Credential, credential_id)
        if credential is None or credential.user_id != user_id:
            raise NotFoundError(N_("No such credential."))
        chosen.append(credential_id)
    profile.items = [
        CvItem(user_id=user_id, credential_id=cid, position=n) for n, cid in enumerate(chosen)
    ]
    session.add(profile)
    session.flush()
    return profile


def published_profile(session: Session, slug: str) -> CvProfile:
    """The published CV at ``slug``; ``NotFoundError`` otherwise."""
    profile = session.scalar(select(CvProfile).where(CvProfile.slug == slug))
    if profile is None or not profile.published:
        raise NotFoundError(N_("No such CV."))
    return profile


def cv_view(session: Session, profile: CvProfile) -> CvView:
    """The CV in its language, with each chosen credential's stored standing."""
    language = profile.language
    shown = []
    for item in profile.items:
        credential = session.get(Credential, item.credential_id)
        if credential is None:
            continue
        record = record_from_json(credential.record)
        skills = [s.label.get(language) or s.uri or "" for s in record.skills]
        skills += [
            s.label.get(language) or s.uri or "" for o in record.learning_outcomes for s in o.skills
        ]
        report = report_from_json(credential.report)
        shown.append(
            CvCredential(
                position=item.position,
                credential_id=credential.id,
                title=record.title.get(language) or credential.title,
                issuer=credential.issuer_name,
                issued_on=credential.issued_on,
                standing=standing_of(report),
                hidden=credential.hidden,
                skills=tuple(dict.fromkeys(s for s in skills if s)),
                image_url=record.image_url,
            )
        )
    texts = profile.texts or {}
    return CvView(
        slug=profile.slug,
        language=language,
        display_name=profile.display_name,
        headline=_in(texts.get("headline"), language),
        summary=_in(texts.get("summary"), language),
        contacts=tuple(str(c) for c in profile.contacts),
        experience=tuple(Entry(*map(str, e)) for e in profile.experience),
        education=tuple(Entry(*map(str, e)) for e in profile.education),
        languages=tuple(str(x) for x in profile.languages),
        skills=tuple(str(x) for x in profile.skills),
        credentials=tuple(shown),
        updated_at=profile.updated_at,
    )


def _in(texts: object, language: str) -> str:
    if not isinstance(texts, dict):
        return ""
    other = "en" if language == "pl" else "pl"
    return str(texts.get(language) or texts.get(other) or "")
