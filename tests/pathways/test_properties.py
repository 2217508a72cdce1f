"""Properties of the engine over generated trees and portfolios (hypothesis)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.pathways.builders import AT, group, holding, leaf, pathway
from wallet.pathways.evaluate import evaluate, maximum_matching
from wallet.pathways.matching import Holding
from wallet.pathways.model import Group, GroupKind
from wallet.verification.standing import Standing

KEYS = ["a", "b", "c", "d", "e"]
_ids = itertools.count()


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(st.sampled_from(KEYS), min_size=1, max_size=2, unique=True).map(
        lambda keys: leaf(f"l{next(_ids)}", *({"type": "tag", "value": k} for k in keys))
    )


def _group(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    def build(
        kind: str, items: list[dict[str, Any]], n: int, credits: int, ex: bool
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if kind == "at_least_n":
            extra["n"] = min(n, len(items))
        if kind == "min_credits":
            extra["min_credits"] = credits
        if ex and kind != "min_credits" and all(i["type"] == "leaf" for i in items):
            extra["exclusive"] = True
        return group(f"g{next(_ids)}", kind, *items, **extra)

    return st.builds(
        build,
        st.sampled_from(["all_of", "at_least_n", "min_credits"]),
        st.lists(children, min_size=1, max_size=4),
        st.integers(1, 4),
        st.integers(1, 6),
        st.booleans(),
    )


TREES = st.recursive(_leaf(), _group, max_leaves=12).map(
    lambda node: node if node["type"] != "leaf" else group("root", "all_of", node)
)
STANDINGS = st.sampled_from(list(Standing))


@st.composite
def holdings(draw: st.DrawFn, start: int = 0) -> list[Holding]:
    count = draw(st.integers(0, 6))
    return [
        holding(
            start + i,
            draw(STANDINGS),
            tags=tuple(draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True))),
            ects=float(draw(st.integers(0, 3))),
        )
        for i in range(count)
    ]


@settings(max_examples=150, deadline=None)
@given(TREES, holdings(), holdings(start=100))
def test_adding_credentials_never_lowers_progress(
    tree: dict[str, Any], base: list[Holding], extra: list[Holding]
) -> None:
    p = pathway(tree)
    before = evaluate(p, base, AT)
    after = evaluate(p, base + extra, AT)
    for old, new in zip(before.root.walk(), after.root.walk(), strict=True):
        assert new.progress >= old.progress - 1e-9
        assert new.satisfied or not old.satisfied


@settings(max_examples=150, deadline=None)
@given(TREES, holdings())
def test_tree_invariants_hold(tree: dict[str, Any], base: list[Holding]) -> None:
    p = pathway(tree)
    result = evaluate(p, base, AT)
    by_id = {h.credential_id: h for h in base}
    for node in result.root.walk():
        assert 0.0 <= node.progress <= 1.0
        if node.kind is GroupKind.ALL_OF:
            assert node.satisfied == all(c.satisfied for c in node.children)
        for match in node.matches:
            # a failed, revoked, expired or unverifiable credential never counts by default
            assert by_id[match.credential_id].standing is Standing.VERIFIED
    for node in result.root.walk():
        if node.kind is GroupKind.MIN_CREDITS:
            counted = {m.credential_id for n in node.walk() for m in n.matches}
            assert node.have == sum(by_id[c].record.workload.ects or 0 for c in counted)


@settings(max_examples=150, deadline=None)
@given(TREES, holdings())
def test_exclusive_groups_never_double_count(tree: dict[str, Any], base: list[Holding]) -> None:
    p = pathway(tree)
    result = evaluate(p, base, AT)
    exclusive = {n.id for n in p.nodes() if isinstance(n, Group) and n.exclusive}
    for node in result.root.walk():
        if node.node_id not in exclusive:
            continue
        used = [m.credential_id for child in node.children for m in child.matches]
        assert len(used) == len(set(used))
        assert all(len(child.matches) <= 1 for child in node.children)


def _brute_force(options: dict[int, list[int]]) -> int:
    best = 0
    reqs = list(options)
    for size in range(len(reqs), 0, -1):
        for chosen in itertools.combinations(reqs, size):
            for picks in itertools.product(*(options[r] for r in chosen)):
                if len(set(picks)) == size:
                    return size
    return best


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 4), st.lists(st.integers(0, 4), max_size=3, unique=True)))
def test_maximum_matching_equals_brute_force(options: dict[int, list[int]]) -> None:
    found = maximum_matching(options)
    assert len(set(found.values())) == len(found)
    assert all(found[r] in options[r] for r in found)
    assert len(found) == _brute_force(options)


MATCHERS = st.sampled_from(
    [
        {"type": "tag", "value": "A"},
        {"type": "lo_text", "value": "dane analiza"},
        {"type": "lo_text", "value": "Jakość"},
        {"type": "competence", "framework": "digcomp", "value": "4.1"},
        {"type": "competence", "framework": "digcomp", "value": "4", "min_level": 3},
        {"type": "level", "min_level": 5},
        {"type": "achievement_id", "value": "urn:b"},
        {"type": "alignment_uri", "value": "http://data.europa.eu/esco/skill/1"},
        {"type": "manual"},
    ]
)


@st.composite
def mixed_holdings(draw: st.DrawFn) -> list[Holding]:
    from tests.pathways.builders import holding as make
    from wallet.records import LocalizedText, Skill, SkillFramework

    found = []
    for i in range(draw(st.integers(0, 6))):
        code = draw(st.sampled_from(["4.1", "4.12", "4.1.2", "3.1", "14.1"]))
        level = draw(st.sampled_from(["2", "4", None]))
        skill = Skill(
            "http://data.europa.eu/snb/dcf/x",
            LocalizedText.of({"pl": f"DigComp {code} kompetencja"}),
            SkillFramework.DIGCOMP,
            level,
        )
        found.append(
            make(
                i,
                draw(STANDINGS),
                title=draw(st.sampled_from(["Dane", "Analiza danych", "JAKOŚĆ dane analiza", "x"])),
                tags=tuple(draw(st.lists(st.sampled_from(["a", "A", "b"]), max_size=2))),
                skills=(skill,),
                uris=tuple(
                    draw(st.lists(st.just("http://data.europa.eu/esco/skill/1"), max_size=1))
                ),
                achievement=draw(st.sampled_from(["urn:a", "urn:b", None])),
                eqf=draw(st.sampled_from([None, 4, 6])),
            )
        )
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(MATCHERS, min_size=1, max_size=3), min_size=1, max_size=4),
    mixed_holdings(),
    st.data(),
)
def test_index_narrowing_never_changes_the_result(
    leaves: list[list[dict[str, Any]]], base: list[Holding], data: st.DataObject
) -> None:
    from wallet.pathways.evaluate import Decisions
    from wallet.pathways.matching import PortfolioIndex

    tree = group("root", "all_of", *(leaf(f"x{i}", *m) for i, m in enumerate(leaves)))
    p = pathway(tree)
    ids = [h.credential_id for h in base]
    pairs = {(f"x{i}", c) for i in range(len(leaves)) for c in ids}
    confirmed = frozenset(data.draw(st.sets(st.sampled_from(sorted(pairs)))) if pairs else set())
    decisions = Decisions(confirmed=confirmed)

    class Everything(PortfolioIndex):
        def candidates(self, leaf: Any, chosen: Any) -> list[int]:
            return list(range(len(self.holdings)))

    full = PortfolioIndex.of(base)
    everything = Everything(*(getattr(full, f) for f in full.__dataclass_fields__))
    assert evaluate(p, base, AT, decisions) == evaluate(p, base, AT, decisions, index=everything)
