"""The readiness engine: matching, conditions, groups, credits and exclusive assignment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.pathways.builders import (
    AT,
    ESCO_PYTHON,
    ESCO_SQL,
    ach,
    group,
    holding,
    leaf,
    pathway,
)
from wallet.pathways.evaluate import Decisions, evaluate, maximum_matching
from wallet.pathways.matching import Problem
from wallet.pathways.model import MatcherKind
from wallet.records import LocalizedText, Skill, SkillFramework
from wallet.verification.standing import Standing


def test_leaf_by_achievement_id_matched_says_why() -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"))))
    result = evaluate(p, [holding(1, achievement="urn:a"), holding(2, achievement="urn:b")], AT)
    (node,) = result.leaves()
    assert node.satisfied and result.satisfied
    assert [(m.credential_id, m.basis, m.value, m.by_holder) for m in node.matches] == [
        (1, MatcherKind.ACHIEVEMENT_ID, "urn:a", False)
    ]


def test_leaf_by_alignment_uri_matches_skill_uri() -> None:
    p = pathway(
        group("root", "all_of", leaf("py", {"type": "alignment_uri", "value": ESCO_PYTHON}))
    )
    assert evaluate(p, [holding(1, uris=(ESCO_PYTHON,))], AT).satisfied
    assert not evaluate(p, [holding(1, uris=(ESCO_SQL,))], AT).satisfied


def test_leaf_by_issuer_and_tag_match_case_insensitive_tag() -> None:
    p = pathway(
        group(
            "root",
            "all_of",
            leaf("i", {"type": "issuer", "value": "did:example:ibe"}),
            leaf("t", {"type": "tag", "value": "python"}),
        )
    )
    result = evaluate(p, [holding(1, issuer="did:example:ibe"), holding(2, tags=("Python",))], AT)
    assert result.satisfied
    assert [n.matches[0].value for n in result.leaves()] == ["did:example:ibe", "Python"]


def test_leaf_by_level_counts_only_at_or_above_minimum() -> None:
    p = pathway(group("root", "all_of", leaf("l", {"type": "level", "min_level": 5})))
    assert evaluate(p, [holding(1, eqf=6)], AT).satisfied
    low = evaluate(p, [holding(1, eqf=4)], AT)
    assert not low.satisfied
    (miss,) = low.leaves()[0].near_misses
    assert (miss.problem, miss.needed) == (Problem.LEVEL_TOO_LOW, "5")


def digcomp_skill(label: str) -> Skill:
    return Skill(
        uri="http://data.europa.eu/snb/dcf/x",
        label=LocalizedText.of({"pl": label}),
        framework=SkillFramework.DIGCOMP,
        level=label.rsplit(" ", 1)[-1] if label[-1].isdigit() else None,
    )


def test_competence_code_with_minimum_level() -> None:
    node = leaf(
        "d41", {"type": "competence", "framework": "digcomp", "value": "4.1", "min_level": 4}
    )
    p = pathway(group("root", "all_of", node))
    assert evaluate(
        p, [holding(1, skills=(digcomp_skill("DigComp 4.1 Ochrona, poziom 4"),))], AT
    ).satisfied
    low = evaluate(p, [holding(1, skills=(digcomp_skill("DigComp 4.1 Ochrona, poziom 2"),))], AT)
    assert low.leaves()[0].near_misses[0].problem is Problem.LEVEL_TOO_LOW
    other = evaluate(p, [holding(1, skills=(digcomp_skill("DigComp 4.12 Coś, poziom 5"),))], AT)
    assert not other.leaves()[0].near_misses and not other.satisfied


def test_competence_without_stated_level_is_a_near_miss() -> None:
    node = leaf(
        "d31", {"type": "competence", "framework": "digcomp", "value": "3.1", "min_level": 3}
    )
    p = pathway(group("root", "all_of", node))
    result = evaluate(p, [holding(1, skills=(digcomp_skill("DigComp 3.1 Treści"),))], AT)
    assert result.leaves()[0].near_misses[0].problem is Problem.LEVEL_UNKNOWN


@pytest.mark.parametrize(
    ("standing", "problem"),
    [
        (Standing.FAILED, Problem.FAILED),
        (Standing.UNVERIFIABLE, Problem.UNVERIFIABLE),
        (Standing.REVOKED, Problem.REVOKED),
        (Standing.EXPIRED, Problem.EXPIRED),
    ],
)
def test_leaf_default_conditions_refuse_standing(standing: Standing, problem: Problem) -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"))))
    result = evaluate(p, [holding(1, standing, achievement="urn:a")], AT)
    assert not result.satisfied
    assert result.leaves()[0].near_misses[0].problem is problem


def test_leaf_expiry_date_past_at_time_is_expired_even_if_standing_verified() -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"))))
    h = holding(1, achievement="urn:a", valid_until=AT - timedelta(days=1))
    assert evaluate(p, [h], AT).leaves()[0].near_misses[0].problem is Problem.EXPIRED
    assert evaluate(p, [h], AT - timedelta(days=2)).satisfied


def test_leaf_not_yet_valid_is_a_near_miss() -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"))))
    h = holding(1, achievement="urn:a", valid_from=AT + timedelta(days=1))
    assert evaluate(p, [h], AT).leaves()[0].near_misses[0].problem is Problem.NOT_YET_VALID


def test_leaf_conditions_can_accept_expired_and_unverified() -> None:
    relaxed = {"verified_only": False, "still_valid": False}
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"), require=relaxed)))
    assert evaluate(p, [holding(1, Standing.EXPIRED, achievement="urn:a")], AT).satisfied
    assert evaluate(p, [holding(1, Standing.UNVERIFIABLE, achievement="urn:a")], AT).satisfied


def test_still_valid_only_accepts_unverifiable_is_still_refused_when_verified_only() -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"), require={"still_valid": False})))
    assert evaluate(p, [holding(1, Standing.EXPIRED, achievement="urn:a")], AT).satisfied
    assert not evaluate(p, [holding(1, Standing.FAILED, achievement="urn:a")], AT).satisfied


@pytest.mark.parametrize(
    ("grade", "satisfied", "problem"),
    [
        ("4.5", True, None),
        ("4,0", True, None),
        ("3", False, Problem.GRADE_TOO_LOW),
        ("85%", True, None),
        ("zaliczone", False, Problem.GRADE_UNKNOWN),
        (None, False, Problem.GRADE_UNKNOWN),
    ],
)
def test_leaf_minimum_grade(grade: str | None, satisfied: bool, problem: Problem | None) -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"), require={"min_grade": 4})))
    result = evaluate(p, [holding(1, achievement="urn:a", grade=grade)], AT)
    assert result.satisfied is satisfied
    misses = result.leaves()[0].near_misses
    assert (misses[0].problem if misses else None) is problem


def test_leaf_minimum_eqf_condition() -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"), require={"min_eqf": 6})))
    assert evaluate(p, [holding(1, achievement="urn:a", eqf=6)], AT).satisfied
    assert not evaluate(p, [holding(1, achievement="urn:a", eqf=5)], AT).satisfied


def test_text_match_is_a_suggestion_until_confirmed() -> None:
    p = pathway(group("root", "all_of", leaf("lo", {"type": "lo_text", "value": "analiza danych"})))
    h = holding(1, title="Kurs", outcome="Prowadzi analizę danych? Nie: Analiza danych sprzedaży")
    pending = evaluate(p, [h], AT)
    assert not pending.satisfied
    (suggestion,) = pending.leaves()[0].suggestions
    assert suggestion.by_holder and suggestion.basis is MatcherKind.LO_TEXT
    confirmed = evaluate(p, [h], AT, Decisions(confirmed=frozenset({("lo", 1)})))
    assert confirmed.satisfied and confirmed.leaves()[0].matches[0].by_holder
    rejected = evaluate(p, [h], AT, Decisions(rejected=frozenset({("lo", 1)})))
    assert not rejected.leaves()[0].suggestions and not rejected.satisfied


def test_text_match_ignores_case_and_polish_diacritics() -> None:
    p = pathway(
        group("root", "all_of", leaf("lo", {"type": "lo_text", "value": "Bezpieczeństwo sieci"}))
    )
    h = holding(1, title="BEZPIECZENSTWO SIECI komputerowych")
    assert evaluate(p, [h], AT).leaves()[0].suggestions


def test_manual_leaf_counts_only_confirmed_choice() -> None:
    p = pathway(group("root", "all_of", leaf("m", {"type": "manual"})))
    hs = [holding(1), holding(2)]
    assert not evaluate(p, hs, AT).leaves()[0].suggestions
    result = evaluate(p, hs, AT, Decisions(confirmed=frozenset({("m", 2)})))
    assert [m.credential_id for m in result.leaves()[0].matches] == [2]
    assert result.leaves()[0].matches[0].by_holder


def test_confirmation_does_not_make_an_expired_credential_count() -> None:
    p = pathway(group("root", "all_of", leaf("m", {"type": "manual"})))
    result = evaluate(
        p, [holding(1, Standing.EXPIRED)], AT, Decisions(confirmed=frozenset({("m", 1)}))
    )
    assert not result.satisfied and result.leaves()[0].near_misses[0].problem is Problem.EXPIRED


def test_confirmed_pair_on_a_leaf_without_holder_matchers_is_ignored() -> None:
    p = pathway(group("root", "all_of", leaf("a", ach("urn:a"))))
    assert not evaluate(p, [holding(1)], AT, Decisions(confirmed=frozenset({("a", 1)}))).satisfied


def test_all_of_needs_every_child_and_reports_fraction() -> None:
    p = pathway(
        group("root", "all_of", leaf("a", ach("a")), leaf("b", ach("b")), leaf("c", ach("c")))
    )
    result = evaluate(p, [holding(1, achievement="a"), holding(2, achievement="c")], AT)
    assert not result.satisfied
    assert (result.root.have, result.root.need) == (2, 3)
    assert result.root.progress == pytest.approx(2 / 3)


def test_at_least_n_counts_satisfied_children() -> None:
    p = pathway(
        group(
            "root", "at_least_n", leaf("a", ach("a")), leaf("b", ach("b")), leaf("c", ach("c")), n=2
        )
    )
    assert not evaluate(p, [holding(1, achievement="a")], AT).satisfied
    assert evaluate(p, [holding(1, achievement="a"), holding(2, achievement="b")], AT).satisfied
    assert evaluate(p, [holding(1, achievement="a")], AT).root.progress == pytest.approx(0.5)


def test_min_credits_sums_each_credential_once() -> None:
    p = pathway(
        group(
            "root",
            "min_credits",
            leaf("py", {"type": "alignment_uri", "value": ESCO_PYTHON}),
            leaf("sql", {"type": "alignment_uri", "value": ESCO_SQL}),
            min_credits=5,
        )
    )
    both = holding(1, uris=(ESCO_PYTHON, ESCO_SQL), ects=3)
    result = evaluate(p, [both], AT)
    assert (result.root.have, result.root.need, result.satisfied) == (3, 5, False)
    assert result.credits is not None and result.credits.unit == "ECTS"
    assert evaluate(p, [both, holding(2, uris=(ESCO_SQL,), ects=2)], AT).satisfied


def test_min_credits_counts_only_counted_credentials() -> None:
    p = pathway(group("root", "min_credits", leaf("a", ach("a")), min_credits=2))
    result = evaluate(p, [holding(1, Standing.REVOKED, achievement="a", ects=5)], AT)
    assert result.root.have == 0 and not result.satisfied


def test_min_credits_converts_hours_only_at_declared_rate() -> None:
    root = group("root", "min_credits", leaf("a", ach("a")), min_credits=2)
    h = holding(1, achievement="a", hours=60)
    assert evaluate(pathway(root), [h], AT).root.have == 0
    declared = pathway(root, credits={"unit": "ECTS", "hours_per_ects": 30})
    assert evaluate(declared, [h], AT).root.have == pytest.approx(2)
    hours = pathway(root, credits={"unit": "hours"})
    assert evaluate(hours, [h], AT).root.have == 60


def test_leaf_credits_override_the_credential() -> None:
    p = pathway(group("root", "min_credits", leaf("a", ach("a"), credits=4), min_credits=4))
    assert evaluate(p, [holding(1, achievement="a", ects=1)], AT).satisfied


def test_exclusive_all_of_needs_distinct_credentials() -> None:
    root = group("root", "all_of", leaf("x", ach("both")), leaf("y", ach("both")), exclusive=True)
    one = [holding(1, achievement="both")]
    assert not evaluate(pathway(root), one, AT).satisfied
    assert evaluate(pathway({**root, "exclusive": False}), one, AT).satisfied
    two = [*one, holding(2, achievement="both")]
    result = evaluate(pathway(root), two, AT)
    assert result.satisfied
    assert {m.credential_id for n in result.leaves() for m in n.matches} == {1, 2}


def test_exclusive_assignment_finds_the_matching_greedy_misses() -> None:
    # Credential 1 fits x and y, credential 2 fits only x: a greedy pick of 1 for x fails y.
    p = pathway(
        group(
            "root",
            "all_of",
            leaf("x", ach("a"), ach("b")),
            leaf("y", ach("a")),
            exclusive=True,
        )
    )
    result = evaluate(p, [holding(1, achievement="a"), holding(2, achievement="b")], AT)
    assert result.satisfied
    assigned = {n.node_id: n.matches[0].credential_id for n in result.leaves()}
    assert assigned == {"x": 2, "y": 1}


def test_exclusive_group_reports_matches_used_elsewhere() -> None:
    p = pathway(
        group("root", "at_least_n", leaf("x", ach("a")), leaf("y", ach("a")), n=1, exclusive=True)
    )
    result = evaluate(p, [holding(1, achievement="a")], AT)
    assert result.satisfied
    x, y = result.leaves()
    assert x.satisfied and not y.satisfied
    assert [m.credential_id for m in y.used_elsewhere] == [1]


def test_maximum_matching_is_maximum() -> None:
    options = {0: [1, 2], 1: [1], 2: [2, 3], 3: [3, 4]}
    found = maximum_matching(options)
    assert len(found) == 4 and len(set(found.values())) == 4
    assert all(found[r] in options[r] for r in found)


def test_nested_groups_zsk_shape() -> None:
    zestaw1 = group("z1", "all_of", leaf("e1", ach("e1")), leaf("e2", ach("e2")))
    zestaw2 = group("z2", "at_least_n", leaf("e3", ach("e3")), leaf("e4", ach("e4")), n=1)
    p = pathway(group("root", "all_of", zestaw1, zestaw2))
    hs = [holding(1, achievement="e1"), holding(2, achievement="e2")]
    result = evaluate(p, hs, AT)
    assert not result.satisfied and result.root.progress == pytest.approx(0.5)
    assert result.root.children[0].satisfied
    assert result.counted() == {1, 2}
    assert evaluate(p, [*hs, holding(3, achievement="e4")], AT).satisfied
