"""Which Annex I elements (Council Recommendation 2022/C 243/02) a credential record carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wallet.records import Annex1Summary, CredentialRecord


@dataclass(frozen=True)
class Annex1Element:
    """One element of Annex I with its plain-language name in English and Polish."""

    code: str
    mandatory: bool
    en: str
    pl: str


ELEMENTS: tuple[Annex1Element, ...] = (
    Annex1Element("M1", True, "Identification of the learner", "Identyfikacja osoby uczącej się"),
    Annex1Element("M2", True, "Title of the micro-credential", "Tytuł mikropoświadczenia"),
    Annex1Element("M3", True, "Country or region of the issuer", "Kraj lub region wystawcy"),
    Annex1Element("M4", True, "Awarding body", "Podmiot przyznający"),
    Annex1Element("M5", True, "Date of issuing", "Data wydania"),
    Annex1Element("M6", True, "Learning outcomes", "Efekty uczenia się"),
    Annex1Element("M7", True, "Notional workload (ECTS where possible)", "Nakład pracy (ECTS)"),
    Annex1Element("M8", True, "Level (EQF, QF-EHEA)", "Poziom (ERK, QF-EHEA)"),
    Annex1Element("M9", True, "Type of assessment", "Rodzaj oceny"),
    Annex1Element("M10", True, "Form of participation", "Forma uczestnictwa"),
    Annex1Element("M11", True, "Type of quality assurance", "Rodzaj zapewniania jakości"),
    Annex1Element("O1", False, "Prerequisites to enrol", "Warunki wstępne"),
    Annex1Element("O2", False, "Supervision and identity verification", "Nadzór i weryfikacja"),
    Annex1Element("O3", False, "Grade achieved", "Uzyskana ocena"),
    Annex1Element("O4", False, "Integration or stackability", "Możliwość łączenia"),
    Annex1Element("O5", False, "Further information", "Dodatkowe informacje"),
)

_PRESENT: dict[str, Callable[[CredentialRecord], bool]] = {
    "M1": lambda r: bool(r.learner.names or r.learner.identifiers),
    "M2": lambda r: bool(r.title),
    "M3": lambda r: bool(
        r.issuer_country or r.issuer_region or any(b.country for b in r.awarding_bodies)
    ),
    "M4": lambda r: any(b.name or b.id for b in r.awarding_bodies),
    "M5": lambda r: r.issued_on is not None or r.awarded_on is not None,
    "M6": lambda r: any(o.text or o.skills for o in r.learning_outcomes),
    "M7": lambda r: (
        r.workload.ects is not None
        or r.workload.hours is not None
        or bool(r.workload.other or r.workload.note)
    ),
    "M8": lambda r: (
        r.level.eqf is not None or r.level.nqf is not None or r.level.qf_ehea_cycle is not None
    ),
    "M9": lambda r: r.assessment is not None,
    "M10": lambda r: r.participation.mode is not None or r.participation.setting is not None,
    "M11": lambda r: bool(r.quality_assurance),
    "O1": lambda r: bool(r.prerequisites),
    "O2": lambda r: r.supervision is not None,
    "O3": lambda r: r.grade is not None,
    "O4": lambda r: r.stackability is not None,
    "O5": lambda r: bool(r.further_info.urls or r.further_info.notes),
}


def assess_annex1(record: CredentialRecord) -> Annex1Summary:
    """The Annex I elements present in ``record`` and the mandatory ones it lacks, in order."""
    present = tuple(element.code for element in ELEMENTS if _PRESENT[element.code](record))
    missing = tuple(
        element.code for element in ELEMENTS if element.mandatory and element.code not in present
    )
    return Annex1Summary(present=present, missing_mandatory=missing)


def is_eu_described(summary: Annex1Summary) -> bool:
    """Whether every mandatory Annex I element is present (the "EU-described" mark)."""
    return not summary.missing_mandatory
