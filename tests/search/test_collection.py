"""A holder's in-memory collection: ranking, prefixes, facet counts, and the bounded cache."""

from __future__ import annotations

from datetime import UTC, datetime

from wallet.search import Facet, SearchHit, SearchQuery, SearchResults
from wallet.search.collection import FACETS, Collection, Collections, Entry
from wallet.search.text import terms
from wallet.verification.standing import Standing


def entry(
    credential_id: int,
    title: str,
    body: str = "",
    *,
    year: int = 2024,
    skills: tuple[str, ...] = (),
) -> Entry:
    issued = datetime(year, 1, 1, tzinfo=UTC)
    hit = SearchHit(credential_id, title, "Issuer", issued, Standing.VERIFIED)
    values = {Facet.SKILL: skills, Facet.YEAR: (str(year),), Facet.STATUS: ("verified",)}
    facets = tuple(values.get(facet, ()) for facet in FACETS)
    return Entry(hit, tuple(terms(title)), tuple(terms(body)), facets)


def ids(results: SearchResults) -> list[int]:
    return [hit.credential_id for hit in results.hits]


def counts(results: SearchResults, facet: Facet) -> dict[str, int]:
    [found] = [counted for counted in results.facets if counted.facet is facet]
    return {value.value: value.count for value in found.values}


def test_collection_title_match_ranks_above_body_match() -> None:
    collection = Collection(
        [entry(1, "Odznaka", "Kryptografia stosowana"), entry(2, "Kryptografia", "Odznaka")]
    )
    assert ids(collection.search(SearchQuery(7, "kryptografia"))) == [2, 1]


def test_collection_whole_word_ranks_above_longer_word_it_begins() -> None:
    collection = Collection([entry(1, "Pythonista"), entry(2, "Python")])
    assert ids(collection.search(SearchQuery(7, "python"))) == [2, 1]


def test_collection_equal_matches_come_newest_first() -> None:
    collection = Collection([entry(1, "Analiza", year=2020), entry(2, "Analiza", year=2023)])
    assert ids(collection.search(SearchQuery(7, "analiza"))) == [2, 1]


def test_collection_word_shorter_than_a_prefix_matches_whole_words_only() -> None:
    collection = Collection([entry(1, "Python"), entry(2, "Py")])
    assert ids(collection.search(SearchQuery(7, "py"))) == [2]


def test_collection_facet_counts_cover_matches_beyond_the_page() -> None:
    collection = Collection(
        [entry(n, "Kurs", skills=("SQL",) if n % 2 else ("SQL", "Excel")) for n in range(1, 31)]
        + [entry(99, "Inne", skills=("Excel",))]
    )
    results = collection.search(SearchQuery(7, "kurs"))
    assert (results.total, len(results.hits)) == (30, 20)
    assert counts(results, Facet.SKILL) == {"SQL": 30, "Excel": 15}


def test_collection_filters_and_words_must_all_hold() -> None:
    collection = Collection(
        [entry(1, "Kurs SQL", skills=("SQL",)), entry(2, "Kurs"), entry(3, "Warsztaty")]
    )
    query = SearchQuery(7, "kurs", ((Facet.SKILL, "SQL"),))
    assert ids(collection.search(query)) == [1]


def test_collections_other_version_is_not_returned() -> None:
    kept = Collections(max_entries=10)
    kept.put(1, Collection([entry(1, "Kurs")]), version=5)
    assert kept.get(1, version=6) is None
    assert kept.get(1, version=5) is not None


def test_collections_over_the_budget_drop_the_least_recently_searched() -> None:
    kept = Collections(max_entries=3)
    kept.put(1, Collection([entry(1, "A"), entry(2, "B")]))
    kept.put(2, Collection([entry(3, "C")]))
    assert kept.get(1) is not None  # owner 1 is now the most recently searched
    kept.put(3, Collection([entry(4, "D")]))
    assert (kept.get(1) is not None, kept.get(2), kept.get(3) is not None) == (True, None, True)


def test_collections_holding_finds_the_owner_of_a_credential() -> None:
    kept = Collections(max_entries=10)
    kept.put(1, Collection([entry(11, "A")]))
    kept.put(2, Collection([entry(12, "B")]))
    assert kept.holding([12, 40]) == {2}
