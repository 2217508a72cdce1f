"""Which Annex I elements a record carries: a pure function of the record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from wallet.annex1 import ELEMENTS, assess_annex1, is_eu_described
from wallet.envelope import CredentialFormat
from wallet.records import (
    Concept,
    CredentialRecord,
    CreditAmount,
    FurtherInfo,
    Grade,
    Identifier,
    Learner,
    LearningOutcome,
    Level,
    LocalizedText,
    NqfLevel,
    Organisation,
    Participation,
    QualityAssurance,
    Stackability,
    StackabilityMode,
    Supervision,
    Workload,
)

EMPTY = CredentialRecord(format=CredentialFormat.VC_DATA_INTEGRITY)
TEXT = LocalizedText.of({"en": "text"})
MANDATORY = tuple(element.code for element in ELEMENTS if element.mandatory)

ONE_ELEMENT: list[tuple[str, CredentialRecord]] = [
    ("M1", replace(EMPTY, learner=Learner(identifiers=(Identifier("email", "a@b.pl"),)))),
    ("M2", replace(EMPTY, title=TEXT)),
    ("M3", replace(EMPTY, issuer_country="PL")),
    ("M3", replace(EMPTY, awarding_bodies=(Organisation(country="PL"),))),
    ("M4", replace(EMPTY, awarding_bodies=(Organisation(name=TEXT),))),
    ("M5", replace(EMPTY, awarded_on=datetime(2024, 1, 1, tzinfo=UTC))),
    ("M6", replace(EMPTY, learning_outcomes=(LearningOutcome(text=TEXT),))),
    ("M7", replace(EMPTY, workload=Workload(other=(CreditAmount(5.0, "creditsAvailable"),)))),
    ("M7", replace(EMPTY, workload=Workload(hours=0.0))),
    ("M8", replace(EMPTY, level=Level(nqf=NqfLevel("PRK", "5")))),
    ("M9", replace(EMPTY, assessment=Concept(label=TEXT))),
    ("M10", replace(EMPTY, participation=Participation(mode=Concept(label=TEXT)))),
    ("M11", replace(EMPTY, quality_assurance=(QualityAssurance(label=TEXT),))),
    ("O1", replace(EMPTY, prerequisites=TEXT)),
    ("O2", replace(EMPTY, supervision=Supervision.UNSUPERVISED_NO_ID)),
    ("O3", replace(EMPTY, grade=Grade("5"))),
    ("O4", replace(EMPTY, stackability=Stackability(StackabilityMode.STANDALONE))),
    ("O5", replace(EMPTY, further_info=FurtherInfo(urls=("https://x.example",)))),
]


def test_assess_annex1_empty_record_misses_every_mandatory_element() -> None:
    summary = assess_annex1(EMPTY)

    assert summary.present == ()
    assert summary.missing_mandatory == MANDATORY
    assert not is_eu_described(summary)


@pytest.mark.parametrize(("code", "record"), ONE_ELEMENT)
def test_assess_annex1_single_element_is_the_only_one_present(
    code: str, record: CredentialRecord
) -> None:
    summary = assess_annex1(record)

    assert summary.present == (code,)
    assert summary.missing_mandatory == tuple(m for m in MANDATORY if m != code)


def test_assess_annex1_all_mandatory_elements_mark_the_record_eu_described() -> None:
    record = EMPTY
    for code, single in ONE_ELEMENT:
        if code in MANDATORY:
            record = _combine(record, single)

    summary = assess_annex1(record)

    assert summary.missing_mandatory == ()
    assert is_eu_described(summary)


def test_assess_annex1_empty_awarding_body_does_not_count() -> None:
    record = replace(EMPTY, awarding_bodies=(Organisation(),))

    assert "M4" not in assess_annex1(record).present


def _combine(record: CredentialRecord, other: CredentialRecord) -> CredentialRecord:
    changed = {
        name: getattr(other, name)
        for name in CredentialRecord.__dataclass_fields__
        if getattr(other, name) != getattr(EMPTY, name)
    }
    return replace(record, **changed)
