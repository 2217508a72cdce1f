"""What a share link shows of each credential: exactly the chosen fields, with a live verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wallet.envelope import CredentialFormat
from wallet.holder.presentation import CheckRow, Link, check_rows, safe_url
from wallet.models import Credential, ShareItem
from wallet.records import record_from_json
from wallet.share.live import LiveReport
from wallet.verification.standing import Standing, standing_of


@dataclass(frozen=True)
class Disclosed:
    """One credential as the recipient sees it; optional fields are ``None`` when withheld."""

    position: int
    title: str
    issuer: str
    issuer_url: str | None
    issued_on: datetime | None
    valid_until: datetime | None
    description: str | None
    achievement_type: str | None
    level: str | None
    credits: str | None
    skills: tuple[Link, ...]
    grade: str | None
    evidence: tuple[Link, ...] | None
    recipient: tuple[str, ...] | None
    standing: Standing
    checks: tuple[CheckRow, ...]
    checked_at: datetime
    live: bool
    whole: bool
    has_image: bool
    sd_jwt: bool


def is_whole(item: ShareItem, credential: Credential) -> bool:
    """Whether nothing the credential holds is withheld, so its signed bytes may be offered."""
    record = record_from_json(credential.record)
    withheld = (
        (record.grade is not None and not item.show_grade)
        or (bool(record.evidence) and not item.show_evidence)
        or (bool(record.learner.identifiers or record.learner.names) and not item.show_recipient)
    )
    return not withheld


def disclose(item: ShareItem, credential: Credential, live: LiveReport, language: str) -> Disclosed:
    """The recipient's view of ``credential`` under ``item``'s choices, in ``language``."""
    record = record_from_json(credential.record)
    body = record.awarding_bodies[0] if record.awarding_bodies else None
    workload = record.workload
    credits = [f"{workload.ects:g} ECTS"] if workload.ects is not None else []
    credits += [f"{workload.hours:g} h"] if workload.hours is not None else []
    skills = [
        Link(skill.label.get(language) or skill.uri or "", safe_url(skill.uri))
        for outcome in record.learning_outcomes
        for skill in outcome.skills
    ] + [Link(s.label.get(language) or s.uri or "", safe_url(s.uri)) for s in record.skills]
    grade = record.grade
    return Disclosed(
        position=item.position,
        title=record.title.get(language) or credential.title,
        issuer=(body.name.get(language) if body else None) or credential.issuer_name,
        issuer_url=safe_url(body.url) or safe_url(body.id) if body else None,
        issued_on=record.issued_on or record.awarded_on,
        valid_until=record.valid_until,
        description=record.description.get(language),
        achievement_type=record.achievement_type,
        level=f"EQF {record.level.eqf}" if record.level.eqf else None,
        credits=", ".join(credits) or None,
        skills=tuple(dict.fromkeys(s for s in skills if s.text)),
        grade=" ".join(filter(None, (grade.value, grade.scale)))
        if grade and item.show_grade
        else None,
        evidence=(
            tuple(
                Link(e.name or e.url or "", safe_url(e.url), e.description) for e in record.evidence
            )
            if item.show_evidence
            else None
        ),
        recipient=(
            tuple(
                [n for n in [record.learner.names.get(language)] if n]
                + [f"{i.type}: {i.value}" for i in record.learner.identifiers if not i.hashed]
            )
            if item.show_recipient
            else None
        ),
        standing=standing_of(live.report),
        checks=tuple(check_rows(live.report, language)),
        checked_at=live.checked_at,
        live=live.live,
        whole=is_whole(item, credential),
        has_image=bool(record.image_url) or credential.media_type.startswith("image/"),
        sd_jwt=credential.format is CredentialFormat.SD_JWT_VC,
    )
