"""The normalised credential record: one typed view of any imported credential (EU Annex I).

Every format is mapped onto ``CredentialRecord`` by ``wallet/import/``; pages, search, pathways
and share pages read only this record. It is a derived view: the raw bytes are kept verbatim and
the record is re-derived when the mappers change.

Dates: every instant (``issued_on``, ``awarded_on``, ``valid_from``, ``valid_until``) is a
timezone-aware ``datetime`` in UTC. A date-only source value becomes midnight UTC of that day and a
naive date-time is read as UTC. ``Learner.birth_date`` is a plain ``date``.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime

from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue

FALLBACK_LANGUAGES = ("pl", "en", "und")


@dataclass(frozen=True)
class LocalizedText:
    """Text in one or more languages, keyed by a lower-case primary language subtag.

    ``und`` marks text whose language is unknown. Entries keep the order they were given in.
    """

    entries: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> LocalizedText:
        """Build from a language → text mapping, dropping empty texts."""
        return cls(tuple((lang, text) for lang, text in texts.items() if text))

    def get(self, language: str = "pl") -> str | None:
        """The text in ``language``, else Polish, else English, else unknown, else any."""
        found = dict(self.entries)
        for lang in (language, *FALLBACK_LANGUAGES):
            if lang in found:
                return found[lang]
        return self.entries[0][1] if self.entries else None

    def __bool__(self) -> bool:
        return bool(self.entries)


class SkillFramework(enum.Enum):
    """The framework a skill or competence URI belongs to."""

    ESCO = "esco"
    DIGCOMP = "digcomp"
    CASE = "case"
    CTDL = "ctdl"
    OTHER = "other"


class Supervision(enum.Enum):
    """Annex I O2: supervision and identity verification during assessment."""

    UNSUPERVISED_NO_ID = "unsupervised_no_id"
    SUPERVISED_NO_ID = "supervised_no_id"
    SUPERVISED_WITH_ID = "supervised_with_id"


class StackabilityMode(enum.Enum):
    """Annex I O4: standalone, integrated into, or stackable towards another credential."""

    STANDALONE = "standalone"
    INTEGRATED = "integrated"
    STACKABLE = "stackable"


@dataclass(frozen=True)
class Identifier:
    """An identifier of a learner or an organisation; ``value`` may be a salted hash."""

    type: str
    value: str
    hashed: bool = False
    salt: str | None = None


@dataclass(frozen=True)
class Learner:
    """Annex I M1: who the credential is about."""

    names: LocalizedText = LocalizedText()
    identifiers: tuple[Identifier, ...] = ()
    birth_date: date | None = None


@dataclass(frozen=True)
class Criteria:
    """What the learner had to do, in words and/or at a URL."""

    narrative: LocalizedText = LocalizedText()
    url: str | None = None


@dataclass(frozen=True)
class Organisation:
    """Annex I M4: an awarding body (co-awarding gives several)."""

    id: str | None = None
    name: LocalizedText = LocalizedText()
    legal_ids: tuple[Identifier, ...] = ()
    url: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Signer:
    """Who signed or sealed the credential (may differ from the awarding body)."""

    id: str | None = None
    name: LocalizedText = LocalizedText()
    cert_subject: str | None = None


@dataclass(frozen=True)
class Skill:
    """A skill or competence the credential is aligned to."""

    uri: str
    label: LocalizedText = LocalizedText()
    framework: SkillFramework = SkillFramework.OTHER
    level: str | None = None


@dataclass(frozen=True)
class LearningOutcome:
    """Annex I M6: one learning outcome and the skills it evidences."""

    text: LocalizedText = LocalizedText()
    skills: tuple[Skill, ...] = ()


@dataclass(frozen=True)
class CreditAmount:
    """A workload in a unit that is not ECTS or hours (never converted implicitly)."""

    value: float
    unit: str
    framework_uri: str | None = None


@dataclass(frozen=True)
class Workload:
    """Annex I M7: notional workload; ``note`` keeps a stated workload that is not a number."""

    ects: float | None = None
    hours: float | None = None
    other: tuple[CreditAmount, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class NqfLevel:
    """A national qualifications framework level (``framework`` "PRK" for Poland)."""

    framework: str
    level: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class Level:
    """Annex I M8: EQF level, NQF level and QF-EHEA cycle."""

    eqf: int | None = None
    nqf: NqfLevel | None = None
    qf_ehea_cycle: int | None = None


@dataclass(frozen=True)
class Concept:
    """A labelled value, optionally from a controlled vocabulary."""

    label: LocalizedText = LocalizedText()
    uri: str | None = None


@dataclass(frozen=True)
class Participation:
    """Annex I M10: form of participation (online, onsite, blended…) and learning setting."""

    mode: Concept | None = None
    setting: Concept | None = None


@dataclass(frozen=True)
class QualityAssurance:
    """Annex I M11: one quality assurance, accreditation or endorsement."""

    type: str | None = None
    label: LocalizedText = LocalizedText()
    agent: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class Grade:
    """Annex I O3: the grade achieved and the scale it is on."""

    value: str
    scale: str | None = None
    result_type: str | None = None


@dataclass(frozen=True)
class Stackability:
    """Annex I O4: whether and towards what the credential stacks."""

    mode: StackabilityMode
    towards: tuple[str, ...] = ()


@dataclass(frozen=True)
class FurtherInfo:
    """Annex I O5: links and notes."""

    urls: tuple[str, ...] = ()
    notes: LocalizedText = LocalizedText()


@dataclass(frozen=True)
class Evidence:
    """Something that shows the work done."""

    url: str | None = None
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class MatchKeys:
    """Values pathways and search match credentials on."""

    achievement_ids: tuple[str, ...] = ()
    related_ids: tuple[str, ...] = ()
    alignment_uris: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    issuer_ids: tuple[str, ...] = ()
    field_of_study: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusEntry:
    """A status (revocation/suspension) entry the credential points to, for monitoring."""

    type: str
    id: str | None = None
    purpose: str | None = None
    list_url: str | None = None


@dataclass(frozen=True)
class Annex1Summary:
    """Which Annex I elements the record carries (codes M1–M11, O1–O5)."""

    present: tuple[str, ...] = ()
    missing_mandatory: tuple[str, ...] = ()


@dataclass(frozen=True)
class CredentialRecord:
    """One imported credential, whatever its format, described by the Annex I elements."""

    format: CredentialFormat
    title: LocalizedText = LocalizedText()
    learner: Learner = Learner()
    description: LocalizedText = LocalizedText()
    criteria: Criteria = Criteria()
    image_url: str | None = None
    issuer_country: str | None = None
    issuer_region: str | None = None
    awarding_bodies: tuple[Organisation, ...] = ()
    signer: Signer | None = None
    issued_on: datetime | None = None
    awarded_on: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    learning_outcomes: tuple[LearningOutcome, ...] = ()
    skills: tuple[Skill, ...] = ()
    workload: Workload = Workload()
    level: Level = Level()
    assessment: Concept | None = None
    participation: Participation = Participation()
    quality_assurance: tuple[QualityAssurance, ...] = ()
    prerequisites: LocalizedText = LocalizedText()
    supervision: Supervision | None = None
    grade: Grade | None = None
    stackability: Stackability | None = None
    further_info: FurtherInfo = FurtherInfo()
    evidence: tuple[Evidence, ...] = ()
    tags: tuple[str, ...] = ()
    achievement_type: str | None = None
    match_keys: MatchKeys = MatchKeys()
    container_id: str | None = None
    status_entries: tuple[StatusEntry, ...] = ()
    annex1: Annex1Summary = field(default_factory=Annex1Summary)


def record_to_json(record: CredentialRecord) -> JsonObject:
    """The record as JSON for storage; ``record_from_json`` gives back an equal record."""
    encoded = _encode(record)
    assert isinstance(encoded, dict)
    return encoded


def record_from_json(data: JsonObject) -> CredentialRecord:
    """Rebuild a record stored by ``record_to_json``; malformed data raises a format error."""
    try:
        decoded = _decode(CredentialRecord, data)
    except (TypeError, ValueError, KeyError) as error:
        raise CredentialFormatError(f"stored credential record is malformed: {error}") from None
    assert isinstance(decoded, CredentialRecord)
    return decoded


def skills_from_json(data: JsonObject) -> tuple[Skill, ...]:
    """The skills of a stored record (its own and its outcomes'), without decoding the rest."""
    stored: list[JsonValue] = list(_as_list(data.get("skills")))
    for outcome in _as_list(data.get("learning_outcomes")):
        if isinstance(outcome, dict):
            stored.extend(_as_list(outcome.get("skills")))
    try:
        return tuple(typing.cast(Skill, _decode(Skill, item)) for item in stored)
    except (TypeError, ValueError, KeyError) as error:
        raise CredentialFormatError(f"stored credential record is malformed: {error}") from None


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _encode(value: object) -> JsonValue:
    if isinstance(value, LocalizedText):
        return dict(value.entries)
    if isinstance(value, enum.Enum):
        encoded: JsonValue = value.value
        return encoded
    if isinstance(value, date):  # datetime is a date too; isoformat suits both
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {name: _encode(getattr(value, name)) for name in _field_names(type(value))}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a credential record")


@functools.cache  # one tuple per record class: every stored record encodes thousands of fields
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(kind))


def _decode(kind: object, value: JsonValue) -> object:
    """Decode ``value`` as the annotated type ``kind``."""
    if isinstance(kind, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return None if value is None else _decode(options[0], value)
    if typing.get_origin(kind) is tuple:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        item_kind = typing.get_args(kind)[0]
        return tuple(_decode(item_kind, item) for item in value)
    if kind is LocalizedText:
        if not isinstance(value, dict):
            raise TypeError("expected a language map")
        return LocalizedText(tuple((lang, _as_str(text)) for lang, text in value.items()))
    if isinstance(kind, type):
        return _decode_class(kind, value)
    raise TypeError(f"unsupported field type {kind!r}")


def _decode_class(kind: type, value: JsonValue) -> object:
    if issubclass(kind, enum.Enum):
        return kind(value)
    if kind is datetime:
        moment = datetime.fromisoformat(_as_str(value))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind is date:
        return date.fromisoformat(_as_str(value))
    if kind is bool or kind is str:
        if not isinstance(value, kind):
            raise TypeError(f"expected {kind.__name__}")
        return value
    if kind is float or kind is int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("expected a number")
        return kind(value)
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {kind.__name__}")
        hints = _field_types(kind)
        arguments = {
            item.name: _decode(hints[item.name], value[item.name])
            for item in fields(kind)
            if item.name in value
        }
        return kind(**arguments)
    raise TypeError(f"unsupported field type {kind.__name__}")


@functools.cache
def _field_types(kind: type) -> dict[str, object]:
    """The resolved annotations of a record dataclass (resolving them is slow, so cached)."""
    return typing.get_type_hints(kind)


def _as_str(value: JsonValue) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
