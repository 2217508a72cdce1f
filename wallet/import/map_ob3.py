"""Open Badges 3.0 and any W3C Verifiable Credential (LDP, VC-JWT, CLR parts) → the record."""

from __future__ import annotations

from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import (
    CredentialRecord,
    CreditAmount,
    Criteria,
    Evidence,
    FurtherInfo,
    Grade,
    Identifier,
    Learner,
    MatchKeys,
    Organisation,
    Participation,
    QualityAssurance,
    Signer,
    StatusEntry,
    Supervision,
    Workload,
)

from . import jsonfields as jf
from .alignments import outcome_from_text, read_alignments
from .vocabularies import flatten_skills, supervision_from_text


def map_ob3(
    credential: JsonObject, record_format: CredentialFormat, container_id: str | None = None
) -> CredentialRecord:
    """Map an OB 3.0 AchievementCredential (or any VC with a credentialSubject)."""
    subject = jf.first_object(credential.get("credentialSubject"))
    if subject is None:
        raise CredentialFormatError("not a verifiable credential: it has no credentialSubject")
    achievement = jf.first_object(subject.get("achievement")) or {}
    lang = jf.language(achievement.get("inLanguage") or credential.get("inLanguage"))
    issuer = profile_organisation(credential.get("issuer"), lang)
    creator = profile_organisation(achievement.get("creator"), lang)
    bodies = tuple(body for body in (issuer, creator) if body is not None)
    if issuer and creator and issuer.id and issuer.id == creator.id:
        bodies = (issuer,)
    criteria = read_criteria(achievement.get("criteria"), lang)
    alignments = read_alignments(achievement.get("alignment"), lang)
    outcomes = alignments.outcomes or outcome_from_text(criteria.narrative)
    tags = jf.unique(jf.strings(achievement.get("tag"), jf.TITLE_LIMIT))
    return CredentialRecord(
        format=record_format,
        title=jf.localized(achievement.get("name"), lang, jf.TITLE_LIMIT)
        or jf.localized(credential.get("name"), lang, jf.TITLE_LIMIT),
        learner=read_learner(subject, lang),
        description=jf.localized(achievement.get("description"), lang)
        or jf.localized(credential.get("description"), lang),
        criteria=criteria,
        image_url=jf.image_ref(achievement.get("image")) or jf.image_ref(credential.get("image")),
        issuer_country=next((body.country for body in bodies if body.country), None),
        issuer_region=jf.text(jf.path(credential, "issuer", "address", "addressRegion"), 200),
        awarding_bodies=bodies,
        signer=Signer(id=issuer.id, name=issuer.name) if issuer else None,
        issued_on=jf.moment(credential.get("issuanceDate"))
        or jf.moment(credential.get("validFrom")),
        awarded_on=jf.moment(credential.get("awardedDate")),
        valid_from=jf.moment(credential.get("validFrom"))
        or jf.moment(credential.get("issuanceDate")),
        valid_until=jf.moment(credential.get("validUntil"))
        or jf.moment(credential.get("expirationDate")),
        learning_outcomes=outcomes,
        skills=flatten_skills(outcomes),
        workload=_workload(achievement, subject),
        level=alignments.level,
        assessment=jf.concept(achievement.get("assessmentType"), lang),
        participation=Participation(mode=jf.concept(achievement.get("participationType"), lang)),
        quality_assurance=alignments.quality_assurance
        + endorsements(credential.get("endorsement"), lang)
        + endorsements(achievement.get("endorsement"), lang),
        supervision=_supervision(achievement),
        grade=_grade(subject, achievement),
        further_info=FurtherInfo(urls=(criteria.url,) if criteria.url else ()),
        evidence=read_evidence(credential.get("evidence")),
        tags=tags,
        achievement_type=jf.text(achievement.get("achievementType"), jf.TITLE_LIMIT),
        match_keys=MatchKeys(
            achievement_ids=jf.ids(achievement.get("id")),
            related_ids=jf.ids(achievement.get("related")),
            alignment_uris=alignments.uris,
            tags=tags,
            issuer_ids=jf.unique([body.id for body in bodies if body.id]),
            field_of_study=jf.unique(jf.strings(achievement.get("fieldOfStudy"), jf.TITLE_LIMIT)),
        ),
        container_id=container_id,
        status_entries=status_entries(credential.get("credentialStatus")),
    )


def profile_organisation(value: JsonValue, lang: str) -> Organisation | None:
    """An OB Profile (issuer, creator), given embedded or as its id."""
    if isinstance(value, str):
        found = jf.text(value, jf.URI_LIMIT)
        return Organisation(id=found) if found else None
    if not isinstance(value, dict):
        return None
    legal_ids = tuple(
        Identifier(type=kind, value=code)
        for entry in jf.objects(value.get("otherIdentifier"))
        if (code := jf.text(entry.get("identifier"), jf.TITLE_LIMIT))
        and (kind := jf.text(entry.get("identifierType"), jf.TITLE_LIMIT) or "identifier")
    )
    address = jf.obj(value.get("address")) or {}
    return Organisation(
        id=jf.ref_id(value.get("id")),
        name=jf.localized(value.get("name"), lang, jf.TITLE_LIMIT),
        legal_ids=legal_ids,
        url=jf.web_url(value.get("url")),
        country=jf.country_code(address.get("addressCountryCode")),
    )


def read_learner(subject: JsonObject, lang: str) -> Learner:
    """The AchievementSubject: its id, identity objects and any plain-text name."""
    identifiers: list[Identifier] = []
    names: dict[str, JsonValue] = {}
    subject_id = jf.ref_id(subject.get("id"))
    if subject_id:
        identifiers.append(Identifier(type="id", value=subject_id))
    for entry in jf.objects(subject.get("identifier")):
        value = jf.text(entry.get("identityHash"), jf.TITLE_LIMIT)
        kind = jf.text(entry.get("identityType"), 100) or "identifier"
        hashed = entry.get("hashed") is True
        if value is None:
            continue
        if kind == "name" and not hashed:
            names.setdefault(lang, value)
        identifiers.append(Identifier(kind, value, hashed, jf.text(entry.get("salt"), 200)))
    given = jf.localized(subject.get("name"), lang, jf.TITLE_LIMIT)
    return Learner(
        names=given or jf.localized(names, lang, jf.TITLE_LIMIT),
        identifiers=tuple(identifiers),
        birth_date=jf.day(subject.get("birthDate")),
    )


def read_criteria(value: JsonValue, lang: str) -> Criteria:
    """Criteria given as a URL or as {id, narrative} (OB 2.0 and 3.0 share the shape)."""
    if isinstance(value, str):
        return Criteria(url=jf.web_url(value))
    found = jf.obj(value) or {}
    return Criteria(
        narrative=jf.localized(found.get("narrative"), lang), url=jf.web_url(found.get("id"))
    )


def _workload(achievement: JsonObject, subject: JsonObject) -> Workload:
    # creditsAvailable is "credit hours" in an unstated system: kept, never turned into ECTS.
    other = [
        CreditAmount(value=amount, unit=unit)
        for unit, amount in (
            ("creditsAvailable", jf.number(achievement.get("creditsAvailable"))),
            ("creditsEarned", jf.number(subject.get("creditsEarned"))),
        )
        if amount is not None and amount >= 0
    ]
    ects = jf.number(achievement.get("ECTS"))
    return Workload(ects=ects if ects is not None and ects >= 0 else None, other=tuple(other))


def _supervision(achievement: JsonObject) -> Supervision | None:
    stated = supervision_from_text(jf.text(achievement.get("supervisionType"), jf.TITLE_LIMIT))
    if stated is None and achievement.get("identityChecked") is True:
        return Supervision.SUPERVISED_WITH_ID
    return stated


def _grade(subject: JsonObject, achievement: JsonObject) -> Grade | None:
    descriptions = {
        found: entry
        for entry in jf.objects(achievement.get("resultDescription"))
        if (found := jf.ref_id(entry.get("id")))
    }
    for result in jf.objects(subject.get("result")):
        value = jf.text(result.get("value"), jf.TITLE_LIMIT)
        if value is None:
            continue
        description = descriptions.get(jf.ref_id(result.get("resultDescription")) or "", {})
        low = jf.text(description.get("valueMin"), 50)
        high = jf.text(description.get("valueMax"), 50)
        scale = f"{low}–{high}" if low and high else None
        kind = jf.text(description.get("resultType"), jf.TITLE_LIMIT)
        return Grade(value=value, scale=scale, result_type=kind)
    return None


def endorsements(value: JsonValue, lang: str) -> tuple[QualityAssurance, ...]:
    """Endorsement credentials as quality assurance statements by their issuers."""
    found: list[QualityAssurance] = []
    for entry in jf.objects(value):
        endorser = profile_organisation(entry.get("issuer"), lang)
        found.append(
            QualityAssurance(
                type="endorsement",
                label=jf.localized(entry.get("name"), lang, jf.TITLE_LIMIT),
                agent=(endorser.name.get() or endorser.id) if endorser else None,
                uri=jf.ref_id(entry.get("id")),
            )
        )
    return tuple(found)


def read_evidence(value: JsonValue) -> tuple[Evidence, ...]:
    """Evidence given as URLs or objects (OB 2.0 and 3.0 share the shape)."""
    found: list[Evidence] = []
    for entry in jf.items(value):
        if isinstance(entry, str):
            url = jf.web_url(entry)
            if url:
                found.append(Evidence(url=url))
        elif isinstance(entry, dict):
            described = jf.text(entry.get("description")) or jf.text(entry.get("narrative"))
            found.append(
                Evidence(
                    url=jf.web_url(entry.get("id")),
                    name=jf.text(entry.get("name"), jf.TITLE_LIMIT),
                    description=described,
                )
            )
    return tuple(found)


def status_entries(value: JsonValue) -> tuple[StatusEntry, ...]:
    """``credentialStatus`` entries, for status monitoring."""
    return tuple(
        StatusEntry(
            type=kind,
            id=jf.ref_id(entry.get("id")),
            purpose=jf.text(entry.get("statusPurpose"), 100),
            list_url=jf.web_url(entry.get("statusListCredential")),
        )
        for entry in jf.objects(value)
        if (kind := next(iter(jf.strings(entry.get("type"), 200)), None))
    )
