"""CLR 2.0 (a signed container of achievement credentials and their associations) → records."""

from __future__ import annotations

from dataclasses import replace

from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject
from wallet.records import (
    CredentialRecord,
    MatchKeys,
    Signer,
    Stackability,
    StackabilityMode,
)

from . import jsonfields as jf
from .map_ob3 import map_ob3, profile_organisation, read_learner, status_entries
from .vocabularies import flatten_skills

# associationType values under which the source achievement counts towards the target.
_TOWARDS_TARGET = {"isChildOf", "isPartOf"}
_TOWARDS_SOURCE = {"isParentOf"}


def map_clr(
    clr: JsonObject, record_format: CredentialFormat, container_id: str | None = None
) -> CredentialRecord:
    """Map the CLR itself: its title, learner and issuer, and everything its parts carry."""
    subject = _clr_subject(clr)
    lang = jf.language(clr.get("inLanguage"))
    issuer = profile_organisation(clr.get("issuer"), lang)
    parts = map_clr_parts(clr, record_format)
    outcomes = tuple(outcome for part in parts for outcome in part.learning_outcomes)
    bodies = (issuer,) if issuer else ()
    keys = [part.match_keys for part in parts]
    tags = jf.unique([tag for part in parts for tag in part.tags])
    return CredentialRecord(
        format=record_format,
        title=jf.localized(clr.get("name"), lang, jf.TITLE_LIMIT),
        learner=read_learner(subject, lang),
        description=jf.localized(clr.get("description"), lang),
        image_url=jf.image_ref(clr.get("image")),
        issuer_country=issuer.country if issuer else None,
        awarding_bodies=bodies,
        signer=Signer(id=issuer.id, name=issuer.name) if issuer else None,
        issued_on=jf.moment(clr.get("issuanceDate")) or jf.moment(clr.get("validFrom")),
        awarded_on=jf.moment(clr.get("awardedDate")),
        valid_from=jf.moment(clr.get("validFrom")) or jf.moment(clr.get("issuanceDate")),
        valid_until=jf.moment(clr.get("validUntil")) or jf.moment(clr.get("expirationDate")),
        learning_outcomes=outcomes,
        skills=flatten_skills(outcomes),
        tags=tags,
        achievement_type="ClrCredential",
        match_keys=MatchKeys(
            achievement_ids=jf.unique(
                [i for key in keys for i in key.achievement_ids]
                + list(jf.ids(subject.get("achievement")))
            ),
            related_ids=jf.unique([i for key in keys for i in key.related_ids]),
            alignment_uris=jf.unique([uri for key in keys for uri in key.alignment_uris]),
            tags=tags,
            issuer_ids=jf.unique(
                [i for key in keys for i in key.issuer_ids]
                + ([issuer.id] if issuer and issuer.id else [])
            ),
        ),
        container_id=container_id,
        status_entries=status_entries(clr.get("credentialStatus")),
    )


def map_clr_parts(clr: JsonObject, record_format: CredentialFormat) -> tuple[CredentialRecord, ...]:
    """A record per embedded JSON credential, tied to the CLR and stacked by its associations.

    Nested credentials given as JWT strings are read as envelopes of their own; a nested entry
    that is not a credential is left out rather than failing the whole CLR.
    """
    subject = _clr_subject(clr)
    clr_id = jf.ref_id(clr.get("id"))
    records: list[CredentialRecord] = []
    for part in jf.objects(subject.get("verifiableCredential")):
        try:
            record = map_ob3(part, record_format, container_id=clr_id)
        except CredentialFormatError:
            continue
        towards = stacked_towards(clr, record.match_keys.achievement_ids)
        if towards:
            record = replace(record, stackability=Stackability(StackabilityMode.STACKABLE, towards))
        records.append(record)
    return tuple(records)


def stacked_towards(clr: JsonObject, achievement_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The achievement ids the CLR's associations say these achievements count towards."""
    subject = jf.first_object(clr.get("credentialSubject")) or {}
    towards: list[str] = []
    for association in jf.objects(subject.get("association")):
        kind = jf.text(association.get("associationType"), 50)
        source = jf.ref_id(association.get("sourceId"))
        target = jf.ref_id(association.get("targetId"))
        if not (source and target):
            continue
        if kind in _TOWARDS_TARGET and source in achievement_ids:
            towards.append(target)
        elif kind in _TOWARDS_SOURCE and target in achievement_ids:
            towards.append(source)
    return jf.unique(towards)


def _clr_subject(clr: JsonObject) -> JsonObject:
    if "ClrCredential" not in jf.types_of(clr):
        raise CredentialFormatError("not a CLR 2.0 credential: its type is not ClrCredential")
    subject = jf.first_object(clr.get("credentialSubject"))
    if subject is None:
        raise CredentialFormatError("not a CLR 2.0 credential: it has no credentialSubject")
    return subject
