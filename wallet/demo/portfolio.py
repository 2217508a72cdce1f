"""The demo portfolio: a learner's ICT and DigComp credentials from the IBE-style pilot.

Every credential is built here as its issuer would publish it (Polish first, English beside it),
aligned to ESCO skills and DigComp competences, with ECTS and EQF/PRK levels, and signed by the
demo issuer in the format that issuer would use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from wallet.demo.issuer import DidKeySigner, JwkSigner, SealingCertificate, issue_sd_jwt
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.data_integrity import JCS, RDFC

OB3_CONTEXT: list[JsonValue] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CLR_CONTEXT: list[JsonValue] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ESCO = "http://data.europa.eu/esco/skill/"
DIGCOMP = "http://data.europa.eu/snb/dcf/"
PILOT = "https://mikro.demo.plecak.example"
UNIVERSITY = "https://uczelnia.demo.plecak.example"


@dataclass(frozen=True)
class DemoIssuers:
    """The keys of the demo's issuers, made when the demo runs."""

    pilot: DidKeySigner
    university: DidKeySigner
    jwt: JwkSigner
    eudi: JwkSigner
    library: JwkSigner
    seal: SealingCertificate

    @classmethod
    def generate(cls, at: dt.datetime) -> DemoIssuers:
        """Fresh keys for every issuer."""
        return cls(
            pilot=DidKeySigner.generate(),
            university=DidKeySigner.generate(),
            jwt=JwkSigner.generate("EdDSA"),
            eudi=JwkSigner.generate("ES256"),
            library=JwkSigner.generate("ES256"),
            seal=SealingCertificate.generate("Uniwersytet Przykładowy (demo) e-pieczęć", at),
        )


def stamp(moment: dt.datetime) -> str:
    """An XML Schema dateTime in UTC without fractions."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hashed_email(email: str, salt: str) -> JsonObject:
    """An OB 3.0 IdentityObject naming the learner by a salted SHA-256 of their address."""
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def alignment(name: str, url: str, framework: str, **extra: JsonValue) -> JsonObject:
    """An OB 3.0 Alignment to an ESCO skill, a DigComp competence or a level."""
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": url,
        "targetFramework": framework,
        **extra,
    }


def eqf(level: int) -> JsonObject:
    """The EQF level alignment (PRK levels equal EQF levels)."""
    return alignment(
        f"EQF / PRK poziom {level}",
        f"http://data.europa.eu/snb/eqf/{level}",
        "EQF",
        targetType="ext:EQF",
        targetCode=str(level),
    )


def ob3_badge(
    issuer: DidKeySigner,
    issuer_name: str,
    email: str,
    *,
    slug: str,
    name: str,
    description: str,
    criteria: str,
    alignments: list[JsonValue],
    ects: float,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None = None,
) -> JsonObject:
    """An unsigned Open Badges 3.0 micro-credential of ``issuer``."""
    achievement: JsonObject = {
        "id": f"{PILOT}/osiagniecia/{slug}",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": name,
        "description": description,
        "inLanguage": "pl",
        "criteria": {"narrative": criteria},
        "fieldOfStudy": "Technologie informacyjno-komunikacyjne (ICT)",
        "tag": ["DigComp", "ICT", "mikropoświadczenie"],
        "alignment": alignments,
        "ECTS": ects,
    }
    credential: JsonObject = {
        "@context": OB3_CONTEXT,
        "id": f"urn:uuid:{_uuid(slug)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {
            "id": issuer.did,
            "type": ["Profile"],
            "name": issuer_name,
            "url": PILOT,
            "address": {"type": ["Address"], "addressCountryCode": "PL"},
        },
        "validFrom": stamp(valid_from),
        "awardedDate": stamp(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [hashed_email(email, slug)],
            "achievement": achievement,
        },
    }
    if valid_until is not None:
        credential["validUntil"] = stamp(valid_until)
    return credential


def _uuid(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def digital_safety(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """OB 3.0, eddsa-rdfc-2022: protecting devices and data (DigComp 4.1–4.2, level 4)."""
    badge = ob3_badge(
        issuers.pilot,
        "Pilotaż mikropoświadczeń ICT (demo)",
        email,
        slug="bezpieczenstwo-cyfrowe",
        name="Bezpieczeństwo cyfrowe w pracy",
        description=(
            "Chroni urządzenia, dane osobowe i prywatność w pracy biurowej. "
            "EN: Protects devices, personal data and privacy at work."
        ),
        criteria=(
            "Test praktyczny na stanowisku komputerowym, nadzorowany, z weryfikacją tożsamości."
        ),
        alignments=[
            alignment(
                "chronić urządzenia ICT", ESCO + "0cfb7b1f-e7cb-4b88-b2f7-c5d2b56a1f51", "ESCO"
            ),
            alignment(
                "DigComp 4.1 Ochrona urządzeń, poziom 4", DIGCOMP + "4bb6b4f3c1", "DigComp 2.2"
            ),
            eqf(4),
        ],
        ects=1.0,
        valid_from=at - dt.timedelta(days=200),
        valid_until=at + dt.timedelta(days=3 * 365),
    )
    return _json(issuers.pilot.sign(badge, RDFC, stamp(at - dt.timedelta(days=200))))


def digital_content(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """OB 3.0, eddsa-jcs-2022: developing digital content; expires in 20 days (see notices)."""
    badge = ob3_badge(
        issuers.pilot,
        "Pilotaż mikropoświadczeń ICT (demo)",
        email,
        slug="tresci-cyfrowe",
        name="Tworzenie treści cyfrowych",
        description=(
            "Tworzy i redaguje dokumenty, prezentacje i grafiki do publikacji w sieci. "
            "EN: Creates and edits documents, slides and images for the web."
        ),
        criteria="Portfolio trzech prac ocenione przez dwóch asesorów.",
        alignments=[
            alignment(
                "develop digital content", ESCO + "5fd5c985-eaaa-47aa-8314-62359c54505a", "ESCO"
            ),
            alignment(
                "DigComp 3.1 Tworzenie treści cyfrowych, poziom 4",
                DIGCOMP + "3ol5wi3605",
                "DigComp 2.2",
            ),
            eqf(4),
        ],
        ects=2.0,
        valid_from=at - dt.timedelta(days=345),
        valid_until=at + dt.timedelta(days=20),
    )
    return _json(issuers.pilot.sign(badge, JCS, stamp(at - dt.timedelta(days=345))))


def sql_jwt(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """A VC-JWT (VCDM 2.0, did:jwk, EdDSA): databases and SQL."""
    badge = ob3_badge(
        issuers.pilot,
        "Centrum Kształcenia Ustawicznego (demo)",
        email,
        slug="podstawy-sql",
        name="Podstawy baz danych i SQL",
        description=(
            "Projektuje proste tabele i pisze zapytania SQL z filtrowaniem i złączeniami. "
            "EN: Designs simple tables and writes SQL queries with filters and joins."
        ),
        criteria="Zadanie praktyczne: raport z bazy danych sprzedaży.",
        alignments=[
            alignment("SQL", ESCO + "598de5b0-5b58-4ea7-8058-a4bc4d18c742", "ESCO"),
            eqf(4),
        ],
        ects=1.0,
        valid_from=at - dt.timedelta(days=90),
    )
    badge["issuer"] = {**_object(badge["issuer"]), "id": issuers.jwt.did}
    return issuers.jwt.sign_compact({"typ": "vc+jwt", "cty": "vc"}, badge).encode()


def eudi_learning_credential(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """An SD-JWT VC in the shape of the EUDI learning credential (names and grade disclosable)."""
    claims: JsonObject = {
        "iss": issuers.eudi.did,
        "iat": int((at - dt.timedelta(days=30)).timestamp()),
        "exp": int((at + dt.timedelta(days=5 * 365)).timestamp()),
        "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
        "issuing_authority": "Instytut Badań Edukacyjnych (demo)",
        "issuing_country": "PL",
        "date_of_issuance": (at - dt.timedelta(days=30)).date().isoformat(),
        "family_name": "Nowak",
        "given_name": "Maria",
        "achievement_title": "Kompetencje cyfrowe w pracy biurowej",
        "achievement_description": (
            "Mikropoświadczenie z pilotażu ICT. EN: Digital skills for office work."
        ),
        "learning_outcomes": [
            "Tworzy i formatuje dokumenty tekstowe. (Creates and formats text documents.)",
            "Bezpiecznie korzysta z poczty elektronicznej. (Uses e-mail safely.)",
        ],
        "assessment_grade": "zaliczone / pass",
        "language_of_classes": "pl",
        "expected_study_time": "PT40H",
        "level_of_learning_experience": 4,
        "form_of_participation": "blended",
        "types_of_quality_assurance": ["walidacja w ZSK"],
        "evaluator_verification": ["supervised onsite with identity verification"],
        "integration_stackability_options": True,
        "email": email,
    }
    concealed = ("family_name", "given_name", "assessment_grade", "email")
    return issue_sd_jwt(claims, concealed, issuers.eudi).encode()


def _json(document: JsonObject) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _object(value: JsonValue) -> JsonObject:
    assert isinstance(value, dict)
    return value


def data_analyst_clr(issuers: DemoIssuers, email: str, at: dt.datetime) -> bytes:
    """A CLR 2.0 (eddsa-rdfc-2022) transcript with two nested, separately signed OB 3.0 modules.

    It is a record of what was completed, not a pathway: the demo holder's progress toward the data
    analyst qualification is a real pathway (``DEMO_PATHWAYS``) computed from every credential.
    """
    path = f"{UNIVERSITY}/osiagniecia/analityk-danych"
    parts = [
        _module(issuers, email, at, "python-dane", "Python w analizie danych", 3.0, days_ago=300),
        _module(issuers, email, at, "wizualizacja", "Wizualizacja danych", 2.0, days_ago=120),
    ]
    association: list[JsonValue] = [
        {
            "type": "Association",
            "associationType": "isChildOf",
            "sourceId": f"{UNIVERSITY}/osiagniecia/{slug}",
            "targetId": path,
        }
        for slug in ("python-dane", "wizualizacja")
    ]
    clr: JsonObject = {
        "@context": CLR_CONTEXT,
        "id": f"{UNIVERSITY}/clr/{_uuid('clr-analityk')}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": "Wykaz modułów: analiza danych (Transcript: data analysis modules)",
        "description": (
            "Dwa zaliczone moduły studiów podyplomowych z analizy danych. "
            "EN: Two completed postgraduate modules in data analysis."
        ),
        "issuer": _university(issuers),
        "validFrom": stamp(at - dt.timedelta(days=100)),
        "credentialSubject": {
            "id": f"mailto:{email}",
            "type": ["ClrSubject"],
            "achievement": [
                {
                    "id": path,
                    "type": ["Achievement"],
                    "achievementType": "LearningProgram",
                    "name": "Moduły: analiza danych",
                    "criteria": {"narrative": "Zaliczenie obu modułów (5 ECTS)."},
                }
            ],
            "verifiableCredential": parts,
            "association": association,
        },
    }
    return _json(issuers.university.sign(clr, RDFC, stamp(at - dt.timedelta(days=100))))


def _university(issuers: DemoIssuers) -> JsonObject:
    return {
        "id": issuers.university.did,
        "type": ["Profile"],
        "name": "Uniwersytet Przykładowy (demo)",
        "url": UNIVERSITY,
        "address": {"type": ["Address"], "addressCountryCode": "PL"},
    }


def _module(
    issuers: DemoIssuers,
    email: str,
    at: dt.datetime,
    slug: str,
    name: str,
    ects: float,
    *,
    days_ago: int,
) -> JsonValue:
    alignments: list[JsonValue] = [eqf(6)]
    if slug == "python-dane":
        python = ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d"
        alignments.insert(0, alignment("Python (computer programming)", python, "ESCO"))
    achievement: JsonObject = {
        "id": f"{UNIVERSITY}/osiagniecia/{slug}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": name,
        "criteria": {"narrative": "Projekt zaliczeniowy oceniony przez prowadzącego."},
        "alignment": alignments,
        "ECTS": ects,
    }
    credential: JsonObject = {
        "@context": OB3_CONTEXT,
        "id": f"urn:uuid:{_uuid(slug)}",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": name,
        "issuer": _university(issuers),
        "validFrom": stamp(at - dt.timedelta(days=days_ago)),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [hashed_email(email, slug)],
            "achievement": achievement,
        },
    }
    return issuers.university.sign(credential, JCS, stamp(at - dt.timedelta(days=days_ago)))
