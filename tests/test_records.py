"""The normalised record: language fallback and an exact JSON round trip for storage."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tests.support.samples import SAMPLE_FORMATS, sample_envelope
from wallet import importing
from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.records import (
    CredentialRecord,
    CreditAmount,
    Grade,
    Learner,
    Level,
    LocalizedText,
    NqfLevel,
    Stackability,
    StackabilityMode,
    Supervision,
    Workload,
    record_from_json,
    record_to_json,
)


@pytest.mark.parametrize(
    ("entries", "language", "expected"),
    [
        ({"en": "English", "pl": "Polski"}, "en", "English"),
        ({"en": "English", "pl": "Polski"}, "de", "Polski"),
        ({"en": "English", "es": "Español"}, "de", "English"),
        ({"es": "Español", "und": "Unknown"}, "de", "Unknown"),
        ({"es": "Español", "fr": "Français"}, "de", "Español"),
        ({}, "pl", None),
    ],
)
def test_localized_text_missing_language_falls_back_pl_then_en(
    entries: dict[str, str], language: str, expected: str | None
) -> None:
    assert LocalizedText.of(entries).get(language) == expected


@pytest.mark.parametrize("name", sorted(SAMPLE_FORMATS))
def test_record_json_round_trip_of_each_sample_is_exact(name: str) -> None:
    record = importing.normalise(sample_envelope(name))

    stored = json.loads(json.dumps(record_to_json(record)))

    assert record_from_json(stored) == record


def test_record_json_round_trip_keeps_types_of_every_field_kind() -> None:
    record = CredentialRecord(
        format=CredentialFormat.VC_JWT,
        title=LocalizedText.of({"pl": "Tytuł", "en": "Title"}),
        learner=Learner(birth_date=date(2001, 2, 3)),
        issued_on=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        workload=Workload(ects=3.0, other=(CreditAmount(5.0, "creditsAvailable"),)),
        level=Level(eqf=6, nqf=NqfLevel("PRK", "6")),
        supervision=Supervision.SUPERVISED_NO_ID,
        grade=Grade("5", "2–5"),
        stackability=Stackability(StackabilityMode.STACKABLE, ("urn:x",)),
    )

    restored = record_from_json(json.loads(json.dumps(record_to_json(record))))

    assert restored == record
    assert restored.issued_on is not None and restored.issued_on.tzinfo is not None
    assert isinstance(restored.learner.birth_date, date)
    assert restored.title.entries == (("pl", "Tytuł"), ("en", "Title"))


def test_record_from_json_integer_in_a_float_field_reads_as_float() -> None:
    stored = record_to_json(CredentialRecord(format=CredentialFormat.CLR2))
    stored["workload"] = {"ects": 2, "hours": None, "other": [], "note": None}

    assert record_from_json(stored).workload.ects == 2.0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("format", "ob4"),
        ("issued_on", "yesterday"),
        ("title", ["not", "a", "map"]),
        ("tags", "Python"),
        ("workload", {"ects": "three"}),
        ("supervision", 3),
    ],
)
def test_record_from_json_malformed_field_raises_format_error(key: str, value: object) -> None:
    stored = record_to_json(CredentialRecord(format=CredentialFormat.CLR2))
    stored[key] = value  # type: ignore[assignment]

    with pytest.raises(CredentialFormatError):
        record_from_json(stored)
