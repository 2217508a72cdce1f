"""Polish and English text analysis: folding, stemming, what a query looks for."""

from __future__ import annotations

import pytest

from wallet.search.text import MAX_TERM, fold, query_terms, terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Zarządzanie", "zarzadzanie"), ("ŁÓDŹ", "lodz"), ("Straße", "strasse"), ("Café", "cafe")],
)
def test_fold_diacritics_and_case_are_removed(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("programowanie", "programowania"),
        ("programowaniem", "programowaniu"),
        ("zarządzanie", "zarzadzania"),
        ("umiejętności", "umiejętność"),
        ("kryptografia", "kryptografii"),
        ("kurs", "kursów"),
        ("komputerowe", "komputerowych"),
        ("management", "managing"),
        ("programming", "programs"),
        ("courses", "course"),
        ("teacher", "teaching"),
    ],
)
def test_terms_inflected_forms_share_a_stem(one: str, other: str) -> None:
    assert terms(one) == terms(other)


@pytest.mark.parametrize(("one", "other"), [("kurs", "kot"), ("analiza", "anatomia")])
def test_terms_different_words_keep_different_stems(one: str, other: str) -> None:
    assert terms(one) != terms(other)


def test_terms_punctuation_and_underscores_split_words() -> None:
    assert terms("SQL_Server, C++/Java") == ["sql", "serv", "c", "jav"]


def test_terms_over_long_token_is_dropped() -> None:
    assert terms("a" * (MAX_TERM + 1) + " python") == ["python"]


def test_query_terms_repeated_words_count_once() -> None:
    assert query_terms("Python python PYTHONA") == ["python"]
