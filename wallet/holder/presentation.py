"""Stored credentials turned into what the pages show: cards, the facts panel, the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from wallet.annex1 import ELEMENTS, assess_annex1, is_eu_described
from wallet.envelope import CredentialFormat
from wallet.models import Credential
from wallet.records import (
    Concept,
    CredentialRecord,
    LocalizedText,
    SkillFramework,
    StackabilityMode,
    Supervision,
    record_from_json,
)
from wallet.verification.report import CheckStatus, Report, Verdict, report_from_json
from wallet.verification.standing import Standing, standing_from

_FRAMEWORK_NAMES = {
    SkillFramework.ESCO: "ESCO",
    SkillFramework.DIGCOMP: "DigComp",
    SkillFramework.CASE: "CASE",
    SkillFramework.CTDL: "CTDL",
}
_SUPERVISION = {
    Supervision.UNSUPERVISED_NO_ID: (
        "Unsupervised, no identity verification",
        "Bez nadzoru, bez weryfikacji tożsamości",
    ),
    Supervision.SUPERVISED_NO_ID: (
        "Supervised, no identity verification",
        "Z nadzorem, bez weryfikacji tożsamości",
    ),
    Supervision.SUPERVISED_WITH_ID: (
        "Supervised, with identity verification",
        "Z nadzorem i weryfikacją tożsamości",
    ),
}
_STACKABILITY = {
    StackabilityMode.STANDALONE: ("Standalone", "Samodzielne"),
    StackabilityMode.INTEGRATED: ("Integrated into another credential", "Część innego"),
    StackabilityMode.STACKABLE: ("Stackable towards another credential", "Można łączyć"),
}


@dataclass(frozen=True)
class Link:
    """A piece of text, with a safe http(s) address when it has one, and an aside."""

    text: str
    url: str | None = None
    aside: str | None = None


@dataclass(frozen=True)
class CredentialCard:
    """One credential as the list shows it."""

    id: int
    title: str
    issuer: str
    issued_on: datetime | None
    verdict: Verdict
    expired: bool
    revoked: bool
    hidden: bool
    standing: Standing = Standing.UNVERIFIABLE


@dataclass(frozen=True)
class FactRow:
    """One Annex I element: its name, its values, and whether a mandatory one is missing."""

    code: str
    label: str
    mandatory: bool
    values: tuple[Link, ...]

    @property
    def missing(self) -> bool:
        return not self.values


@dataclass(frozen=True)
class CheckRow:
    """One verification check in the reader's language, with its technical details."""

    code: str
    status: CheckStatus
    required: bool
    message: str
    detail: str | None


@dataclass(frozen=True)
class HistoryRow:
    """One earlier verification."""

    ran_at: datetime
    verdict: Standing


@dataclass(frozen=True)
class CredentialPage:
    """Everything the detail page shows about one credential."""

    card: CredentialCard
    format: CredentialFormat
    media_type: str
    verified_at: datetime
    description: str | None
    criteria_narrative: str | None
    criteria_url: str | None
    evidence: tuple[Link, ...]
    facts: tuple[FactRow, ...]
    eu_described: bool
    checks: tuple[CheckRow, ...]
    history: tuple[HistoryRow, ...]
    note: str | None


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address a page may link to, else ``None``."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def report_flags(report: Report) -> tuple[bool, bool]:
    """Whether the stored report says the credential is expired, and whether it is revoked."""
    expiry, revocation = report.find("expiry"), report.find("revocation")
    return (
        expiry is not None and expiry.status is CheckStatus.FAILED,
        revocation is not None and revocation.status is CheckStatus.FAILED,
    )


def credential_card(credential: Credential) -> CredentialCard:
    """The list's view of ``credential``."""
    report = report_from_json(credential.report)
    expired, revoked = report_flags(report)
    return CredentialCard(
        id=credential.id,
        title=credential.title,
        issuer=credential.issuer_name,
        issued_on=credential.issued_on,
        verdict=credential.verdict,
        expired=expired,
        revoked=revoked,
        hidden=credential.hidden,
        standing=standing_from(credential.verdict, report),
    )


def credential_page(credential: Credential, language: str) -> CredentialPage:
    """The detail page's view of ``credential`` in ``language`` ("pl" or "en")."""
    record = record_from_json(credential.record)
    report = report_from_json(credential.report)
    card = credential_card(credential)
    title = record.title.get(language) or card.title
    issuer = _first_body_name(record, language) or card.issuer
    return CredentialPage(
        card=replace(card, title=title, issuer=issuer),
        format=credential.format,
        media_type=credential.media_type,
        verified_at=credential.verified_at,
        description=record.description.get(language),
        criteria_narrative=record.criteria.narrative.get(language),
        criteria_url=safe_url(record.criteria.url),
        evidence=tuple(
            Link(e.name or e.url or "", safe_url(e.url), e.description) for e in record.evidence
        ),
        facts=facts_panel(record, language),
        eu_described=is_eu_described(assess_annex1(record)),
        checks=tuple(check_rows(report, language)),
        history=tuple(
            HistoryRow(run.ran_at, standing_from(run.verdict, report_from_json(run.report)))
            for run in reversed(credential.runs)
        ),
        note=credential.note,
    )


def check_rows(report: Report, language: str) -> list[CheckRow]:
    """The report's checks in ``language``, in the order they ran."""
    return [
        CheckRow(c.code, c.status, c.required, c.message.in_language(language), c.detail)
        for c in report.checks
    ]


def facts_panel(record: CredentialRecord, language: str) -> tuple[FactRow, ...]:
    """Annex I rows: every mandatory element (empty when missing) and each optional one given."""
    rows = []
    for element in ELEMENTS:
        # One line per value, however many times the credential states it.
        values = tuple(dict.fromkeys(_FACTS[element.code](record, language)))
        if values or element.mandatory:
            label = element.pl if language == "pl" else element.en
            rows.append(FactRow(element.code, label, element.mandatory, values))
    return tuple(rows)


_EMAIL_KINDS = frozenset({"email", "emailaddress", "http://schema.org/email"})


def _say(language: str, en: str, pl: str) -> str:
    return pl if language == "pl" else en


def _text(value: LocalizedText, language: str) -> list[Link]:
    found = value.get(language)
    return [Link(found)] if found else []


def _concept(value: Concept | None, language: str) -> list[Link]:
    if value is None:
        return []
    text = value.label.get(language) or value.uri or ""
    return [Link(text, safe_url(value.uri))] if text else []


def _first_body_name(record: CredentialRecord, language: str) -> str | None:
    return next((b.name.get(language) for b in record.awarding_bodies if b.name), None)


def _learner(r: CredentialRecord, lang: str) -> list[Link]:
    names = _text(r.learner.names, lang)
    ids = [_identifier(i.type, i.value, i.hashed, lang) for i in r.learner.identifiers]
    return names or ids


def _identifier(kind: str, value: str, hashed: bool, lang: str) -> Link:
    """The recipient as a person reads it: "you (did:key:…)", or what kind of hash it is."""
    email = kind.lower() in _EMAIL_KINDS or value.lower().startswith("mailto:")
    if hashed:
        if email:
            return Link(_say(lang, "you (an email address, hashed)", "Ty (adres e-mail, skrót)"))
        return Link(_say(lang, "you (an identifier, hashed)", "Ty (identyfikator, skrót)"))
    shown = value.removeprefix("mailto:")
    return Link(_say(lang, f"you ({shown})", f"Ty ({shown})"))


def _country(r: CredentialRecord, lang: str) -> list[Link]:
    places = [r.issuer_country, r.issuer_region, *(b.country for b in r.awarding_bodies)]
    return [Link(place) for place in dict.fromkeys(p for p in places if p)]


def _bodies(r: CredentialRecord, lang: str) -> list[Link]:
    return [
        Link(b.name.get(lang) or b.id or "", safe_url(b.url) or safe_url(b.id))
        for b in r.awarding_bodies
        if b.name or b.id
    ]


def _issued(r: CredentialRecord, lang: str) -> list[Link]:
    moment = r.issued_on or r.awarded_on
    return [Link(moment.date().isoformat())] if moment else []


def _outcomes(r: CredentialRecord, lang: str) -> list[Link]:
    """One line per outcome: its text, linked to its skill, the skill named aside when other."""
    links = []
    for outcome in r.learning_outcomes:
        text = outcome.text.get(lang)
        skill = outcome.skills[0] if outcome.skills else None
        if skill is None:
            links += [Link(text)] if text else []
            continue
        name = skill.label.get(lang) or skill.uri
        framework = _FRAMEWORK_NAMES.get(skill.framework)
        if text and text != name:
            aside = f"{name}, {framework}" if framework else name
            links.append(Link(text, safe_url(skill.uri), aside))
        else:
            links.append(Link(name, safe_url(skill.uri), framework))
        for extra in outcome.skills[1:]:
            label = extra.label.get(lang) or extra.uri
            links.append(Link(label, safe_url(extra.uri), _FRAMEWORK_NAMES.get(extra.framework)))
    return links


def _workload(r: CredentialRecord, lang: str) -> list[Link]:
    w = r.workload
    links = [Link(f"{w.ects:g} ECTS")] if w.ects is not None else []
    if w.hours is not None:
        links.append(Link(_say(lang, f"{w.hours:g} hours", f"{w.hours:g} godz.")))
    links += [Link(_amount(amount.value, amount.unit, lang)) for amount in w.other]
    return links + ([Link(w.note)] if w.note else [])


def _amount(value: float, unit: str, lang: str) -> str:
    """Credits with their type; Open Badges' own names turned into words."""
    if unit == "creditsAvailable":
        return _say(
            lang, f"{value:g} credits (system not stated)", f"{value:g} pkt (system nieokreślony)"
        )
    if unit == "creditsEarned":
        return _say(lang, f"{value:g} credits earned", f"{value:g} pkt uzyskanych")
    return f"{value:g} {unit}"


def _level(r: CredentialRecord, lang: str) -> list[Link]:
    level = r.level
    links = [Link(_say(lang, f"EQF {level.eqf}", f"ERK {level.eqf}"))] if level.eqf else []
    if level.nqf is not None:
        text = " ".join(part for part in (level.nqf.framework, level.nqf.level) if part)
        links.append(Link(text, safe_url(level.nqf.uri)))
    if level.qf_ehea_cycle is not None:
        cycle = level.qf_ehea_cycle
        links.append(Link(_say(lang, f"QF-EHEA cycle {cycle}", f"QF-EHEA, cykl {cycle}")))
    return links


def _participation(r: CredentialRecord, lang: str) -> list[Link]:
    return _concept(r.participation.mode, lang) + _concept(r.participation.setting, lang)


def _quality(r: CredentialRecord, lang: str) -> list[Link]:
    return [
        Link(q.label.get(lang) or q.type or q.agent or q.uri or "", safe_url(q.uri), q.agent)
        for q in r.quality_assurance
        if q.label or q.type or q.agent or q.uri
    ]


def _supervision(r: CredentialRecord, lang: str) -> list[Link]:
    return [Link(_say(lang, *_SUPERVISION[r.supervision]))] if r.supervision else []


def _grade(r: CredentialRecord, lang: str) -> list[Link]:
    return [Link(r.grade.value, aside=r.grade.scale)] if r.grade else []


def _stackability(r: CredentialRecord, lang: str) -> list[Link]:
    if r.stackability is None:
        return []
    mode = Link(_say(lang, *_STACKABILITY[r.stackability.mode]))
    return [mode, *(Link(t, safe_url(t)) for t in r.stackability.towards)]


def _further(r: CredentialRecord, lang: str) -> list[Link]:
    return [Link(u, safe_url(u)) for u in r.further_info.urls] + _text(r.further_info.notes, lang)


_FACTS: dict[str, Callable[[CredentialRecord, str], list[Link]]] = {
    "M1": _learner,
    "M2": lambda r, lang: _text(r.title, lang),
    "M3": _country,
    "M4": _bodies,
    "M5": _issued,
    "M6": _outcomes,
    "M7": _workload,
    "M8": _level,
    "M9": lambda r, lang: _concept(r.assessment, lang),
    "M10": _participation,
    "M11": _quality,
    "O1": lambda r, lang: _text(r.prerequisites, lang),
    "O2": _supervision,
    "O3": _grade,
    "O4": _stackability,
    "O5": _further,
}
