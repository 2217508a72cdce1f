"""Each format's sample mapped onto the normalised record, and the dispatch around it."""

from __future__ import annotations

import base64
import importlib
import json
from datetime import UTC, datetime

import pytest

from tests.support.samples import envelope, load_sample, sample_envelope
from wallet import importing
from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.records import SkillFramework, StackabilityMode, Supervision


def test_importing_normalise_is_the_package_function() -> None:
    assert importing.normalise is importlib.import_module("wallet.import").normalise


def test_normalise_ob2_edubadges_maps_extensions_and_embedded_documents() -> None:
    record = importing.normalise(sample_envelope("ob2_assertion_edubadges"))

    assert record.format is CredentialFormat.OB2_HOSTED
    assert record.title.get() == "Analiza danych w Pythonie"
    assert record.workload.ects == 2.5
    assert record.workload.hours == 70.0
    assert record.level.eqf == 6
    assert record.awarding_bodies[0].id.endswith("/issuers/wydzial-informatyki")
    assert record.issued_on == datetime(2024, 6, 14, 8, 0, tzinfo=UTC)
    assert record.learner.identifiers[0].hashed is True
    assert record.learning_outcomes[0].text.get().startswith("Przygotowuje")
    assert [s.framework for s in record.skills] == [SkillFramework.ESCO]
    assert record.tags == ("Python", "analiza danych")
    assert record.annex1.missing_mandatory == ("M3", "M9", "M10", "M11")


def test_normalise_ob2_with_linked_badge_reads_the_linked_documents() -> None:
    assertion = load_sample("ob2_assertion_edubadges")
    badge = assertion["badge"]
    assert isinstance(badge, dict)
    issuer = badge.pop("issuer")
    assert isinstance(issuer, dict)
    badge["issuer"] = "https://issuer.example/profile"
    assertion["badge"] = "https://issuer.example/badge"
    linked = {"https://issuer.example/badge": badge, "https://issuer.example/profile": issuer}

    record = importing.normalise(envelope("OB2_HOSTED", assertion), linked)

    assert record.title.get() == "Analiza danych w Pythonie"
    assert record.awarding_bodies[0].name.get() == issuer["name"]


def test_normalise_ob2_without_linked_badge_degrades_to_a_record() -> None:
    assertion = load_sample("ob2_assertion_edubadges")
    assertion["badge"] = "https://issuer.example/badge"

    record = importing.normalise(envelope("OB2_SIGNED", assertion))

    assert record.format is CredentialFormat.OB2_SIGNED
    assert not record.title
    assert record.match_keys.achievement_ids == ("https://issuer.example/badge",)
    assert "M2" in record.annex1.missing_mandatory


def test_normalise_ob3_surf_profile_fills_every_mandatory_element() -> None:
    record = importing.normalise(sample_envelope("ob3_microcredential_surf"))

    assert record.annex1.missing_mandatory == ()
    assert record.issuer_country == "PL"
    assert record.workload.ects == 3.0
    assert [(o.value, o.unit) for o in record.workload.other] == [(5.0, "creditsAvailable")]
    assert record.level.eqf == 6
    assert {s.framework for s in record.skills} == {SkillFramework.ESCO, SkillFramework.DIGCOMP}
    digcomp = next(s for s in record.skills if s.framework is SkillFramework.DIGCOMP)
    assert digcomp.level == "4"
    assert record.quality_assurance[0].uri == "https://pka.example.pl/uchwaly/2023/123"
    assert record.supervision is Supervision.SUPERVISED_WITH_ID
    assert record.grade is not None
    assert (record.grade.value, record.grade.scale) == ("4.5", "2–5")
    assert record.awarded_on == datetime(2024, 9, 27, tzinfo=UTC)
    assert record.learner.names.get() == "Jan Kowalski"
    assert record.status_entries[0].purpose == "revocation"
    assert record.match_keys.related_ids == (
        "https://uczelnia.example.pl/achievements/cyber-101-en",
    )


def test_normalise_vc_jwt_claims_unwraps_the_vc_claim() -> None:
    credential = load_sample("ob3_microcredential_surf")
    del credential["validUntil"]
    claims = {"iss": "https://uczelnia.example.pl/issuers/1", "exp": 1893456000, "vc": credential}

    record = importing.normalise(envelope("VC_JWT", claims))

    assert record.format is CredentialFormat.VC_JWT
    assert record.title.get() == "Cyberbezpieczeństwo w praktyce"
    assert record.valid_until == datetime(2030, 1, 1, tzinfo=UTC)


def test_normalise_clr_collects_its_parts() -> None:
    record = importing.normalise(sample_envelope("clr2_two_credentials"))

    assert record.format is CredentialFormat.CLR2
    assert record.title.get() == "Ścieżka: Analityk danych"
    assert len(record.skills) == 2
    assert set(record.match_keys.achievement_ids) == {
        "https://uczelnia.example.pl/achievements/sql-basics",
        "https://uczelnia.example.pl/achievements/python-data",
        "https://uczelnia.example.pl/achievements/data-analyst",
    }


@pytest.mark.parametrize("index", [0, 1])
def test_normalise_clr_nested_credential_stacks_towards_the_parent(index: int) -> None:
    clr = load_sample("clr2_two_credentials")
    subject = clr["credentialSubject"]
    assert isinstance(subject, dict)
    nested = subject["verifiableCredential"]
    assert isinstance(nested, list)
    part = nested[index]
    assert isinstance(part, dict)

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", part, "clr.json"), {"clr.json": clr})

    assert record.container_id == "https://uczelnia.example.pl/clr/7c1b"
    assert record.stackability is not None
    assert record.stackability.mode is StackabilityMode.STACKABLE
    assert record.stackability.towards == ("https://uczelnia.example.pl/achievements/data-analyst",)


def test_normalise_clr_nested_without_the_container_keeps_its_source() -> None:
    clr = load_sample("clr2_two_credentials")
    part = clr["credentialSubject"]["verifiableCredential"][0]  # type: ignore[index,call-overload]

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", part, "clr.json"))

    assert record.container_id == "clr.json"
    assert record.stackability is None


def test_normalise_elm_follows_the_annex1_paths() -> None:
    record = importing.normalise(sample_envelope("elm3_edc_microcredential"))

    assert record.annex1.missing_mandatory == ()
    assert len(record.annex1.present) == 16
    assert record.title.get("pl") == "Zarządzanie danymi badawczymi"
    assert record.issuer_country == "PL"
    assert record.issuer_region == "Mazowieckie"
    assert record.workload.ects == 2.0
    assert record.workload.hours == 60.0
    assert record.level.eqf == 6
    assert record.level.nqf is not None
    assert (record.level.nqf.framework, record.level.nqf.level) == ("PRK", "6")
    assert record.supervision is Supervision.UNSUPERVISED_NO_ID
    assert record.stackability is not None
    assert record.stackability.towards == ("urn:epass:qualification:master-data-science",)
    assert [s.uri.rsplit("/", 1)[-1] for s in record.skills] == [
        "5fd5c985-eaaa-47aa-8314-62359c54505a",
        "3ol5wi3605",
    ]
    assert record.learner.birth_date is not None
    assert record.learner.birth_date.isoformat() == "1994-03-17"
    assert record.image_url is not None
    assert record.image_url.startswith("data:image/png;base64,")


def test_normalise_elm_jades_payload_maps_like_jsonld() -> None:
    credential = load_sample("elm3_edc_microcredential")

    record = importing.normalise(envelope("ELM_JADES", credential))

    assert record.format is CredentialFormat.ELM_JADES
    assert record.annex1.missing_mandatory == ()


def test_normalise_eudi_learning_credential_reads_annex1_claims() -> None:
    record = importing.normalise(sample_envelope("eudi_learning_credential_claims"))

    assert record.format is CredentialFormat.SD_JWT_VC
    assert record.learner.names.get() == "Maria Nowak"
    assert record.level.eqf == 4
    assert record.workload.hours == 40.0
    assert record.supervision is Supervision.SUPERVISED_WITH_ID
    assert record.stackability is not None
    assert record.stackability.mode is StackabilityMode.STACKABLE
    assert len(record.learning_outcomes) == 2
    assert record.status_entries[0].id == "https://issuer.example.gov.pl/status/3#412"
    assert record.annex1.missing_mandatory == ("M9",)


def test_normalise_sdjwt_with_credential_subject_maps_as_a_vc() -> None:
    claims = load_sample("ob3_microcredential_surf")
    claims["vct"] = "urn:eudi:micro_credential:1"

    record = importing.normalise(envelope("SD_JWT_VC", claims))

    assert record.title.get() == "Cyberbezpieczeństwo w praktyce"


@pytest.mark.parametrize(
    ("format_name", "payload"),
    [
        ("OB2_HOSTED", {"type": ["VerifiableCredential"], "credentialSubject": {}}),
        ("VC_DATA_INTEGRITY", {"type": ["VerifiableCredential"], "name": "no subject"}),
        ("CLR2", {"type": ["VerifiableCredential"], "credentialSubject": {}}),
        ("ELM_JSONLD", {"type": ["VerifiableCredential"], "credentialSubject": {}}),
    ],
)
def test_normalise_document_of_another_format_raises_format_error(
    format_name: str, payload: dict[str, object]
) -> None:
    with pytest.raises(CredentialFormatError):
        importing.normalise(envelope(format_name, json.loads(json.dumps(payload))))


def test_normalise_generic_sd_jwt_without_vct_reads_its_claims() -> None:
    claims = {"iss": "https://issuer.example", "given_name": "Ewa", "family_name": "Nowak"}
    record = importing.normalise(envelope("SD_JWT_VC", claims))
    assert record.learner.names.get() == "Ewa Nowak"
    assert record.signer is not None and record.signer.id == "https://issuer.example"


def test_normalise_never_fetches_a_data_uri_image_over_the_cap() -> None:
    credential = load_sample("ob3_microcredential_surf")
    huge = base64.b64encode(b"\0" * 600_000).decode()
    credential["credentialSubject"]["achievement"]["image"] = f"data:image/png;base64,{huge}"  # type: ignore[index]

    record = importing.normalise(envelope("VC_DATA_INTEGRITY", credential))

    assert record.image_url is None
