"""EDC XML (ELM 2 / Europass ``europassCredential``) read safely into the ELM record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from wallet import importing
from wallet.errors import CredentialFormatError

Format = importing.CredentialFormat
PUBLISHED = (
    Path(__file__).parent.parent
    / "data"
    / "conformance"
    / "edc"
    / "elm"
    / "EDC_WileECoyote_Simple.xml"
).read_bytes()

# The same credential as the JSON-LD serialisation of the ELM writes it.
JSON_LD: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ],
    "id": "urn:credential:a302d79e-34ac-4f68-b0c0-4042a93dfd5c",
    "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
    "issued": "2022-02-02T14:15:15+01:00",
    "validFrom": "2022-03-01T00:00:00+01:00",
    "issuer": {
        "id": "urn:epass:org:1",
        "type": "Organisation",
        "legalName": {"en": "Acme Corporation"},
        "registration": {"type": "LegalIdentifier", "notation": "WB-000001"},
        "location": {
            "address": {
                "countryCode": {
                    "id": "http://publications.europa.eu/resource/authority/country/AND"
                }
            }
        },
    },
    "credentialSubject": {
        "id": "urn:epass:person:1",
        "type": "Person",
        "fullName": {"en": "Wile Coyote"},
        "dateOfBirth": "1949-09-17",
        "contactPoint": {"emailAddress": "mailto:Wile.coyote@acme.cat"},
    },
    "displayParameter": {"title": {"en": "Sample credential"}},
}


def test_read_envelopes_published_edc_xml_is_elm_xml() -> None:
    [envelope] = importing.read_envelopes(PUBLISHED, "EDC_WileECoyote_Simple.xml")
    assert envelope.format is Format.ELM_XML
    assert envelope.media_type == "application/xml"
    assert envelope.raw == PUBLISHED


def test_normalise_published_edc_xml_reads_the_elm_fields() -> None:
    [envelope] = importing.read_envelopes(PUBLISHED, "EDC_WileECoyote_Simple.xml")
    record = importing.normalise(envelope)
    assert record.title.get("en") == "Sample credential"
    assert record.learner.names.get("en") == "Wile Coyote"
    assert record.learner.birth_date == dt.date(1949, 9, 17)
    assert ("email", "Wile.coyote@acme.cat") in {
        (i.type, i.value) for i in record.learner.identifiers
    }
    assert record.signer is not None and record.signer.name.get("en") == "Acme Corporation"
    assert record.issued_on == dt.datetime(2022, 2, 2, 13, 15, 15, tzinfo=dt.UTC)
    assert record.valid_from == dt.datetime(2022, 2, 28, 23, 0, tzinfo=dt.UTC)


def test_normalise_edc_xml_and_json_ld_give_the_same_record() -> None:
    [xml] = importing.read_envelopes(PUBLISHED, "credential.xml")
    [jsonld] = importing.read_envelopes(json.dumps(JSON_LD).encode(), "credential.json")
    assert jsonld.format is Format.ELM_JSONLD
    from_xml, from_json = importing.normalise(xml), importing.normalise(jsonld)
    for field in ("title", "learner", "signer", "issued_on", "valid_from", "issuer_country"):
        assert getattr(from_xml, field) == getattr(from_json, field), field


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE europassCredential [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE europassCredential [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE europassCredential SYSTEM "http://127.0.0.1:9/edc.dtd">',
    ],
)
def test_read_envelopes_edc_xml_with_dtd_is_refused(prolog: str) -> None:
    hostile = PUBLISHED.replace(b"?>\n", f"?>\n{prolog}\n".encode(), 1)
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(hostile, "credential.xml")


def test_read_envelopes_edc_xml_in_another_namespace_is_refused() -> None:
    other = PUBLISHED.replace(b'xmlns="http://data.europa.eu/snb"', b'xmlns="urn:other"')
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(other, "credential.xml")


def test_read_envelopes_malformed_edc_xml_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(PUBLISHED[:-40], "credential.xml")


def test_read_envelopes_other_xml_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(b"<?xml version='1.0'?><note>hello</note>", "note.xml")
