"""Controlled values shared by the mappers: skill frameworks, supervision, ECTS, PRK levels."""

from __future__ import annotations

import re

from wallet.records import LearningOutcome, NqfLevel, Skill, SkillFramework, Supervision

ECTS_CONCEPT = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
EQF_PREFIX = "http://data.europa.eu/snb/eqf/"
_CTDL_TYPES = {"ceasn:competency", "ceterms:credential", "ctdl"}
_LEVEL = re.compile(r"\b(?:level|poziom)\s*(\d{1,2})\b", re.IGNORECASE)
_PRK_NAMES = ("prk", "polska rama kwalifikacji", "polish qualifications framework")


def skill_framework(uri: str, target_type: str | None, framework: str | None) -> SkillFramework:
    """Which framework a skill URI belongs to, from its address, alignment type and framework."""
    lowered = uri.lower()
    hints = f"{target_type or ''} {framework or ''}".lower()
    if "data.europa.eu/esco/" in lowered or "esco" in hints.split():
        return SkillFramework.ESCO
    if "data.europa.eu/snb/dcf/" in lowered or "digcomp" in hints:
        return SkillFramework.DIGCOMP
    if "cfitem" in hints or "cfrubric" in hints or "/cfitems/" in lowered:
        return SkillFramework.CASE
    if (target_type or "").lower() in _CTDL_TYPES or "credentialengineregistry.org" in lowered:
        return SkillFramework.CTDL
    return SkillFramework.OTHER


def skill_level(framework: SkillFramework, label: str | None) -> str | None:
    """The proficiency level a level-specific concept names ("… Level 4"), for DigComp."""
    if framework is not SkillFramework.DIGCOMP or not label:
        return None
    match = _LEVEL.search(label)
    return match.group(1) if match else None


def flatten_skills(outcomes: tuple[LearningOutcome, ...]) -> tuple[Skill, ...]:
    """Every skill of every outcome, the first one kept for each URI."""
    found: dict[str, Skill] = {}
    for outcome in outcomes:
        for skill in outcome.skills:
            found.setdefault(skill.uri, skill)
    return tuple(found.values())


def supervision_from_text(value: str | None) -> Supervision | None:
    """Annex I O2 from wording such as "supervised online with identity verification"."""
    if not value:
        return None
    lowered = value.lower()
    if "unsupervised" in lowered:
        return Supervision.UNSUPERVISED_NO_ID
    if any(word in lowered for word in ("without", "no id", "no identity", "not verified")):
        return Supervision.SUPERVISED_NO_ID
    if "identity" in lowered or "id verification" in lowered:
        return Supervision.SUPERVISED_WITH_ID
    if "supervised" in lowered:
        return Supervision.SUPERVISED_NO_ID
    return None


def is_ects(uri: str | None, label: str | None) -> bool:
    """Whether a credit framework concept is ECTS."""
    if uri == ECTS_CONCEPT:
        return True
    lowered = (label or "").lower()
    return "ects" in lowered.split() or "european credit transfer" in lowered


def is_prk(*hints: str | None) -> bool:
    """Whether a framework name or URI is the Polish Qualifications Framework (PRK)."""
    lowered = " ".join(hint or "" for hint in hints).lower()
    return any(re.search(rf"\b{re.escape(name)}\b", lowered) for name in _PRK_NAMES)


def eqf_for_nqf(nqf: NqfLevel | None) -> int | None:
    """The EQF level a PRK level is referenced to (PRK n is EQF n, levels 1–8)."""
    if nqf is None or nqf.framework != "PRK" or nqf.level is None:
        return None
    return int(nqf.level) if nqf.level.isdigit() and 1 <= int(nqf.level) <= 8 else None
