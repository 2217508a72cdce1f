"""A pathway as typed, frozen data: its target, credit unit, source and requirement tree."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from wallet.records import LocalizedText


class GroupKind(enum.Enum):
    """How a group's children add up."""

    ALL_OF = "all_of"
    AT_LEAST_N = "at_least_n"
    MIN_CREDITS = "min_credits"


class MatcherKind(enum.Enum):
    """What a leaf looks at in a credential to decide that it counts."""

    ACHIEVEMENT_ID = "achievement_id"
    ALIGNMENT_URI = "alignment_uri"
    COMPETENCE = "competence"
    ISSUER = "issuer"
    TAG = "tag"
    LEVEL = "level"
    LO_TEXT = "lo_text"
    MANUAL = "manual"


# Matches on these are facts about the credential; the others are suggestions until the
# holder confirms them, and are shown as "matched by the holder".
AUTOMATIC = frozenset(
    {
        MatcherKind.ACHIEVEMENT_ID,
        MatcherKind.ALIGNMENT_URI,
        MatcherKind.COMPETENCE,
        MatcherKind.ISSUER,
        MatcherKind.TAG,
        MatcherKind.LEVEL,
    }
)


class CreditUnit(enum.Enum):
    """The unit a pathway counts credits in; hours and ECTS convert only when declared."""

    ECTS = "ECTS"
    HOURS = "hours"
    CUSTOM = "custom"


class TargetKind(enum.Enum):
    """What the pathway leads to."""

    QUALIFICATION = "qualification"
    OCCUPATION = "occupation"
    CREDENTIAL = "credential"
    COMPETENCE = "competence"
    CUSTOM = "custom"


class SourceKind(enum.Enum):
    """Where a pathway definition comes from."""

    NATIVE = "native"
    ZRK = "zrk"
    DIGCOMP = "digcomp"
    ESCO = "esco"
    CTDL = "ctdl"
    BADGR = "badgr"
    HOLDER = "holder"


@dataclass(frozen=True)
class Matcher:
    """One way a credential can match a leaf.

    ``value`` is the achievement id, URI, issuer id, tag, competence code or text; ``min_level``
    is a minimum EQF level (``level``) or proficiency level (``alignment_uri``, ``competence``).
    """

    kind: MatcherKind
    value: str = ""
    framework: str | None = None
    min_level: int | None = None


@dataclass(frozen=True)
class Conditions:
    """What a matching credential must also be for it to count."""

    verified_only: bool = True
    still_valid: bool = True
    min_grade: float | None = None
    min_eqf: int | None = None


@dataclass(frozen=True)
class Leaf:
    """A requirement one credential satisfies: any of ``matchers`` and all ``conditions``."""

    id: str
    label: LocalizedText
    matchers: tuple[Matcher, ...]
    conditions: Conditions = Conditions()
    credits: float | None = None
    description: LocalizedText = field(default_factory=LocalizedText)


@dataclass(frozen=True)
class Group:
    """A requirement made of others.

    ``n`` is for ``at_least_n``, ``min_credits`` for ``min_credits`` (a sum over distinct
    credentials). In an ``exclusive`` group one credential satisfies one child only.
    """

    id: str
    label: LocalizedText
    kind: GroupKind
    children: tuple[Node, ...]
    n: int | None = None
    min_credits: float | None = None
    exclusive: bool = False
    description: LocalizedText = field(default_factory=LocalizedText)


Node = Group | Leaf


@dataclass(frozen=True)
class Target:
    """The qualification, occupation or credential the pathway leads to."""

    kind: TargetKind
    label: LocalizedText = field(default_factory=LocalizedText)
    uri: str | None = None


@dataclass(frozen=True)
class PathwayLevel:
    """The target's EQF and PRK levels (PRK n corresponds to EQF n)."""

    eqf: int | None = None
    prk: int | None = None


@dataclass(frozen=True)
class CreditRule:
    """The pathway's credit unit; ``hours_per_ects`` only when the pathway declares it."""

    unit: CreditUnit = CreditUnit.ECTS
    custom_unit: str | None = None
    hours_per_ects: float | None = None

    @property
    def label(self) -> str:
        """The unit as shown to people."""
        return (
            self.custom_unit
            if self.unit is CreditUnit.CUSTOM and self.custom_unit
            else (self.unit.value)
        )


@dataclass(frozen=True)
class Source:
    """Who published the definition and where; ``note`` says what it is based on."""

    kind: SourceKind
    ref: str | None = None
    note: LocalizedText = field(default_factory=LocalizedText)


@dataclass(frozen=True)
class Pathway:
    """A route toward a larger goal, as a requirement tree over a holder's credentials."""

    id: str
    version: str
    title: LocalizedText
    root: Group
    description: LocalizedText = field(default_factory=LocalizedText)
    target: Target = Target(TargetKind.CUSTOM)
    level: PathwayLevel = PathwayLevel()
    credits: CreditRule = CreditRule()
    source: Source = Source(SourceKind.NATIVE)

    def nodes(self) -> tuple[Node, ...]:
        """Every node of the tree, parents before children."""
        found: list[Node] = []
        pending: list[Node] = [self.root]
        while pending:
            node = pending.pop(0)
            found.append(node)
            if isinstance(node, Group):
                pending.extend(node.children)
        return tuple(found)

    def leaves(self) -> tuple[Leaf, ...]:
        """Every leaf, in tree order."""
        return tuple(node for node in self.nodes() if isinstance(node, Leaf))
