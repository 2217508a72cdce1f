"""Small builders of records, holdings and pathway documents for the engine tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wallet.envelope import CredentialFormat
from wallet.pathways.definition import read_pathway
from wallet.pathways.matching import Holding
from wallet.pathways.model import Pathway
from wallet.records import (
    CredentialRecord,
    Grade,
    LearningOutcome,
    Level,
    LocalizedText,
    MatchKeys,
    Organisation,
    Skill,
    SkillFramework,
    Workload,
)
from wallet.verification.standing import Standing

AT = datetime(2026, 6, 1, tzinfo=UTC)
ESCO_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
ESCO_SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"


def record(
    *,
    title: str = "Kurs",
    achievement: str | None = None,
    uris: tuple[str, ...] = (),
    skills: tuple[Skill, ...] = (),
    tags: tuple[str, ...] = (),
    issuer: str | None = None,
    eqf: int | None = None,
    ects: float | None = None,
    hours: float | None = None,
    grade: str | None = None,
    outcome: str | None = None,
    valid_until: datetime | None = None,
    valid_from: datetime | None = None,
) -> CredentialRecord:
    """A normalised record with only what the test names."""
    all_skills = skills + tuple(Skill(uri=u, framework=SkillFramework.ESCO) for u in uris)
    return CredentialRecord(
        format=CredentialFormat.VC_DATA_INTEGRITY,
        title=LocalizedText.of({"pl": title}),
        skills=all_skills,
        tags=tags,
        awarding_bodies=(Organisation(id=issuer),) if issuer else (),
        level=Level(eqf=eqf),
        workload=Workload(ects=ects, hours=hours),
        grade=Grade(grade) if grade is not None else None,
        learning_outcomes=(LearningOutcome(LocalizedText.of({"pl": outcome})),) if outcome else (),
        valid_until=valid_until,
        valid_from=valid_from,
        match_keys=MatchKeys(
            achievement_ids=(achievement,) if achievement else (),
            alignment_uris=tuple(s.uri for s in all_skills),
            tags=tags,
            issuer_ids=(issuer,) if issuer else (),
        ),
    )


def holding(credential_id: int, standing: Standing = Standing.VERIFIED, **fields: Any) -> Holding:
    """A holding of a record built from ``fields``."""
    return Holding(credential_id, record(**fields), standing, f"c{credential_id}.json")


def leaf(node_id: str, *match: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A leaf node document."""
    return {"id": node_id, "type": "leaf", "label": {"en": node_id}, "match": list(match), **extra}


def group(node_id: str, kind: str, *children: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A group node document."""
    return {
        "id": node_id,
        "type": kind,
        "label": {"en": node_id},
        "children": list(children),
        **extra,
    }


def document(root: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A pathway document around ``root``."""
    return {
        "format": "plecak-pathway/1",
        "id": "test",
        "version": "1",
        "title": {"pl": "Test", "en": "Test"},
        "root": root,
        **extra,
    }


def pathway(root: dict[str, Any], **extra: Any) -> Pathway:
    """A validated pathway around ``root``."""
    return read_pathway(document(root, **extra))


def ach(value: str) -> dict[str, Any]:
    return {"type": "achievement_id", "value": value}
