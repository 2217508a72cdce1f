"""Where pathways come from: shipped templates, Badgr trees and CTDL pathways."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.pathways.builders import AT, ESCO_PYTHON, ESCO_SQL, holding
from wallet.errors import NotFoundError, PathwayFormatError
from wallet.pathways.catalogue import suggest_templates, template, templates
from wallet.pathways.definition import pathway_to_json, read_pathway
from wallet.pathways.evaluate import evaluate
from wallet.pathways.foreign import read_any_pathway
from wallet.pathways.model import Group, GroupKind, Leaf, SourceKind
from wallet.records import LocalizedText, Skill, SkillFramework
from wallet.verification.standing import Standing

DATA = Path(__file__).parent.parent / "data" / "pathways"


def test_every_template_loads_names_its_source_and_round_trips() -> None:
    found = templates()
    assert [key for key, _ in found] == [
        "digcomp-2.2",
        "zsk-analityk-danych",
        "credits-postgraduate",
        "esco-data-analyst",
    ]
    for _, p in found:
        assert p.source.note.get("pl") and p.source.note.get("en")
        assert p.title.get("pl") and p.title.get("en")
        assert read_pathway(pathway_to_json(p)) == p


def test_digcomp_template_has_five_areas_and_21_competences() -> None:
    p = template("digcomp-2.2")
    assert p.source.kind is SourceKind.DIGCOMP
    assert len(p.root.children) == 5
    assert len(p.leaves()) == 21
    assert {m.min_level for leaf in p.leaves() for m in leaf.matchers} == {4}


def test_zsk_template_is_qualification_sets_outcomes_with_prk_level() -> None:
    p = template("zsk-analityk-danych")
    assert p.level.prk == 5 and p.target.kind.value == "qualification"
    assert p.root.kind is GroupKind.ALL_OF
    assert all(isinstance(z, Group) for z in p.root.children)
    assert all(leaf.description.get("pl") for leaf in p.leaves())  # kryteria weryfikacji


def test_unknown_template_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        template("nope")


def test_suggestions_rank_templates_by_coverage() -> None:
    hs = [holding(1, uris=(ESCO_PYTHON, ESCO_SQL), ects=3, eqf=6)]
    found = suggest_templates(hs, AT)
    keys = [s.key for s in found]
    assert keys[0] == "esco-data-analyst"  # 2 of 5 needed
    assert "digcomp-2.2" not in keys
    assert [s.coverage for s in found] == sorted((s.coverage for s in found), reverse=True)
    assert "esco-data-analyst" not in [
        s.key for s in suggest_templates(hs, AT, exclude=frozenset({"esco-data-analyst"}))
    ]


def test_digcomp_template_counts_aligned_badge() -> None:
    skill = Skill(
        uri="http://data.europa.eu/snb/dcf/x",
        label=LocalizedText.of({"pl": "DigComp 4.1 Ochrona urządzeń, poziom 4"}),
        framework=SkillFramework.DIGCOMP,
        level="4",
    )
    result = evaluate(template("digcomp-2.2"), [holding(1, skills=(skill,))], AT)
    counted = [n.node_id for n in result.leaves() if n.satisfied]
    assert counted == ["digcomp-4.1"]
    assert result.root.progress == pytest.approx((1 / 4) / 5)


def _ctdl() -> dict[str, Any]:
    return json.loads((DATA / "ctdl_data_literacy.json").read_text())


def test_ctdl_pathway_maps_conditions_and_credit_constraint() -> None:
    p = read_any_pathway((DATA / "ctdl_data_literacy.json").read_bytes())
    assert p.source.kind is SourceKind.CTDL
    assert p.title.get("en") == "Data literacy pathway" and p.title.get("pl")
    kinds = [(c.kind, c.n, c.min_credits) for c in p.root.children if isinstance(c, Group)]
    assert kinds == [
        (GroupKind.ALL_OF, None, None),
        (GroupKind.AT_LEAST_N, 1, None),
        (GroupKind.MIN_CREDITS, None, 3.0),
    ]
    sql = next(leaf for leaf in p.leaves() if leaf.label.get("en") == "Databases and SQL")
    assert sql.credits == 1.0
    assert sql.matchers[0].value == "https://courses.example/sql-basics"


def test_ctdl_component_matches_alignment_target_url() -> None:
    p = read_any_pathway((DATA / "ctdl_data_literacy.json").read_bytes())
    hs = [
        holding(1, uris=("https://courses.example/sql-basics",), ects=1),
        holding(2, uris=("https://courses.example/python-data",), ects=1),
        holding(3, uris=("https://courses.example/visualisation",), ects=1),
    ]
    assert evaluate(p, hs, AT).satisfied
    short = evaluate(p, hs[:2], AT)
    assert not short.satisfied
    assert [c.satisfied for c in short.root.children] == [True, False, False]
    revoked = evaluate(
        p,
        [*hs[:2], holding(3, Standing.REVOKED, uris=("https://courses.example/visualisation",))],
        AT,
    )
    assert not revoked.satisfied


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda d: d["@graph"][1]["ceterms:hasCondition"][0].update(
                {"ceterms:requiredNumber": 5}
            ),
            "ceterms:requiredNumber",
        ),
        (
            lambda d: d["@graph"][1]["ceterms:hasCondition"][0]["ceterms:targetComponent"].append(
                "https://x.example/none"
            ),
            "no component",
        ),
        (lambda d: d["@graph"][3].pop("ceterms:sourceData"), "ceterms:sourceData"),
        (
            lambda d: d["@graph"][0].pop("ceterms:hasDestinationComponent"),
            "hasDestinationComponent",
        ),
        (lambda d: d["@graph"][2].pop("ceterms:name"), "ceterms:name"),
        (
            lambda d: d["@graph"][1]["ceterms:hasCondition"][2]["ceterms:hasConstraint"][0].update(
                {"ceterms:rightSource": ["lots"]}
            ),
            "rightSource",
        ),
        (
            lambda d: d["@graph"][2].update(
                {
                    "ceterms:hasChild": [
                        "https://credentialengineregistry.example/resources/ce-destination"
                    ]
                }
            ),
            "contains itself",
        ),
    ],
)
def test_bad_ctdl_names_the_field(change: Any, named: str) -> None:
    document = _ctdl()
    change(document)
    with pytest.raises(PathwayFormatError) as caught:
        read_any_pathway(json.dumps(document).encode())
    assert named in caught.value.message


def test_badgr_pathway_maps_junctions() -> None:
    p = read_any_pathway((DATA / "badgr_pathway.json").read_bytes())
    assert p.source.kind is SourceKind.BADGR and p.title.get("en") == "Digital office worker"
    safety = "https://badgr.example/public/badges/safety"
    slides = "https://badgr.example/public/badges/slides"
    assert evaluate(
        p, [holding(1, achievement=safety), holding(2, achievement=slides)], AT
    ).satisfied
    assert not evaluate(p, [holding(1, achievement=safety)], AT).satisfied
    content = [n for n in p.nodes() if isinstance(n, Group) and n.kind is GroupKind.AT_LEAST_N]
    assert content and content[0].n == 1
    assert all(isinstance(leaf, Leaf) for leaf in content[0].children)


def test_badgr_required_number_out_of_range_is_named() -> None:
    document = json.loads((DATA / "badgr_pathway.json").read_text())
    document["elements"][2]["completionRequirements"]["junctionConfig"]["requiredNumber"] = 3
    with pytest.raises(PathwayFormatError, match="requiredNumber"):
        read_any_pathway(json.dumps(document).encode())


@pytest.mark.parametrize("data", [b"{}", b'{"name": "x"}', b"[]", b"nope"])
def test_unknown_documents_are_refused(data: bytes) -> None:
    with pytest.raises(PathwayFormatError):
        read_any_pathway(data)


def test_plecak_document_is_detected() -> None:
    p = template("credits-postgraduate")
    assert read_any_pathway(json.dumps(pathway_to_json(p)).encode()) == p


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("Developing digital content Level 4", "4"),
        ("DigComp 4.1 Ochrona urządzeń, poziom 5", "5"),
        ("DigComp 4.1", None),
    ],
)
def test_digcomp_alignment_level_is_read_in_english_and_polish(
    label: str, level: str | None
) -> None:
    vocabularies = importlib.import_module("wallet.import.vocabularies")
    assert vocabularies.skill_level(SkillFramework.DIGCOMP, label) == level
