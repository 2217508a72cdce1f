"""European Learning Model 3 (European Digital Credentials, JSON-LD or JAdES) → the record.

Paths follow the Annex I → ELM table: the first claim of the credential subject is the
achievement ``A``, its ``specifiedBy`` is the specification ``S``.
"""

from __future__ import annotations

from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import (
    CredentialRecord,
    CreditAmount,
    Criteria,
    FurtherInfo,
    Grade,
    Identifier,
    Learner,
    LearningOutcome,
    Level,
    LocalizedText,
    MatchKeys,
    NqfLevel,
    Organisation,
    Participation,
    QualityAssurance,
    Signer,
    Skill,
    Stackability,
    StackabilityMode,
    Workload,
)

from . import jsonfields as jf
from .alignments import outcome_from_text
from .map_ob3 import status_entries
from .vocabularies import (
    EQF_PREFIX,
    eqf_for_nqf,
    flatten_skills,
    is_ects,
    is_prk,
    skill_framework,
    skill_level,
    supervision_from_text,
)

_EDC_TYPES = {"EuropeanDigitalCredential", "europass:EuropeanDigitalCredential"}
_IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "JPG": "image/jpeg",
    "SVG": "image/svg+xml",
}


def map_elm(
    credential: JsonObject, record_format: CredentialFormat, container_id: str | None = None
) -> CredentialRecord:
    """Map a European Digital Credential (ELM 3) following the Annex I → ELM paths."""
    _check_is_elm(credential)
    subject = jf.first_object(credential.get("credentialSubject")) or {}
    claim = _achievement(subject.get("hasClaim"))
    spec = jf.first_object(claim.get("specifiedBy")) or {}
    awarded = jf.first_object(claim.get("awardedBy")) or {}
    assessment = jf.first_object(claim.get("provenBy")) or {}
    bodies = tuple(
        body for body in map(_organisation, jf.items(awarded.get("awardingBody"))) if body
    )
    sealer = _organisation(credential.get("issuer"))
    outcomes = _outcomes(spec) or outcome_from_text(
        jf.localized(jf.path(spec, "learningOutcomeSummary", "noteLiteral"))
    )
    return CredentialRecord(
        format=record_format,
        title=_first_text(claim.get("title"), spec.get("title"), _display_title(credential)),
        learner=_learner(subject),
        description=_first_text(claim.get("description"), spec.get("description")),
        criteria=Criteria(),
        image_url=_image(credential),
        issuer_country=next((body.country for body in bodies if body.country), None),
        issuer_region=_region(awarded.get("awardingBody")),
        awarding_bodies=bodies,
        signer=Signer(id=sealer.id, name=sealer.name) if sealer else None,
        issued_on=jf.moment(credential.get("issued"))
        or jf.moment(credential.get("issuanceDate"))
        or jf.moment(credential.get("validFrom")),
        awarded_on=jf.moment(awarded.get("awardingDate")),
        valid_from=jf.moment(credential.get("validFrom")),
        valid_until=jf.moment(credential.get("validUntil"))
        or jf.moment(credential.get("expirationDate")),
        learning_outcomes=outcomes,
        skills=flatten_skills(outcomes),
        workload=_workload(spec, claim),
        level=_level(spec),
        assessment=jf.concept(jf.path(jf.first_object(assessment.get("specifiedBy")), "dcType")),
        participation=_participation(spec, claim),
        quality_assurance=_quality(spec, awarded.get("awardingBody")),
        prerequisites=jf.localized(
            jf.path(jf.first_object(spec.get("entryRequirement")), "noteLiteral")
        ),
        supervision=supervision_from_text(_label(assessment.get("idVerification"))),
        grade=_grade(assessment),
        stackability=_stackability(claim, spec),
        further_info=_further_info(claim, spec),
        achievement_type=_label(spec.get("dcType")) or next(iter(jf.types_of(spec)), None),
        match_keys=_match_keys(spec, outcomes, bodies, sealer),
        container_id=container_id,
        status_entries=status_entries(credential.get("credentialStatus")),
    )


def _check_is_elm(credential: JsonObject) -> None:
    contexts = " ".join(jf.strings(credential.get("@context")))
    if jf.types_of(credential) & _EDC_TYPES or "data.europa.eu/snb/model/context" in contexts:
        return
    raise CredentialFormatError("not a European Digital Credential: no EDC type or context")


def _achievement(claims: JsonValue) -> JsonObject:
    found = jf.objects(claims)
    for claim in found:
        if "LearningAchievement" in jf.types_of(claim):
            return claim
    return found[0] if found else {}


def _first_text(*values: JsonValue) -> LocalizedText:
    for value in values:
        found = jf.localized(value, "und", jf.TITLE_LIMIT)
        if found:
            return found
    return LocalizedText()


def _display_title(credential: JsonObject) -> JsonValue:
    return jf.path(jf.first_object(credential.get("displayParameter")), "title")


def _label(value: JsonValue) -> str | None:
    found = jf.concept(value)
    return found.label.get("en") if found else None


def _learner(subject: JsonObject) -> Learner:
    names = jf.localized(subject.get("fullName"), "und", jf.TITLE_LIMIT)
    if not names:
        given = dict(jf.localized(subject.get("givenName"), "und", jf.TITLE_LIMIT).entries)
        family = dict(jf.localized(subject.get("familyName"), "und", jf.TITLE_LIMIT).entries)
        both = {
            lang: f"{given.get(lang, '')} {family.get(lang, '')}".strip() for lang in given | family
        }
        names = LocalizedText.of(both)
    identifiers = [Identifier("id", found) for found in jf.ids(subject.get("id"))]
    for national in jf.objects(subject.get("nationalID")):
        value = jf.text(national.get("notation"), jf.TITLE_LIMIT)
        country = jf.country_code(national.get("spatial"))
        if value:
            identifiers.append(
                Identifier(f"nationalID:{country}" if country else "nationalID", value)
            )
    for contact in jf.objects(subject.get("contactPoint")):
        for mailbox in jf.ids(contact.get("emailAddress")):
            identifiers.append(Identifier("email", mailbox.removeprefix("mailto:")))
    return Learner(names, tuple(identifiers), jf.day(subject.get("dateOfBirth")))


def _organisation(value: JsonValue) -> Organisation | None:
    if isinstance(value, str):
        return Organisation(id=jf.text(value, jf.URI_LIMIT))
    if not isinstance(value, dict):
        return None
    legal_ids: list[Identifier] = []
    for key, kind in (
        ("registration", "registration"),
        ("eidasLegalIdentifier", "eidas"),
        ("vatIdentifier", "vat"),
        ("taxIdentifier", "tax"),
        ("identifier", "identifier"),
    ):
        for entry in jf.objects(value.get(key)):
            notation = jf.text(entry.get("notation"), jf.TITLE_LIMIT)
            scheme = jf.text(entry.get("schemeName"), jf.TITLE_LIMIT)
            if notation:
                legal_ids.append(Identifier(scheme or kind, notation))
    address = jf.first_object(jf.path(jf.first_object(value.get("location")), "address"))
    return Organisation(
        id=jf.ref_id(value.get("id")),
        name=_first_text(value.get("legalName"), value.get("altLabel"), value.get("prefLabel")),
        legal_ids=tuple(legal_ids),
        url=jf.web_url(jf.path(jf.first_object(value.get("homepage")), "contentURL")),
        country=jf.country_code(jf.path(address, "countryCode")),
    )


def _region(bodies: JsonValue) -> str | None:
    for body in jf.objects(bodies):
        spatial = jf.concept(jf.path(jf.first_object(body.get("location")), "spatialCode"))
        if spatial:
            return spatial.label.get("en") or spatial.uri
    return None


def _outcomes(spec: JsonObject) -> tuple[LearningOutcome, ...]:
    found: list[LearningOutcome] = []
    for outcome in jf.objects(spec.get("learningOutcome")):
        skills = [
            _skill(concept)
            for key in ("relatedESCOSkill", "relatedSkill")
            for concept in jf.objects(outcome.get(key))
        ]
        text = jf.localized(outcome.get("title")) or jf.localized(
            jf.path(jf.first_object(outcome.get("additionalNote")), "noteLiteral")
        )
        found.append(LearningOutcome(text, tuple(skill for skill in skills if skill)))
    return tuple(found)


def _skill(concept: JsonObject) -> Skill | None:
    uri = jf.ref_id(concept.get("id"))
    if uri is None:
        return None
    label = jf.localized(concept.get("prefLabel"), "und", jf.TITLE_LIMIT)
    framework = skill_framework(uri, None, jf.ref_id(concept.get("inScheme")))
    return Skill(uri, label, framework, skill_level(framework, label.get("en")))


def _workload(spec: JsonObject, claim: JsonObject) -> Workload:
    ects: float | None = None
    other: list[CreditAmount] = []
    for credit in jf.objects(spec.get("creditPoint")) or jf.objects(claim.get("creditReceived")):
        point = jf.number(credit.get("point"))
        framework = jf.concept(credit.get("framework"))
        uri = framework.uri if framework else None
        label = framework.label.get("en") if framework else None
        if point is None or point < 0:
            continue
        if is_ects(uri, label) and ects is None:
            ects = point
        elif not is_ects(uri, label):
            other.append(CreditAmount(point, label or "credit", uri))
    volume = spec.get("volumeOfLearning")
    calendar = jf.duration_calendar(volume)
    if calendar:
        other.append(CreditAmount(calendar[0], calendar[1]))
    return Workload(ects=ects, hours=jf.duration_hours(volume), other=tuple(other))


def _level(spec: JsonObject) -> Level:
    eqf_concept = jf.concept(spec.get("eqfLevel"))
    eqf = None
    if eqf_concept:
        uri = eqf_concept.uri or ""
        code = uri.removeprefix(EQF_PREFIX) if uri.startswith(EQF_PREFIX) else None
        eqf = jf.small_int(code, 1, 8) or jf.small_int(eqf_concept.label.get("en"), 1, 8)
    nqf = None
    nqf_concept = jf.first_object(spec.get("nqfLevel"))
    found = jf.concept(nqf_concept)
    if found and nqf_concept is not None:
        label = found.label.get("en")
        scheme = jf.ref_id(nqf_concept.get("inScheme"))
        framework = "PRK" if is_prk(label, scheme, found.uri) else scheme or "NQF"
        number = jf.small_int(label, 1, 10)
        nqf = NqfLevel(framework, str(number) if number else label, found.uri)
    return Level(eqf=eqf or eqf_for_nqf(nqf), nqf=nqf)


def _participation(spec: JsonObject, claim: JsonObject) -> Participation:
    activity = jf.first_object(jf.path(jf.first_object(claim.get("influencedBy")), "specifiedBy"))
    mode = jf.concept(spec.get("mode")) or jf.concept(jf.path(activity, "mode"))
    return Participation(mode=mode, setting=jf.concept(spec.get("learningSetting")))


def _quality(spec: JsonObject, bodies: JsonValue) -> tuple[QualityAssurance, ...]:
    sources = jf.objects(spec.get("accreditation"))
    for body in jf.objects(bodies):
        sources += jf.objects(body.get("accreditation"))
    found: list[QualityAssurance] = []
    for accreditation in sources:
        agent = _organisation(accreditation.get("accreditingAgent"))
        found.append(
            QualityAssurance(
                type=_label(accreditation.get("dcType")),
                label=_first_text(accreditation.get("title"), accreditation.get("description")),
                agent=(agent.name.get("en") or agent.id) if agent else None,
                uri=jf.ref_id(accreditation.get("id")),
            )
        )
    return tuple(found)


def _grade(assessment: JsonObject) -> Grade | None:
    value = jf.localized(jf.path(jf.first_object(assessment.get("grade")), "noteLiteral"))
    if not value:
        return None
    scheme = jf.path(jf.first_object(assessment.get("specifiedBy")), "gradingScheme")
    scale = jf.localized(jf.path(jf.first_object(scheme), "title"), "und", jf.TITLE_LIMIT)
    return Grade(value=value.get("en") or "", scale=scale.get("en"))


def _stackability(claim: JsonObject, spec: JsonObject) -> Stackability | None:
    towards = jf.ids(claim.get("isPartOf")) + jf.ids(spec.get("isPartOf"))
    partial = spec.get("isPartialQualification")
    if towards or partial is True:
        return Stackability(StackabilityMode.STACKABLE, jf.unique(list(towards)))
    if jf.items(claim.get("hasPart")) or jf.items(spec.get("hasPart")):
        return Stackability(StackabilityMode.INTEGRATED)
    if partial is False:
        return Stackability(StackabilityMode.STANDALONE)
    return None


def _further_info(claim: JsonObject, spec: JsonObject) -> FurtherInfo:
    urls: list[str] = []
    notes: list[LocalizedText] = []
    for holder in (claim, spec):
        for key in ("supplementaryDocument", "homepage"):
            for document in jf.objects(holder.get(key)):
                url = jf.web_url(document.get("contentURL"))
                if url:
                    urls.append(url)
        for note in jf.objects(holder.get("additionalNote")):
            notes.append(jf.localized(note.get("noteLiteral")))
    return FurtherInfo(urls=jf.unique(urls), notes=jf.merge(*notes))


def _image(credential: JsonObject) -> str | None:
    display = jf.first_object(credential.get("displayParameter"))
    individual = jf.first_object(jf.path(display, "individualDisplay"))
    detail = jf.first_object(jf.path(individual, "displayDetail"))
    image = jf.first_object(jf.path(detail, "image"))
    if image is None:
        return None
    content = image.get("content")
    kind = (jf.ref_id(image.get("contentType")) or "").rsplit("/", 1)[-1].upper()
    if not isinstance(content, str) or kind not in _IMAGE_TYPES:
        return None
    return jf.image_ref(f"data:{_IMAGE_TYPES[kind]};base64,{content.strip()}")


def _match_keys(
    spec: JsonObject,
    outcomes: tuple[LearningOutcome, ...],
    bodies: tuple[Organisation, ...],
    sealer: Organisation | None,
) -> MatchKeys:
    level_uris = [jf.ref_id(jf.first_object(spec.get(key))) for key in ("eqfLevel", "nqfLevel")]
    skill_uris = [skill.uri for outcome in outcomes for skill in outcome.skills]
    issuers = [body.id for body in (*bodies, sealer) if body and body.id]
    return MatchKeys(
        achievement_ids=jf.ids(spec.get("id")),
        alignment_uris=jf.unique(skill_uris + [uri for uri in level_uris if uri]),
        issuer_ids=jf.unique(issuers),
        field_of_study=jf.ids(spec.get("thematicArea")),
    )
