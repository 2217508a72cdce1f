"""Field conversions the mappers share: countries, durations, credits, language fallback."""

from __future__ import annotations

import pytest

from tests.support.samples import envelope, load_sample
from wallet import importing


def _elm_with(country: str | None = None, volume: str | None = None) -> importing.Envelope:
    credential = load_sample("elm3_edc_microcredential")
    claim = credential["credentialSubject"]["hasClaim"]  # type: ignore[index,call-overload]
    body = claim["awardedBy"]["awardingBody"][0]
    if country is not None:
        body["location"]["address"]["countryCode"]["id"] = country
    if volume is not None:
        claim["specifiedBy"]["volumeOfLearning"] = volume
    return envelope("ELM_JSONLD", credential)


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("http://publications.europa.eu/resource/authority/country/POL", "PL"),
        ("http://publications.europa.eu/resource/authority/country/IRL", "IE"),
        ("http://publications.europa.eu/resource/authority/country/DEU", "DE"),
        ("http://publications.europa.eu/resource/authority/country/GRC", "GR"),
        ("http://publications.europa.eu/resource/authority/country/1A0", "XK"),
        ("http://publications.europa.eu/resource/authority/country/ZZZ", None),
    ],
)
def test_normalise_elm_mdr_country_uri_gives_alpha2(country: str, expected: str | None) -> None:
    record = importing.normalise(_elm_with(country=country))

    assert record.issuer_country == expected


@pytest.mark.parametrize(
    ("volume", "hours"),
    [("PT60H", 60.0), ("P1DT2H", 26.0), ("P1W", 168.0), ("PT90M", 1.5), ("PT", None), ("60", None)],
)
def test_normalise_elm_volume_of_learning_gives_hours(volume: str, hours: float | None) -> None:
    record = importing.normalise(_elm_with(volume=volume))

    assert record.workload.hours == hours


def test_normalise_elm_volume_in_months_is_kept_unconverted() -> None:
    record = importing.normalise(_elm_with(volume="P60M"))

    assert record.workload.hours is None
    assert [(o.value, o.unit) for o in record.workload.other] == [(60.0, "month")]


def test_normalise_ob3_credits_available_is_never_ects() -> None:
    credential = load_sample("ob3_microcredential_surf")
    del credential["credentialSubject"]["achievement"]["ECTS"]  # type: ignore[index,union-attr,arg-type]

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", credential))

    assert record.workload.ects is None
    assert record.workload.other[0].unit == "creditsAvailable"
    assert "M7" in record.annex1.present


def test_normalise_ob3_prk_alignment_gives_eqf_level() -> None:
    credential = load_sample("ob3_microcredential_surf")
    achievement = credential["credentialSubject"]["achievement"]  # type: ignore[index,call-overload]
    achievement["alignment"] = [
        {
            "targetName": "Poziom 5 PRK",
            "targetFramework": "Polska Rama Kwalifikacji",
            "targetCode": "5",
        }
    ]

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", credential))

    assert record.level.nqf is not None
    assert (record.level.nqf.framework, record.level.nqf.level) == ("PRK", "5")
    assert record.level.eqf == 5


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Zarządzanie danymi badawczymi"),
        ("en", "Data stewardship"),
        ("de", "Zarządzanie danymi badawczymi"),
    ],
)
def test_record_title_language_falls_back_to_polish(language: str, expected: str) -> None:
    record = importing.normalise(_elm_with())

    assert record.title.get(language) == expected


def test_record_title_without_polish_falls_back_to_english() -> None:
    credential = load_sample("elm3_edc_microcredential")
    claim = credential["credentialSubject"]["hasClaim"]  # type: ignore[index,call-overload]
    claim["title"] = {"es": "Gestión de datos", "en": "Data stewardship"}

    record = importing.normalise(envelope("ELM_JSONLD", credential))

    assert record.title.get("de") == "Data stewardship"


def test_normalise_text_fields_are_trimmed_and_capped() -> None:
    credential = load_sample("ob3_microcredential_surf")
    achievement = credential["credentialSubject"]["achievement"]  # type: ignore[index,call-overload]
    achievement["name"] = "  " + "x" * 5000 + "  "
    achievement["description"] = "\n  opis  \n"

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", credential))

    assert len(record.title.get() or "") == 500
    assert record.description.get() == "opis"


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-13-01", "soon"]
)
def test_normalise_unusable_date_is_left_out(when: str) -> None:
    credential = load_sample("ob3_microcredential_surf")
    credential["awardedDate"] = when

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", credential))

    assert record.awarded_on is None
