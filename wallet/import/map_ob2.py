"""Open Badges 2.0 assertions (hosted or signed, with the edubadges extensions) → the record."""

from __future__ import annotations

from collections.abc import Mapping

from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import (
    CredentialRecord,
    FurtherInfo,
    Identifier,
    Learner,
    Level,
    MatchKeys,
    Signer,
    Workload,
)

from . import jsonfields as jf
from .alignments import outcome_from_text, read_alignments
from .legacy_badges import legacy_version, upgrade_legacy_assertion
from .map_ob3 import profile_organisation, read_criteria, read_evidence
from .vocabularies import flatten_skills

_EXTENSION = "extensions:"


def map_ob2(
    assertion: JsonObject,
    record_format: CredentialFormat,
    linked: Mapping[str, JsonObject],
    container_id: str | None = None,
) -> CredentialRecord:
    """Map an OB 2.0 assertion; ``linked`` holds already-fetched BadgeClass/Issuer documents."""
    if record_format is CredentialFormat.OB2_HOSTED:
        # HostedBadge verification judges the issuer's copy: once fetched, it is the badge.
        assertion = _hosted_copy(assertion, linked) or assertion
    _check_is_ob2(assertion)
    badge = _resolve(assertion.get("badge"), linked)
    issuer_ref = badge.get("issuer")
    issuer_doc = _resolve(issuer_ref, linked)
    lang = jf.language(_extension(badge, "LanguageExtension", "Language"))
    issuer = profile_organisation(issuer_doc or issuer_ref, lang)
    criteria = read_criteria(badge.get("criteria"), lang)
    alignments = read_alignments(badge.get("alignment"), lang)
    outcome_text = jf.localized(
        _extension(badge, "LearningOutcomeExtension", "LearningOutcome"), lang
    )
    outcomes = outcome_from_text(outcome_text) + alignments.outcomes or outcome_from_text(
        criteria.narrative
    )
    eqf = jf.small_int(_extension(badge, "EQFExtension", "EQF"), 1, 8)
    tags = jf.unique(jf.strings(badge.get("tags"), jf.TITLE_LIMIT))
    bodies = (issuer,) if issuer else ()
    return CredentialRecord(
        format=record_format,
        title=jf.localized(badge.get("name"), lang, jf.TITLE_LIMIT),
        learner=_learner(assertion.get("recipient")),
        description=jf.localized(badge.get("description"), lang),
        criteria=criteria,
        image_url=jf.image_ref(badge.get("image")) or jf.image_ref(assertion.get("image")),
        awarding_bodies=bodies,
        signer=Signer(id=issuer.id, name=issuer.name) if issuer else None,
        issued_on=jf.moment(assertion.get("issuedOn")),
        valid_until=jf.moment(assertion.get("expires")),
        learning_outcomes=outcomes,
        skills=flatten_skills(outcomes),
        workload=_workload(badge),
        level=Level(
            eqf=eqf or alignments.level.eqf,
            nqf=alignments.level.nqf,
            qf_ehea_cycle=alignments.level.qf_ehea_cycle,
        ),
        quality_assurance=alignments.quality_assurance,
        further_info=FurtherInfo(urls=(criteria.url,) if criteria.url else ()),
        evidence=read_evidence(assertion.get("evidence")),
        tags=tags,
        match_keys=MatchKeys(
            achievement_ids=jf.ids(badge.get("id") or assertion.get("badge")),
            related_ids=jf.ids(badge.get("related")),
            alignment_uris=alignments.uris,
            tags=tags,
            issuer_ids=jf.unique([body.id for body in bodies if body.id]),
        ),
        container_id=container_id,
    )


def _check_is_ob2(assertion: JsonObject) -> None:
    kinds = {kind.lower() for kind in jf.types_of(assertion)}
    if "credentialSubject" in assertion or "verifiablecredential" in kinds:
        raise CredentialFormatError("not an Open Badges 2.0 assertion: it is a W3C credential")
    if kinds and "assertion" not in kinds and not kinds & {"badgeassertion"}:
        raise CredentialFormatError("not an Open Badges 2.0 assertion: its type is not Assertion")


def _hosted_copy(assertion: JsonObject, linked: Mapping[str, JsonObject]) -> JsonObject | None:
    url = assertion.get("id")
    hosted = linked.get(url) if isinstance(url, str) else None
    if not isinstance(hosted, dict) or not isinstance(url, str):
        return None
    return upgrade_legacy_assertion(hosted, url) if legacy_version(hosted) else hosted


def _resolve(value: JsonValue, linked: Mapping[str, JsonObject]) -> JsonObject:
    """An embedded document, the linked document its URL names, or an empty one."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and isinstance(linked.get(value), dict):
        return linked[value]
    return {}


def _extension(badge: JsonObject, name: str, key: str) -> JsonValue:
    """A value of an edubadges-style extension, at the top level or under ``extensions``."""
    for holder in (badge, jf.obj(badge.get("extensions")) or {}):
        found = jf.obj(holder.get(_EXTENSION + name)) or jf.obj(holder.get(name))
        if found is not None and key in found:
            return found[key]
    return None


def _learner(recipient: JsonValue) -> Learner:
    found = jf.obj(recipient) or {}
    identity = jf.text(found.get("identity"), jf.TITLE_LIMIT)
    if identity is None:
        return Learner()
    kind = jf.text(found.get("type"), 100) or "email"
    return Learner(
        identifiers=(
            Identifier(
                kind, identity, found.get("hashed") is True, jf.text(found.get("salt"), 200)
            ),
        )
    )


def _workload(badge: JsonObject) -> Workload:
    # edubadges StudyLoad and TimeInvestment are stated in hours.
    ects = jf.number(_extension(badge, "ECTSExtension", "ECTS"))
    hours = jf.number(_extension(badge, "StudyLoadExtension", "StudyLoad"))
    if hours is None:
        hours = jf.number(_extension(badge, "TimeInvestmentExtension", "TimeInvestment"))
    return Workload(
        ects=ects if ects is not None and ects >= 0 else None,
        hours=hours if hours is not None and hours >= 0 else None,
    )
