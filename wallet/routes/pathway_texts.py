"""The words the pathway pages use for why a credential matched and what keeps one out."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from wallet.pathways.matching import Problem
from wallet.pathways.model import GroupKind, MatcherKind


@dataclass(frozen=True)
class PathwayTexts:
    """Translated labels keyed by the engine's codes."""

    basis: dict[MatcherKind, LazyString]
    problem: dict[Problem, LazyString]
    fix: dict[Problem, LazyString]
    group: dict[GroupKind, LazyString]


def texts() -> PathwayTexts:
    """The labels in the request's language."""
    return PathwayTexts(
        basis={
            MatcherKind.ACHIEVEMENT_ID: _l("it is the achievement"),
            MatcherKind.ALIGNMENT_URI: _l("it is aligned to"),
            MatcherKind.COMPETENCE: _l("it is aligned to the competence"),
            MatcherKind.ISSUER: _l("it was issued by"),
            MatcherKind.TAG: _l("it carries the tag"),
            MatcherKind.LEVEL: _l("its level is"),
            MatcherKind.LO_TEXT: _l("its learning outcomes mention"),
            MatcherKind.MANUAL: _l("you chose it"),
        },
        problem={
            Problem.FAILED: _l("its verification failed"),
            Problem.UNVERIFIABLE: _l("it could not be verified"),
            Problem.REVOKED: _l("the issuer revoked it"),
            Problem.EXPIRED: _l("it has expired"),
            Problem.NOT_YET_VALID: _l("it is not valid yet"),
            Problem.LEVEL_TOO_LOW: _l("its level is too low"),
            Problem.LEVEL_UNKNOWN: _l("it does not state its level"),
            Problem.GRADE_TOO_LOW: _l("its grade is too low"),
            Problem.GRADE_UNKNOWN: _l("it has no grade that can be compared"),
        },
        fix={
            Problem.FAILED: _l("Import the original file again or ask the issuer for a copy."),
            Problem.UNVERIFIABLE: _l("Check it again when the issuer can be reached."),
            Problem.REVOKED: _l("Ask the issuer why; a revoked credential cannot count."),
            Problem.EXPIRED: _l("Renew it with the issuer and import the new credential."),
            Problem.NOT_YET_VALID: _l("It will count from its start date."),
            Problem.LEVEL_TOO_LOW: _l("A credential at the required level is needed."),
            Problem.LEVEL_UNKNOWN: _l("Ask the issuer for a credential that states its level."),
            Problem.GRADE_TOO_LOW: _l("A credential with the required grade is needed."),
            Problem.GRADE_UNKNOWN: _l("Ask the issuer for a credential with a numeric grade."),
        },
        group={
            GroupKind.ALL_OF: _l("all of these"),
            GroupKind.AT_LEAST_N: _l("at least %(n)s of these"),
            GroupKind.MIN_CREDITS: _l("credits adding up to %(n)s %(unit)s"),
        },
    )
