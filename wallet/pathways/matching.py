"""Whether one credential matches one leaf, why, and what keeps it from counting."""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from wallet.pathways.model import AUTOMATIC, Conditions, CreditRule, CreditUnit, Leaf, Matcher
from wallet.pathways.model import MatcherKind as Kind
from wallet.records import CredentialRecord, LocalizedText, Skill, SkillFramework
from wallet.verification.standing import Standing

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:%|/.*)?$")
_FRAMEWORKS = {item.value: item for item in SkillFramework}


@dataclass(frozen=True)
class Holding:
    """One credential the holder has, as the engine sees it."""

    credential_id: int
    record: CredentialRecord
    standing: Standing
    source: str = ""


_CODE = re.compile(r"(?<![\d.])\d+(?:\.\d+)*(?!\d)")


@dataclass(frozen=True)
class PortfolioIndex:
    """Holdings by what leaves look up, so a leaf examines only credentials that may match.

    It narrows, never decides: every candidate is still examined in full by ``examine``.
    """

    holdings: tuple[Holding, ...]
    by_key: dict[tuple[str, str], tuple[int, ...]]
    by_word: dict[str, frozenset[int]]
    with_level: tuple[int, ...]
    words: tuple[frozenset[str], ...]
    by_credential: dict[int, int]

    @classmethod
    def of(cls, holdings: Sequence[Holding]) -> PortfolioIndex:
        """Index ``holdings`` (positions follow their order)."""
        keys: dict[tuple[str, str], list[int]] = {}
        words: dict[str, set[int]] = {}
        levelled = []
        texts = []
        for position, holding in enumerate(holdings):
            for key in _keys_of(holding.record):
                found = keys.setdefault(key, [])
                if not found or found[-1] != position:
                    found.append(position)
            have = frozenset(_record_words(holding.record))
            texts.append(have)
            for word in have:
                words.setdefault(word, set()).add(position)
            if holding.record.level.eqf is not None:
                levelled.append(position)
        return cls(
            tuple(holdings),
            {key: tuple(found) for key, found in keys.items()},
            {word: frozenset(found) for word, found in words.items()},
            tuple(levelled),
            tuple(texts),
            {h.credential_id: position for position, h in enumerate(holdings)},
        )

    def candidates(self, leaf: Leaf, chosen: Iterable[int]) -> list[int]:
        """Positions of the holdings that may match ``leaf``; ``chosen`` are the holder's picks."""
        positions: set[int] = set()
        for matcher in leaf.matchers:
            positions.update(self._lookup(matcher))
        if any(m.kind in (Kind.LO_TEXT, Kind.MANUAL) for m in leaf.matchers):
            positions.update(self.by_credential[c] for c in chosen if c in self.by_credential)
        return sorted(positions)

    def _lookup(self, matcher: Matcher) -> Iterable[int]:
        value = matcher.value
        if matcher.kind is Kind.LEVEL:
            return self.with_level
        if matcher.kind is Kind.LO_TEXT:
            wanted = _phrase_words(value)
            if not wanted:
                return ()
            sets = [self.by_word.get(w, frozenset()) for w in wanted]
            return frozenset.intersection(*sets)
        if matcher.kind is Kind.COMPETENCE:
            key = f"{(matcher.framework or '').lower()}:{value}"
            return self.by_key.get(("code", key), ())
        if matcher.kind is Kind.TAG:
            return self.by_key.get(("tag", value.casefold()), ())
        kind = {Kind.ACHIEVEMENT_ID: "achievement", Kind.ISSUER: "issuer"}.get(matcher.kind, "uri")
        return self.by_key.get((kind, value), ()) if matcher.kind is not Kind.MANUAL else ()


def _keys_of(record: CredentialRecord) -> Iterator[tuple[str, str]]:
    keys = record.match_keys
    for value in (*keys.achievement_ids, *keys.related_ids):
        yield "achievement", value
    for value in _issuers(record):
        yield "issuer", value
    for tag in (*record.tags, *keys.tags):
        yield "tag", tag.casefold()
    yield from (("uri", uri) for uri in keys.alignment_uris)
    for skill in _skills(record):
        yield "uri", skill.uri
        for _, text in skill.label.entries:
            for code in _CODE.findall(text):
                parts = code.split(".")
                for end in range(1, len(parts) + 1):
                    yield "code", f"{skill.framework.value}:{'.'.join(parts[:end])}"


class Problem(enum.Enum):
    """Why a credential that matches a leaf does not count (a near miss)."""

    FAILED = "failed"
    UNVERIFIABLE = "unverifiable"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    LEVEL_TOO_LOW = "level_too_low"
    LEVEL_UNKNOWN = "level_unknown"
    GRADE_TOO_LOW = "grade_too_low"
    GRADE_UNKNOWN = "grade_unknown"


@dataclass(frozen=True)
class Match:
    """A credential matching a leaf: on what (``basis``, ``value``) and whether by the holder."""

    credential_id: int
    basis: Kind
    value: str
    by_holder: bool = False


@dataclass(frozen=True)
class NearMiss:
    """A credential that matches a leaf but does not count, and why."""

    credential_id: int
    basis: Kind
    value: str
    problem: Problem
    needed: str | None = None


@dataclass(frozen=True)
class LeafFinding:
    """What one credential is for one leaf: counted, a suggestion, or a near miss."""

    match: Match | None = None
    suggestion: Match | None = None
    near_miss: NearMiss | None = None


def examine(
    leaf: Leaf,
    holding: Holding,
    at: datetime,
    *,
    confirmed: bool,
    rejected: bool,
    words: frozenset[str] | None = None,
) -> LeafFinding:
    """What ``holding`` is for ``leaf`` at ``at``, given the holder's decision on the pair.

    ``words`` are the credential's words when already worked out (``PortfolioIndex``).
    """
    found = _automatic(leaf.matchers, holding.record)
    by_holder = False
    if found is None and not rejected:
        have = words if words is not None else frozenset(_record_words(holding.record))
        found = _holder_basis(leaf.matchers, have, confirmed)
        by_holder = found is not None
    if found is None:
        return LeafFinding()
    matcher, value, level_problem = found
    match = Match(holding.credential_id, matcher.kind, value, by_holder)
    problem = level_problem or _condition_problem(leaf.conditions, holding, at)
    if problem is not None:
        needed = _needed(problem, matcher, leaf.conditions)
        return LeafFinding(
            near_miss=NearMiss(match.credential_id, match.basis, value, problem, needed)
        )
    if by_holder and not confirmed:
        return LeafFinding(suggestion=match)
    return LeafFinding(match=match)


_Found = tuple[Matcher, str, Problem | None]


def _automatic(matchers: tuple[Matcher, ...], record: CredentialRecord) -> _Found | None:
    near: _Found | None = None
    for matcher in matchers:
        if matcher.kind not in AUTOMATIC:
            continue
        found = _match_one(matcher, record)
        if found is None:
            continue
        if found[2] is None:
            return found
        near = near or found
    return near


def _holder_basis(
    matchers: tuple[Matcher, ...], words: frozenset[str], confirmed: bool
) -> _Found | None:
    for matcher in matchers:
        if matcher.kind is Kind.LO_TEXT and _text_matches(matcher.value, words):
            return matcher, matcher.value, None
    if confirmed and any(m.kind in (Kind.MANUAL, Kind.LO_TEXT) for m in matchers):
        chosen = next(m for m in matchers if m.kind in (Kind.MANUAL, Kind.LO_TEXT))
        return chosen, chosen.value, None
    return None


def _match_one(matcher: Matcher, record: CredentialRecord) -> _Found | None:
    keys = record.match_keys
    value = matcher.value
    if matcher.kind is Kind.ACHIEVEMENT_ID:
        hit = value in keys.achievement_ids or value in keys.related_ids
        return (matcher, value, None) if hit else None
    if matcher.kind is Kind.ISSUER:
        return (matcher, value, None) if value in _issuers(record) else None
    if matcher.kind is Kind.TAG:
        wanted = value.casefold()
        tag = next((t for t in (*record.tags, *keys.tags) if t.casefold() == wanted), None)
        return (matcher, tag, None) if tag is not None else None
    if matcher.kind is Kind.LEVEL:
        return _level_match(matcher, record)
    skills = [s for s in _skills(record) if _skill_matches(matcher, s)]
    if matcher.kind is Kind.ALIGNMENT_URI and not skills and value in keys.alignment_uris:
        return (
            (matcher, value, None)
            if matcher.min_level is None
            else (
                matcher,
                value,
                Problem.LEVEL_UNKNOWN,
            )
        )
    if not skills:
        return None
    return _best_skill(matcher, skills)


def _issuers(record: CredentialRecord) -> set[str]:
    issuers = {*record.match_keys.issuer_ids, *(o.id for o in record.awarding_bodies if o.id)}
    if record.signer is not None and record.signer.id:
        issuers.add(record.signer.id)
    return issuers


def _skills(record: CredentialRecord) -> list[Skill]:
    found = list(record.skills)
    for outcome in record.learning_outcomes:
        found.extend(outcome.skills)
    return found


def _skill_matches(matcher: Matcher, skill: Skill) -> bool:
    if matcher.kind is Kind.ALIGNMENT_URI:
        return skill.uri == matcher.value
    if matcher.kind is not Kind.COMPETENCE:
        return False
    framework = _FRAMEWORKS.get((matcher.framework or "").lower(), SkillFramework.OTHER)
    if skill.framework is not framework:
        return False
    code = re.compile(rf"(?<![\d.]){re.escape(matcher.value)}(?![\d])")
    return any(code.search(text) for _, text in skill.label.entries)


def _best_skill(matcher: Matcher, skills: list[Skill]) -> _Found:
    # An address match names the address; a competence code match names the aligned concept.
    described = _shown(matcher, skills[0])
    if matcher.min_level is None:
        return matcher, described, None
    levels = [(_int(s.level), s) for s in skills]
    known = [(level, s) for level, s in levels if level is not None]
    if not known:
        return matcher, described, Problem.LEVEL_UNKNOWN
    level, best = max(known, key=lambda pair: pair[0])
    return (
        matcher,
        _shown(matcher, best),
        None if level >= matcher.min_level else Problem.LEVEL_TOO_LOW,
    )


def _shown(matcher: Matcher, skill: Skill) -> str:
    if matcher.kind is Kind.ALIGNMENT_URI:
        return matcher.value
    return skill.label.get("en") or skill.uri


def _level_match(matcher: Matcher, record: CredentialRecord) -> _Found | None:
    wanted = matcher.min_level if matcher.min_level is not None else _int(matcher.value)
    level = record.level.eqf
    if wanted is None or level is None:
        return None
    shown = f"EQF {level}"
    return matcher, shown, None if level >= wanted else Problem.LEVEL_TOO_LOW


def _text_matches(phrase: str, words: frozenset[str]) -> bool:
    wanted = _phrase_words(phrase)
    return bool(wanted) and wanted <= words


@functools.lru_cache(maxsize=4096)
def _phrase_words(phrase: str) -> frozenset[str]:
    return frozenset(w for w in _words(phrase) if len(w) > 2)


def _record_words(record: CredentialRecord) -> set[str]:
    texts: list[LocalizedText] = [record.title, record.description, record.criteria.narrative]
    texts.extend(outcome.text for outcome in record.learning_outcomes)
    have: set[str] = set()
    for text in texts:
        for _, value in text.entries:
            have.update(_words(value))
    return have


class _Unaccented(dict[int, str]):
    """Each character without its accents, worked out once: ``str.translate`` asks per character.

    Decomposing character by character equals decomposing the text (NFKD never composes).
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")
        self[code] = plain
        return plain


_UNACCENTED = _Unaccented()


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().translate(_UNACCENTED))


def _condition_problem(conditions: Conditions, holding: Holding, at: datetime) -> Problem | None:
    standing, record = holding.standing, holding.record
    if conditions.verified_only and standing is Standing.FAILED:
        return Problem.FAILED
    if conditions.verified_only and standing is Standing.UNVERIFIABLE:
        return Problem.UNVERIFIABLE
    if conditions.still_valid:
        if standing is Standing.REVOKED:
            return Problem.REVOKED
        if standing is Standing.EXPIRED or (record.valid_until and record.valid_until <= at):
            return Problem.EXPIRED
        if record.valid_from is not None and record.valid_from > at:
            return Problem.NOT_YET_VALID
    if conditions.min_eqf is not None:
        if record.level.eqf is None:
            return Problem.LEVEL_UNKNOWN
        if record.level.eqf < conditions.min_eqf:
            return Problem.LEVEL_TOO_LOW
    if conditions.min_grade is not None:
        grade = _number(record.grade.value) if record.grade is not None else None
        if grade is None:
            return Problem.GRADE_UNKNOWN
        if grade < conditions.min_grade:
            return Problem.GRADE_TOO_LOW
    return None


def _needed(problem: Problem, matcher: Matcher, conditions: Conditions) -> str | None:
    if problem in (Problem.LEVEL_TOO_LOW, Problem.LEVEL_UNKNOWN):
        level = matcher.min_level if matcher.min_level is not None else conditions.min_eqf
        if matcher.kind is Kind.LEVEL and level is None:
            level = _int(matcher.value)
        return str(level) if level is not None else None
    if problem in (Problem.GRADE_TOO_LOW, Problem.GRADE_UNKNOWN) and conditions.min_grade:
        return f"{conditions.min_grade:g}"
    return None


def credits_of(record: CredentialRecord, rule: CreditRule, override: float | None) -> float:
    """The credential's credits in the pathway's unit: converted only at a declared rate."""
    if override is not None:
        return override
    workload = record.workload
    if rule.unit is CreditUnit.ECTS:
        if workload.ects is not None:
            return workload.ects
        if workload.hours is not None and rule.hours_per_ects:
            return workload.hours / rule.hours_per_ects
        return 0.0
    if rule.unit is CreditUnit.HOURS:
        if workload.hours is not None:
            return workload.hours
        if workload.ects is not None and rule.hours_per_ects:
            return workload.ects * rule.hours_per_ects
        return 0.0
    unit = (rule.custom_unit or "").casefold()
    return sum(item.value for item in workload.other if item.unit.casefold() == unit)


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else None


def _number(text: str) -> float | None:
    found = _NUMBER.match(text)
    return float(found.group(1).replace(",", ".")) if found else None
