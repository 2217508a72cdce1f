"""The pathway templates shipped with Plecak, each naming its source."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from wallet.errors import NotFoundError
from wallet.pathways.definition import read_pathway_bytes
from wallet.pathways.evaluate import Decisions, PathwayProgress, evaluate
from wallet.pathways.matching import Holding
from wallet.pathways.model import Pathway

TEMPLATE_FILES = {
    "digcomp-2.2": "digcomp-2.2.json",
    "zsk-analityk-danych": "zsk-analityk-danych.json",
    "credits-postgraduate": "credits-postgraduate.json",
    "esco-data-analyst": "esco-data-analyst.json",
}


@functools.cache
def template(key: str) -> Pathway:
    """The shipped template ``key``; raises ``NotFoundError`` for an unknown key."""
    name = TEMPLATE_FILES.get(key)
    if name is None:
        raise NotFoundError("No such pathway template.")
    data = resources.files("wallet.pathways").joinpath("templates", name).read_bytes()
    return read_pathway_bytes(data)


def templates() -> tuple[tuple[str, Pathway], ...]:
    """Every shipped template with its key, in catalogue order."""
    return tuple((key, template(key)) for key in TEMPLATE_FILES)


@dataclass(frozen=True)
class Suggestion:
    """A template the portfolio already covers in part."""

    key: str
    progress: PathwayProgress

    @property
    def coverage(self) -> float:
        """The share of the pathway the holder is ready for, 0..1."""
        return self.progress.root.progress


def suggest_templates(
    holdings: Sequence[Holding], at: datetime, *, exclude: frozenset[str] = frozenset()
) -> tuple[Suggestion, ...]:
    """Templates with some progress from ``holdings``, best coverage first."""
    found = [
        Suggestion(key, evaluate(pathway, holdings, at, Decisions()))
        for key, pathway in templates()
        if key not in exclude
    ]
    covered = [
        s for s in found if s.coverage > 0 or any(n.suggestions for n in s.progress.leaves())
    ]
    return tuple(sorted(covered, key=lambda s: (-s.coverage, s.key)))
