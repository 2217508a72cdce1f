"""The demo's European Digital Credential: an ELM 3 micro-credential sealed with JAdES.

Written the way the EDC issuer publishes it (language maps in Polish and English, Europass
concept URIs for EQF, ECTS and the learning setting) and sealed by the demo's e-seal, whose demo
CA is on no trusted list, so the wallet reports the seal valid and its trust unestablished.
"""

from __future__ import annotations

import datetime as dt
import json

from wallet.demo.portfolio import DemoIssuers, stamp
from wallet.jsonvalues import JsonObject, JsonValue

EDC_CONTEXT: list[JsonValue] = [
    "https://www.w3.org/2018/credentials/v1",
    "http://data.europa.eu/snb/model/context/edc-ap",
]
POLAND = "http://publications.europa.eu/resource/authority/country/POL"


def concept(uri: str, en: str, pl: str | None = None) -> JsonObject:
    """A SKOS concept with its labels."""
    labels: JsonObject = {"en": en, **({"pl": pl} if pl else {})}
    return {"id": uri, "type": "Concept", "prefLabel": labels}


def text(pl: str, en: str) -> JsonObject:
    """A language map, Polish first."""
    return {"pl": pl, "en": en}


def _university() -> JsonObject:
    return {
        "id": "urn:epass:org:demo-uniwersytet",
        "type": "Organisation",
        "legalName": text("Uniwersytet Przykładowy (demo)", "Example University (demo)"),
        "location": {
            "id": "urn:epass:location:1",
            "type": "Location",
            "address": {
                "id": "urn:epass:address:1",
                "type": "Address",
                "countryCode": concept(POLAND, "Poland", "Polska"),
            },
        },
    }


def _qualification() -> JsonObject:
    esco = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
    return {
        "id": "urn:epass:qualification:demo-dane",
        "type": "Qualification",
        "title": text("Zarządzanie danymi badawczymi", "Research data stewardship"),
        "eqfLevel": concept("http://data.europa.eu/snb/eqf/6", "Level 6", "Poziom 6"),
        "nqfLevel": concept("http://data.europa.eu/snb/qdr/c_prk6", "PRK Level 6", "PRK poziom 6"),
        "creditPoint": {
            "id": "urn:epass:creditPoint:1",
            "type": "CreditPoint",
            "framework": concept(
                "http://data.europa.eu/snb/education-credit/6fcec5c5af",
                "European Credit Transfer System",
            ),
            "point": "2",
        },
        "volumeOfLearning": "PT50H",
        "mode": concept(
            "http://data.europa.eu/snb/learning-assessment/e92d221e4d", "Blended", "Mieszana"
        ),
        "learningSetting": concept(
            "http://data.europa.eu/snb/learning-setting/e207a81fc7",
            "non-formal learning",
            "uczenie się pozaformalne",
        ),
        "isPartialQualification": True,
        "learningOutcome": [
            {
                "id": "urn:epass:learningOutcome:1",
                "type": "LearningOutcome",
                "title": text(
                    "Planuje zarządzanie danymi zgodnie z zasadami FAIR",
                    "Plans data management following the FAIR principles",
                ),
                "relatedESCOSkill": [concept(esco, "develop digital content")],
                "relatedSkill": [
                    concept(
                        "http://data.europa.eu/snb/dcf/3ol5wi3605",
                        "Developing digital content Level 4",
                    )
                ],
            }
        ],
    }


def research_data_credential(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """The sealed EDC micro-credential (JAdES, JSON serialisation, unencoded payload)."""
    awarded = at - dt.timedelta(days=60)
    credential: JsonObject = {
        "@context": EDC_CONTEXT,
        "id": "urn:credential:demo-zarzadzanie-danymi",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSchema": {
            "id": "http://data.europa.eu/snb/model/ap/edc-generic-full",
            "type": "ShaclValidator2017",
        },
        "validFrom": stamp(awarded),
        "issued": stamp(awarded),
        "issuer": _university(),
        "credentialSubject": {
            "id": f"mailto:{email}",
            "type": "Person",
            "fullName": text("Maria Nowak", "Maria Nowak"),
            "hasClaim": {
                "id": "urn:epass:learningAchievement:1",
                "type": "LearningAchievement",
                "title": text("Zarządzanie danymi badawczymi", "Research data stewardship"),
                "description": text(
                    "Mikropoświadczenie studiów podyplomowych.",
                    "A postgraduate micro-credential.",
                ),
                "awardedBy": {
                    "id": "urn:epass:awardingProcess:1",
                    "type": "AwardingProcess",
                    "awardingDate": stamp(awarded),
                    "awardingBody": [_university()],
                },
                "specifiedBy": _qualification(),
            },
        },
    }
    payload = json.dumps(credential, ensure_ascii=False).encode()
    sealed = issuers.seal.seal(payload, stamp(awarded))
    return json.dumps(sealed, ensure_ascii=False).encode()
