"""``wallet pathways check``: readiness from verified credential files, as data and text.

Pure: the command reads and verifies the files (as ``wallet verify`` does) and passes the
results here; a result whose credential could not be read does not count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.pathways.evaluate import NodeProgress, PathwayProgress, evaluate
from wallet.pathways.matching import Holding
from wallet.pathways.model import GroupKind, Pathway
from wallet.records import CredentialRecord
from wallet.verification.report import Report
from wallet.verification.standing import standing_of

Verified = tuple[str, CredentialRecord | None, Report]  # source, record, report


@dataclass(frozen=True)
class CheckResult:
    """Readiness from a command-line check and the source of each numbered credential."""

    progress: PathwayProgress
    sources: dict[int, str]


def check_pathway(pathway: Pathway, results: Sequence[Verified], at: datetime) -> CheckResult:
    """Readiness toward ``pathway`` from verification results (numbered from 1 by order)."""
    holdings = [
        Holding(number, record, standing_of(report), source)
        for number, (source, record, report) in enumerate(results, start=1)
        if record is not None
    ]
    sources = {h.credential_id: h.source for h in holdings}
    return CheckResult(evaluate(pathway, holdings, at), sources)


def progress_to_json(result: CheckResult, language: str = "en") -> JsonObject:
    """The ``--json`` object: overall readiness, credits, and every requirement with why."""
    progress, sources = result.progress, result.sources
    credits: JsonValue = None
    if progress.credits is not None:
        credits = {
            "earned": progress.credits.earned,
            "required": progress.credits.required,
            "unit": progress.credits.unit,
        }
    return {
        "pathway": progress.pathway.id,
        "title": progress.pathway.title.get(language),
        "satisfied": progress.satisfied,
        "progress": round(progress.root.progress, 4),
        "credits": credits,
        "requirements": [_node_json(node, sources, language) for node in progress.root.walk()],
    }


def _node_json(node: NodeProgress, sources: dict[int, str], language: str) -> JsonObject:
    return {
        "id": node.node_id,
        "title": node.label.get(language),
        "satisfied": node.satisfied,
        "matched": [_source(m.credential_id, sources) for m in node.matches],
        "why": _why(node),
    }


def _source(credential_id: int, sources: dict[int, str]) -> str:
    return sources.get(credential_id) or str(credential_id)


def _why(node: NodeProgress) -> list[JsonValue]:
    if node.kind is None:
        reasons: list[JsonValue] = [
            f"{m.basis.value}: {m.value}" + (" (matched by the holder)" if m.by_holder else "")
            for m in node.matches
        ]
        reasons.extend(f"near miss: {miss.problem.value}" for miss in node.near_misses)
        reasons.extend(f"suggestion: {m.basis.value}: {m.value}" for m in node.suggestions)
        return reasons
    if node.kind is GroupKind.MIN_CREDITS:
        return [f"{node.have:g} of {node.need:g} credits"]
    return [f"{node.have:g} of {node.need:g} requirements met"]


def progress_to_text(result: CheckResult, language: str = "en") -> str:
    """A readable tree: one line per requirement with its status and what counts."""
    progress = result.progress
    lines = [
        progress.pathway.title.get(language) or progress.pathway.id,
        f"  readiness: {progress.root.progress:.0%} ({'met' if progress.satisfied else 'not yet'})",
        "  (readiness, not an award: only an awarding body awards a qualification)",
    ]
    if progress.credits is not None:
        c = progress.credits
        lines.append(f"  credits:   {c.earned:g} of {c.required:g} {c.unit}")
    _text_lines(progress.root, 1, lines, language, result.sources)
    return "\n".join(lines)


def _text_lines(
    node: NodeProgress, depth: int, lines: list[str], language: str, sources: dict[int, str]
) -> None:
    mark = "[x]" if node.satisfied else "[ ]"
    lines.append(f"{'  ' * depth}{mark} {node.label.get(language) or node.node_id}")
    for match in node.matches:
        lines.append(f"{'  ' * (depth + 2)}counts: {_source(match.credential_id, sources)}")
    for reason in _why(node):
        lines.append(f"{'  ' * (depth + 2)}{reason}")
    for child in node.children:
        _text_lines(child, depth + 1, lines, language, sources)
