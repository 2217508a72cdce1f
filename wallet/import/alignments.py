"""Open Badges alignments read into skills, EQF/NQF levels and quality assurance."""

from __future__ import annotations

from dataclasses import dataclass, field

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import (
    LearningOutcome,
    Level,
    LocalizedText,
    NqfLevel,
    QualityAssurance,
    Skill,
)

from . import jsonfields as jf
from .vocabularies import EQF_PREFIX, eqf_for_nqf, is_prk, skill_framework, skill_level


@dataclass(frozen=True)
class AlignmentReading:
    """What an ``alignment`` array says, sorted by meaning."""

    outcomes: tuple[LearningOutcome, ...] = ()
    level: Level = field(default_factory=Level)
    quality_assurance: tuple[QualityAssurance, ...] = ()
    uris: tuple[str, ...] = ()


def read_alignments(value: JsonValue, lang: str) -> AlignmentReading:
    """Sort alignments: EQF/PRK/QF-EHEA levels, quality assurance, and the rest as skills."""
    outcomes: list[LearningOutcome] = []
    quality: list[QualityAssurance] = []
    eqf: int | None = None
    nqf: NqfLevel | None = None
    cycle: int | None = None
    uris: list[str] = []
    for alignment in jf.objects(value):
        url = jf.ref_id(alignment.get("targetUrl"))
        kind = jf.text(alignment.get("targetType"), jf.TITLE_LIMIT)
        framework = jf.text(alignment.get("targetFramework"), jf.TITLE_LIMIT)
        name = jf.text(alignment.get("targetName"), jf.TITLE_LIMIT)
        code = jf.text(alignment.get("targetCode"), jf.TITLE_LIMIT)
        hints = f"{kind or ''} {framework or ''}".lower()
        if url:
            uris.append(url)
        if "qualityassurance" in hints.replace(" ", ""):
            quality.append(_quality(alignment, kind, name, url, lang))
        elif "eqf" in hints.split() or "ext:eqf" in hints or (url or "").startswith(EQF_PREFIX):
            eqf = eqf or _level_number(code, name, url, 8)
        elif is_prk(kind, framework):
            nqf = nqf or NqfLevel("PRK", _level_text(code, name), url)
        elif "qf-ehea" in hints:
            cycle = cycle or _level_number(code, name, url, 4)
        elif url or name:
            outcomes.append(_outcome(alignment, url, kind, framework, name, lang))
    level = Level(eqf=eqf or eqf_for_nqf(nqf), nqf=nqf, qf_ehea_cycle=cycle)
    return AlignmentReading(tuple(outcomes), level, tuple(quality), jf.unique(uris))


def _outcome(
    alignment: JsonObject,
    url: str | None,
    kind: str | None,
    framework: str | None,
    name: str | None,
    lang: str,
) -> LearningOutcome:
    label = jf.localized(name, lang, jf.TITLE_LIMIT)
    text = jf.localized(alignment.get("targetDescription"), lang) or label
    if url is None:
        return LearningOutcome(text=text)
    found = skill_framework(url, kind, framework)
    skill = Skill(uri=url, label=label, framework=found, level=skill_level(found, name))
    return LearningOutcome(text=text, skills=(skill,))


def _quality(
    alignment: JsonObject, kind: str | None, name: str | None, url: str | None, lang: str
) -> QualityAssurance:
    label = jf.localized(name, lang, jf.TITLE_LIMIT) or jf.localized(
        alignment.get("targetDescription"), lang, jf.TITLE_LIMIT
    )
    agent = jf.text(alignment.get("targetFramework"), jf.TITLE_LIMIT)
    return QualityAssurance(type=kind, label=label, agent=agent, uri=url)


def _level_number(code: str | None, name: str | None, url: str | None, high: int) -> int | None:
    for candidate in (code, url.rsplit("/", 1)[-1] if url else None, name):
        found = jf.small_int(candidate, 1, high)
        if found is not None:
            return found
    return None


def _level_text(code: str | None, name: str | None) -> str | None:
    found = _level_number(code, name, None, 8)
    return str(found) if found is not None else code or name


def outcome_from_text(value: LocalizedText) -> tuple[LearningOutcome, ...]:
    """A single text-only learning outcome, or none for empty text."""
    return (LearningOutcome(text=value),) if value else ()
