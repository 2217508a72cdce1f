"""Readiness toward a pathway: a pure function of (pathway, holdings, decisions, time)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from wallet.pathways.matching import (
    Holding,
    Match,
    NearMiss,
    PortfolioIndex,
    credits_of,
    examine,
)
from wallet.pathways.model import Group, GroupKind, Leaf, Node, Pathway
from wallet.records import LocalizedText

Pair = tuple[str, int]  # (leaf id, credential id)


@dataclass(frozen=True)
class Decisions:
    """The holder's answers to suggestions: pairs of leaf id and credential id."""

    confirmed: frozenset[Pair] = frozenset()
    rejected: frozenset[Pair] = frozenset()


@dataclass(frozen=True)
class NodeProgress:
    """Readiness of one requirement.

    ``matches`` count; ``suggestions`` wait for the holder; ``near_misses`` match but do not
    count; ``used_elsewhere`` match but were assigned to a sibling in an exclusive group.
    ``have``/``need`` are satisfied children (or credits for ``min_credits``) of needed.
    """

    node_id: str
    label: LocalizedText
    kind: GroupKind | None
    satisfied: bool
    progress: float
    have: float
    need: float
    matches: tuple[Match, ...] = ()
    suggestions: tuple[Match, ...] = ()
    near_misses: tuple[NearMiss, ...] = ()
    used_elsewhere: tuple[Match, ...] = ()
    children: tuple[NodeProgress, ...] = ()
    contributing: frozenset[int] = frozenset()

    @property
    def is_leaf(self) -> bool:
        """Whether this is a leaf requirement."""
        return self.kind is None

    def walk(self) -> tuple[NodeProgress, ...]:
        """This node and every descendant, parents first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return tuple(found)


@dataclass(frozen=True)
class CreditSummary:
    """Credits earned of those required by the topmost credit requirement."""

    earned: float
    required: float
    unit: str


@dataclass(frozen=True)
class PathwayProgress:
    """Readiness toward a whole pathway at one instant (never an award)."""

    pathway: Pathway
    at: datetime
    root: NodeProgress
    credits: CreditSummary | None

    @property
    def satisfied(self) -> bool:
        """Whether every requirement of the tree is met."""
        return self.root.satisfied

    def counted(self) -> frozenset[int]:
        """The credentials that count somewhere in the tree."""
        return self.root.contributing

    def leaves(self) -> tuple[NodeProgress, ...]:
        """The leaf readiness, in tree order."""
        return tuple(node for node in self.root.walk() if node.is_leaf)


def evaluate(
    pathway: Pathway,
    holdings: Sequence[Holding],
    at: datetime,
    decisions: Decisions = Decisions(),
    *,
    index: PortfolioIndex | None = None,
) -> PathwayProgress:
    """Readiness toward ``pathway`` from ``holdings`` at ``at``.

    ``index`` (of the same ``holdings``) may be shared between pathways; it only narrows which
    credentials each requirement examines.
    """
    index = index if index is not None else PortfolioIndex.of(holdings)
    state = _Evaluation(pathway, index, at, decisions)
    root = state.node(pathway.root)
    return PathwayProgress(pathway, at, root, _credit_summary(pathway, root))


class _Evaluation:
    def __init__(
        self, pathway: Pathway, index: PortfolioIndex, at: datetime, decisions: Decisions
    ) -> None:
        self.pathway = pathway
        self.index = index
        self.chosen: dict[str, set[int]] = {}
        for leaf_id, credential_id in decisions.confirmed:
            self.chosen.setdefault(leaf_id, set()).add(credential_id)
        self.at = at
        self.decisions = decisions
        self.counted_by_leaf: dict[str, tuple[Match, ...]] = {}

    def node(self, node: Node) -> NodeProgress:
        return self.leaf(node) if isinstance(node, Leaf) else self.group(node)

    def leaf(self, leaf: Leaf) -> NodeProgress:
        matches: list[Match] = []
        suggestions: list[Match] = []
        misses: list[NearMiss] = []
        for position in self.index.candidates(leaf, self.chosen.get(leaf.id, ())):
            holding = self.index.holdings[position]
            pair = (leaf.id, holding.credential_id)
            found = examine(
                leaf,
                holding,
                self.at,
                confirmed=pair in self.decisions.confirmed,
                rejected=pair in self.decisions.rejected,
                words=self.index.words[position],
            )
            if found.match:
                matches.append(found.match)
            elif found.suggestion:
                suggestions.append(found.suggestion)
            elif found.near_miss:
                misses.append(found.near_miss)
        self.counted_by_leaf[leaf.id] = tuple(matches)
        ok = bool(matches)
        return NodeProgress(
            leaf.id,
            leaf.label,
            None,
            ok,
            1.0 if ok else 0.0,
            1.0 if ok else 0.0,
            1.0,
            tuple(matches),
            tuple(suggestions),
            tuple(misses),
            contributing=frozenset(m.credential_id for m in matches),
        )

    def group(self, group: Group) -> NodeProgress:
        children = tuple(self.node(child) for child in group.children)
        if group.kind is GroupKind.MIN_CREDITS:
            return self.credit_group(group, children)
        if group.exclusive:
            children = _assign_exclusively(children)
        need = len(children) if group.kind is GroupKind.ALL_OF else (group.n or 0)
        done = sum(1 for child in children if child.satisfied)
        best = sorted((child.progress for child in children), reverse=True)[:need]
        progress = sum(best) / need if need else 1.0
        return NodeProgress(
            group.id,
            group.label,
            group.kind,
            done >= need,
            min(1.0, progress),
            float(done),
            float(need),
            children=children,
            contributing=frozenset().union(*(c.contributing for c in children)),
        )

    def credit_group(self, group: Group, children: tuple[NodeProgress, ...]) -> NodeProgress:
        leaves = {leaf.id: leaf for leaf in _leaves_under(group)}
        credits: dict[int, float] = {}
        for node in (n for child in children for n in child.walk() if n.is_leaf):
            leaf = leaves[node.node_id]
            for match in node.matches:
                record = self.index.holdings[self.index.by_credential[match.credential_id]].record
                amount = credits_of(record, self.pathway.credits, leaf.credits)
                # Each credential counts once: the largest amount any leaf gives it.
                credits[match.credential_id] = max(credits.get(match.credential_id, 0.0), amount)
        earned = sum(credits.values())
        need = group.min_credits or 0.0
        return NodeProgress(
            group.id,
            group.label,
            group.kind,
            earned >= need,
            min(1.0, earned / need) if need else 1.0,
            earned,
            need,
            children=children,
            contributing=frozenset(c for c, amount in credits.items() if amount > 0),
        )


def _leaves_under(group: Group) -> Iterable[Leaf]:
    for child in group.children:
        if isinstance(child, Leaf):
            yield child
        else:
            yield from _leaves_under(child)


def _assign_exclusively(children: tuple[NodeProgress, ...]) -> tuple[NodeProgress, ...]:
    """Give each leaf child at most one credential, used by no sibling, satisfying the most."""
    options = {
        index: sorted({m.credential_id for m in child.matches})
        for index, child in enumerate(children)
    }
    assigned = maximum_matching(options)
    updated = []
    for index, child in enumerate(children):
        chosen = assigned.get(index)
        kept = tuple(m for m in child.matches if m.credential_id == chosen)[:1]
        others = tuple(m for m in child.matches if m.credential_id != chosen)
        ok = chosen is not None
        updated.append(
            replace(
                child,
                satisfied=ok,
                progress=1.0 if ok else 0.0,
                have=1.0 if ok else 0.0,
                matches=kept,
                used_elsewhere=others,
                contributing=frozenset({chosen}) if chosen is not None else frozenset(),
            )
        )
    return tuple(updated)


def maximum_matching(options: Mapping[int, Sequence[int]]) -> dict[int, int]:
    """A maximum bipartite matching of requirements to credentials (augmenting paths)."""
    owner: dict[int, int] = {}  # credential -> requirement

    def augment(requirement: int, seen: set[int]) -> bool:
        for credential in options[requirement]:
            if credential in seen:
                continue
            seen.add(credential)
            if credential not in owner or augment(owner[credential], seen):
                owner[credential] = requirement
                return True
        return False

    for requirement in sorted(options):
        augment(requirement, set())
    return {requirement: credential for credential, requirement in owner.items()}


def _credit_summary(pathway: Pathway, root: NodeProgress) -> CreditSummary | None:
    for node in root.walk():
        if node.kind is GroupKind.MIN_CREDITS:
            return CreditSummary(node.have, node.need, pathway.credits.label)
    return None
