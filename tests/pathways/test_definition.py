"""Reading and writing Plecak pathway documents: every bad document names its field."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from tests.pathways.builders import ach, document, group, leaf
from wallet.errors import PathwayFormatError
from wallet.pathways.definition import (
    pathway_schema,
    pathway_to_json,
    read_pathway,
    read_pathway_bytes,
)
from wallet.pathways.model import CreditUnit, GroupKind, Leaf, MatcherKind

GOOD = document(
    group(
        "root",
        "all_of",
        group("z1", "at_least_n", leaf("a", ach("urn:a")), leaf("b", ach("urn:b")), n=1),
        group(
            "credits", "min_credits", leaf("c", {"type": "level", "min_level": 4}), min_credits=5
        ),
        leaf("m", {"type": "manual"}, require={"still_valid": False, "min_grade": 3.5}),
    ),
    description={"pl": "Opis", "en": "Description"},
    target={
        "kind": "qualification",
        "label": {"pl": "Kwalifikacja"},
        "uri": "https://kwalifikacje.gov.pl/k?id_kw=1",
    },
    level={"eqf": 5, "prk": 5},
    credits={"unit": "ECTS", "hours_per_ects": 25},
    source={"kind": "zrk", "ref": "https://kwalifikacje.gov.pl/", "note": {"en": "ZRK"}},
)


def test_read_pathway_builds_typed_tree() -> None:
    p = read_pathway(GOOD)
    assert p.title.get("en") == "Test" and p.level.prk == 5
    assert p.credits.unit is CreditUnit.ECTS and p.credits.hours_per_ects == 25
    assert [child.id for child in p.root.children] == ["z1", "credits", "m"]
    z1 = p.root.children[0]
    assert not isinstance(z1, Leaf) and z1.kind is GroupKind.AT_LEAST_N and z1.n == 1
    manual = p.root.children[2]
    assert isinstance(manual, Leaf) and manual.matchers[0].kind is MatcherKind.MANUAL
    assert not manual.conditions.still_valid and manual.conditions.verified_only
    assert manual.conditions.min_grade == 3.5


def test_written_pathway_reads_back_equal_and_passes_the_schema() -> None:
    p = read_pathway(GOOD)
    written = pathway_to_json(p)
    jsonschema.Draft202012Validator(pathway_schema()).validate(written)
    assert read_pathway(json.loads(json.dumps(written))) == p


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(GOOD))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (["format"], "something/2", "$.format"),
        (["title"], KeyError, "title"),
        (["root", "type"], "any_of", "$.root.type"),
        (["root", "children", 0, "n"], 3, "$.root.children[0].n"),
        (["root", "children", 0, "n"], None, "$.root.children[0].n"),
        (["root", "children", 1, "min_credits"], None, "$.root.children[1].min_credits"),
        (["root", "children", 0, "children", 1, "id"], "a", "$.root.children[0].children[1].id"),
        (
            ["root", "children", 0, "children", 0, "match"],
            [],
            "$.root.children[0].children[0].match",
        ),
        (["root", "children", 0, "children", 0, "match", 0, "value"], " ", "match[0].value"),
        (["root", "children", 0, "children", 0, "match", 0, "type"], "regex", "match[0].type"),
        (["root", "children", 2, "require", "colour"], "red", "$.root.children[2].require"),
        (["root", "children", 0, "exclusive"], "yes", "$.root.children[0].exclusive"),
        (["level", "eqf"], 9, "$.level.eqf"),
        (["credits"], {"unit": "custom"}, "$.credits.custom_unit"),
        (["credits", "hours_per_ects"], -1, "$.credits.hours_per_ects"),
        (["root", "children"], [], "$.root.children"),
    ],
)
def test_bad_document_names_the_field(path: list[Any], value: Any, named: str) -> None:
    with pytest.raises(PathwayFormatError) as caught:
        read_pathway(_with(path, value))
    assert named in caught.value.message
    assert caught.value.code == "pathway_format"


def test_exclusive_group_over_a_group_is_refused() -> None:
    bad = document(
        group("root", "all_of", group("g", "all_of", leaf("a", ach("a"))), exclusive=True)
    )
    with pytest.raises(PathwayFormatError, match=r"\$\.root\.exclusive"):
        read_pathway(bad)


def test_competence_match_needs_framework() -> None:
    bad = document(group("root", "all_of", leaf("a", {"type": "competence", "value": "1.1"})))
    with pytest.raises(PathwayFormatError, match="framework"):
        read_pathway(bad)


def test_too_deep_tree_is_refused() -> None:
    node: dict[str, Any] = leaf("deep", ach("a"))
    for depth in range(14):
        node = group(f"g{depth}", "all_of", node)
    with pytest.raises(PathwayFormatError, match="deeper or larger"):
        read_pathway(document(node))


@pytest.mark.parametrize("data", [b"", b"[1]", b"{", b"\xff\xfe", b'"text"'])
def test_unreadable_bytes_raise_pathway_format_error(data: bytes) -> None:
    with pytest.raises(PathwayFormatError):
        read_pathway_bytes(data)


def test_plain_string_text_is_accepted_as_unknown_language() -> None:
    p = read_pathway(_with(["title"], "Ścieżka"))
    assert p.title.get("pl") == "Ścieżka"
