"""SD-JWT VC claims (the EUDI learning credential, whose claims are the Annex I elements) → record.

The claims arrive with every disclosure applied. An SD-JWT VC that carries a W3C-style
``credentialSubject`` (OB 3.0 shaped micro-credentials) is mapped like any VC.
"""

from __future__ import annotations

from wallet.envelope import CredentialFormat
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import (
    CredentialRecord,
    Grade,
    Identifier,
    Learner,
    LearningOutcome,
    Level,
    LocalizedText,
    MatchKeys,
    Organisation,
    Participation,
    QualityAssurance,
    Signer,
    Stackability,
    StackabilityMode,
    StatusEntry,
    Workload,
)

from . import jsonfields as jf
from .map_ob3 import map_ob3
from .vocabularies import flatten_skills, supervision_from_text

LEARNING_CREDENTIAL_VCT = "urn:eu.europa.ec.eudi:learning:credential:1"


def map_sdjwt(
    claims: JsonObject, record_format: CredentialFormat, container_id: str | None = None
) -> CredentialRecord:
    """Map SD-JWT claims, reading the EUDI learning credential claim names where present."""
    if "credentialSubject" in claims:
        return map_ob3(claims, record_format, container_id)
    issuer_id = jf.text(claims.get("iss"), jf.URI_LIMIT)
    authority = Organisation(
        id=issuer_id,
        name=jf.localized(_joined(claims.get("issuing_authority")), "und", jf.TITLE_LIMIT),
        country=jf.country_code(claims.get("issuing_country")),
    )
    outcomes = tuple(
        LearningOutcome(text=LocalizedText((("und", text),)))
        for text in jf.strings(claims.get("learning_outcomes"), jf.TEXT_LIMIT)
    )
    bodies = (authority,) if authority.name or authority.id else ()
    return CredentialRecord(
        format=record_format,
        # A generic SD-JWT (RFC 9901) has no credential type: its ``name``, if any, titles it.
        title=jf.localized(
            claims.get("achievement_title") or claims.get("name"), "und", jf.TITLE_LIMIT
        ),
        learner=_learner(claims),
        description=jf.localized(claims.get("achievement_description")),
        issuer_country=authority.country,
        awarding_bodies=bodies,
        signer=Signer(id=issuer_id) if issuer_id else None,
        issued_on=jf.moment(claims.get("date_of_issuance")) or jf.epoch(claims.get("iat")),
        valid_from=jf.epoch(claims.get("nbf")),
        valid_until=jf.moment(claims.get("date_of_expiry")) or jf.epoch(claims.get("exp")),
        learning_outcomes=outcomes,
        skills=flatten_skills(outcomes),
        workload=_workload(claims.get("expected_study_time")),
        level=Level(eqf=jf.small_int(claims.get("level_of_learning_experience"), 1, 8)),
        participation=Participation(mode=jf.concept(claims.get("form_of_participation"))),
        quality_assurance=tuple(
            QualityAssurance(label=LocalizedText((("und", label),)))
            for label in jf.strings(claims.get("types_of_quality_assurance"), jf.TITLE_LIMIT)
        ),
        prerequisites=jf.localized(_joined(claims.get("prerequisites_to_enroll"))),
        supervision=supervision_from_text(_joined(claims.get("evaluator_verification"))),
        grade=_grade(claims.get("assessment_grade")),
        stackability=_stackability(claims.get("integration_stackability_options")),
        match_keys=MatchKeys(issuer_ids=(issuer_id,) if issuer_id else ()),
        container_id=container_id,
        status_entries=_status(claims.get("status")),
    )


def _joined(value: JsonValue) -> str | None:
    found = jf.strings(value, jf.TEXT_LIMIT)
    return "\n".join(found) if found else None


def _learner(claims: JsonObject) -> Learner:
    given = jf.text(claims.get("given_name"), jf.TITLE_LIMIT) or ""
    family = jf.text(claims.get("family_name"), jf.TITLE_LIMIT) or ""
    name = f"{given} {family}".strip()
    identifiers = tuple(
        Identifier("learner_identification", value)
        for value in jf.strings(claims.get("learner_identification"), jf.TITLE_LIMIT)
    )
    birth = claims.get("birth_date") or claims.get("birthdate")
    return Learner(LocalizedText.of({"und": name}), identifiers, jf.day(birth))


def _workload(value: JsonValue) -> Workload:
    hours = jf.duration_hours(value)
    if hours is None and not isinstance(value, str):
        hours = jf.number(value)
    if hours is not None and hours >= 0:
        return Workload(hours=hours)
    return Workload(note=jf.text(value, jf.TITLE_LIMIT))


def _grade(value: JsonValue) -> Grade | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Grade(value=str(value))
    found = jf.text(value, jf.TITLE_LIMIT)
    return Grade(value=found) if found else None


def _stackability(value: JsonValue) -> Stackability | None:
    lowered = value.strip().lower() if isinstance(value, str) else value
    if lowered in (True, "yes"):
        return Stackability(StackabilityMode.STACKABLE)
    if lowered in (False, "no"):
        return Stackability(StackabilityMode.STANDALONE)
    return None


def _status(value: JsonValue) -> tuple[StatusEntry, ...]:
    listed = jf.obj(jf.path(value, "status_list"))
    if listed is None:
        return ()
    uri = jf.web_url(listed.get("uri"))
    index = listed.get("idx")
    if uri is None or not isinstance(index, int) or isinstance(index, bool):
        return ()
    return (StatusEntry(type="TokenStatusList", id=f"{uri}#{index}", list_url=uri),)
