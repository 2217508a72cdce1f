"""A search document analyses its words once, where it is made, and keeps them when stored."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import UTC, datetime

from wallet.search import Facet, SearchDocument
from wallet.search.text import terms
from wallet.verification.standing import Standing


def document(**values: object) -> SearchDocument:
    fields: dict[str, object] = {
        "credential_id": 0,
        "user_id": 0,
        "title": "Zarządzanie projektami",
        "issuer": "Politechnika Przykładowa",
        "issued_on": datetime(2024, 3, 1, tzinfo=UTC),
        "verdict": Standing.VERIFIED,
        "skills": ("Planowanie",),
        "other_titles": "Project management",
        **values,
    }
    return SearchDocument(**fields)  # type: ignore[arg-type]


def test_words_are_the_analysed_title_and_body() -> None:
    made = document(description="Kurs programowania", tags=("praca",))
    assert made.title_terms == " ".join(terms("Zarządzanie projektami\nProject management"))
    assert made.body_terms.split() == terms(
        "Kurs programowania\nPolitechnika Przykładowa\nPlanowanie\npraca"
    )


def test_stored_as_changes_only_the_ids() -> None:
    made = document()
    stored = made.stored_as(12, 3)
    assert stored == replace(made, credential_id=12, user_id=3)
    assert (stored.title_terms, stored.body_terms) == (made.title_terms, made.body_terms)
    assert (made.credential_id, made.user_id) == (0, 0)


def test_a_document_sent_to_another_process_keeps_its_words() -> None:
    made = document()
    sent = pickle.loads(pickle.dumps(made))
    assert (sent.title_terms, sent.body_terms) == (made.title_terms, made.body_terms)


def test_facet_values_of_each_facet() -> None:
    made = document(level="EQF 5", tags=("praca", "kurs"))
    assert {facet: made.facet_values(facet) for facet in Facet} == {
        Facet.ISSUER: ("Politechnika Przykładowa",),
        Facet.SKILL: ("Planowanie",),
        Facet.LEVEL: ("EQF 5",),
        Facet.YEAR: ("2024",),
        Facet.STATUS: ("verified",),
        Facet.TAG: ("praca", "kurs"),
    }
    bare = document(issuer="", skills=(), issued_on=None)
    assert [bare.facet_values(facet) for facet in (Facet.ISSUER, Facet.LEVEL, Facet.YEAR)] == [
        (),
        (),
        (),
    ]
