"""Both search backends, through the same behaviour: words, owners, facets, commits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.support.search_data import store_credential, tag_credential
from wallet.accounts import delete_account
from wallet.db import Database
from wallet.models import Credential, Tag, User
from wallet.search import Facet, SearchIndex, SearchQuery, SearchResults
from wallet.search.documents import load_documents
from wallet.search.indexing import create_search_index, prepare_documents, reindex
from wallet.search.whoosh_index import WhooshIndex
from wallet.verification.report import Verdict
from wallet.verification.standing import Standing

Owner = Callable[[str], User]


def found(index: SearchIndex, user: User, text: str = "", **filters: str) -> list[int]:
    return [hit.credential_id for hit in run(index, user, text, **filters).hits]


def run(index: SearchIndex, user: User, text: str = "", **filters: str) -> SearchResults:
    pairs = tuple((Facet(name), value) for name, value in filters.items())
    return index.search(SearchQuery(user.id, text, pairs))


def facet_counts(results: SearchResults, facet: Facet) -> dict[str, int]:
    [counts] = [counts for counts in results.facets if counts.facet is facet]
    return {value.value: value.count for value in counts.values}


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Programowanie w Pythonie", "programowania"),
        ("Kurs programowania obiektowego", "programowanie"),
        ("Zarządzanie projektami", "zarzadzanie"),
        ("Zarzadzanie zespolem", "zarządzania"),
        ("Bezpieczeństwo sieci", "BEZPIECZENSTWA"),
        ("Data management", "managing"),
        ("Teaching digital skills", "teacher skill"),
        ("Python basics", "pyth"),
    ],
)
def test_search_word_form_finds_the_stored_form(
    index: SearchIndex, session: Session, owner: Owner, stored: str, query: str
) -> None:
    ola = owner("ola")
    wanted = store_credential(session, ola.id, stored)
    store_credential(session, ola.id, "Pierwsza pomoc")
    session.commit()
    assert found(index, ola, query) == [wanted.id]


@pytest.mark.parametrize(
    "field",
    ["description", "criteria", "issuer", "skills", "tags", "note"],
)
def test_search_text_in_each_field_is_found(
    index: SearchIndex, session: Session, owner: Owner, field: str
) -> None:
    ola = owner("ola")
    text = "Kryptografia"
    values: dict[str, object] = {
        "skills": (text,),
        "tags": (text,),
    }
    wanted = store_credential(session, ola.id, "Odznaka", **{field: values.get(field, text)})  # type: ignore[arg-type]
    store_credential(session, ola.id, "Inna odznaka")
    session.commit()
    assert found(index, ola, "kryptografii") == [wanted.id]


def test_search_two_owners_never_see_each_other(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola, jan = owner("ola"), owner("jan")
    olas = store_credential(session, ola.id, "Analiza danych", tags=("praca",))
    jans = store_credential(session, jan.id, "Analiza danych", tags=("praca",))
    session.commit()
    assert found(index, ola, "analiza") == [olas.id]
    assert found(index, jan, "") == [jans.id]
    assert facet_counts(run(index, ola), Facet.TAG) == {"praca": 1}


def test_search_all_words_must_match(index: SearchIndex, session: Session, owner: Owner) -> None:
    ola = owner("ola")
    both = store_credential(session, ola.id, "Analiza danych w Pythonie")
    store_credential(session, ola.id, "Analiza rynku")
    session.commit()
    assert found(index, ola, "analiza python") == [both.id]


def test_search_facets_count_every_match_and_filters_narrow(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    first = store_credential(
        session,
        ola.id,
        "Programowanie",
        issuer="Uczelnia A",
        skills=("Python", "SQL"),
        tags=("praca",),
        eqf=6,
        issued_on=datetime(2023, 5, 1, tzinfo=UTC),
    )
    second = store_credential(
        session,
        ola.id,
        "Programowanie webowe",
        issuer="Uczelnia B",
        skills=("Python",),
        verdict=Verdict.FAILED,
        issued_on=datetime(2024, 5, 1, tzinfo=UTC),
    )
    session.commit()
    everything = run(index, ola, "programowanie")
    assert everything.total == 2
    assert facet_counts(everything, Facet.ISSUER) == {"Uczelnia A": 1, "Uczelnia B": 1}
    assert facet_counts(everything, Facet.SKILL) == {"Python": 2, "SQL": 1}
    assert facet_counts(everything, Facet.LEVEL) == {"EQF 6": 1}
    assert facet_counts(everything, Facet.YEAR) == {"2023": 1, "2024": 1}
    assert facet_counts(everything, Facet.STATUS) == {"verified": 1, "failed": 1}
    assert facet_counts(everything, Facet.TAG) == {"praca": 1}
    assert found(index, ola, "programowanie", skill="SQL") == [first.id]
    assert found(index, ola, "", status="failed") == [second.id]
    assert found(index, ola, "", year="2023", issuer="Uczelnia A") == [first.id]
    assert found(index, ola, "", year="2023", issuer="Uczelnia B") == []
    assert found(index, ola, "", year="not-a-year") == []


def test_search_without_words_lists_newest_first_in_pages(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    ids = [
        store_credential(
            session, ola.id, f"Odznaka {n}", issued_on=datetime(2000 + n, 1, 1, tzinfo=UTC)
        ).id
        for n in range(1, 26)
    ]
    session.commit()
    first = index.search(SearchQuery(ola.id))
    second = index.search(SearchQuery(ola.id, page=2))
    assert first.total == 25 and first.pages == 2
    assert [hit.credential_id for hit in first.hits] == ids[::-1][:20]
    assert [hit.credential_id for hit in second.hits] == ids[::-1][20:]


def test_search_hit_carries_title_issuer_date_and_verdict(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    issued = datetime(2024, 3, 1, tzinfo=UTC)
    stored = store_credential(
        session, ola.id, "Łódź", issuer="Urząd", issued_on=issued, verdict=Verdict.UNVERIFIABLE
    )
    session.commit()
    [hit] = run(index, ola, "lodz").hits
    assert (hit.credential_id, hit.title, hit.issuer) == (stored.id, "Łódź", "Urząd")
    assert (hit.issued_on, hit.verdict) == (issued, Standing.UNVERIFIABLE)


def test_indexing_commit_adds_and_delete_removes(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    stored = store_credential(session, ola.id, "Rachunkowość")
    assert found(index, ola, "rachunkowosc") == []  # flushed, not committed
    session.commit()
    assert found(index, ola, "rachunkowosc") == [stored.id]
    session.delete(stored)
    session.commit()
    assert found(index, ola, "rachunkowosc") == []


def test_indexing_rollback_indexes_nothing(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    store_credential(session, ola.id, "Rachunkowość")
    session.rollback()
    store_credential(session, ola.id, "Statystyka")
    session.commit()
    assert found(index, ola, "rachunkowosc") == []
    assert run(index, ola).total == 1


def test_indexing_changed_note_and_verdict_are_searched_after_commit(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    stored = store_credential(session, ola.id, "Odznaka")
    session.commit()
    stored.note = "Zdobyta na hackathonie"
    stored.verdict = Verdict.FAILED
    session.commit()
    assert found(index, ola, "hackathon", status="failed") == [stored.id]


def test_indexing_tag_added_renamed_and_deleted_follows_the_tags(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    stored = store_credential(session, ola.id, "Odznaka")
    session.commit()
    tag = tag_credential(session, stored, "wolontariat")
    session.commit()
    assert found(index, ola, "", tag="wolontariat") == [stored.id]
    tag.name = "praca"
    session.commit()
    assert found(index, ola, "", tag="praca") == [stored.id]
    session.delete(session.get(Tag, tag.id))
    session.commit()
    assert facet_counts(run(index, ola), Facet.TAG) == {}


def test_indexing_deleted_account_leaves_no_documents(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola, jan = owner("ola"), owner("jan")
    store_credential(session, ola.id, "Odznaka")
    kept = store_credential(session, jan.id, "Odznaka")
    session.commit()
    delete_account(session, ola, password="correct horse battery")
    session.commit()
    assert run(index, ola).total == 0
    assert found(index, jan) == [kept.id]


def test_indexing_bulk_delete_by_owner_removes_their_documents(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola, jan = owner("ola"), owner("jan")
    store_credential(session, ola.id, "Odznaka")
    kept = store_credential(session, jan.id, "Odznaka")
    session.commit()
    session.execute(delete(Credential).where(Credential.user_id == ola.id))
    session.commit()
    assert run(index, ola).total == 0
    assert found(index, jan) == [kept.id]


def test_reindex_rebuilds_every_document_from_the_database(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    stored = store_credential(session, ola.id, "Geografia")
    session.commit()
    index.rebuild(session, [])
    session.commit()
    assert found(index, ola, "geografia") == []
    assert reindex(session, index) == 1
    session.commit()
    assert found(index, ola, "geografia") == [stored.id]
    assert session.scalars(select(Credential.id)).all() == [stored.id]


@pytest.fixture
def other_worker(backend: str, search_database: Database, tmp_path: Path) -> Iterator[SearchIndex]:
    """A second index on the same storage, as another worker process holds it."""
    other = create_search_index(
        backend.split("-")[1], tmp_path / "search", search_database.sessions
    )
    yield other
    if isinstance(other, WhooshIndex):
        other.close()


def test_search_commit_by_another_worker_is_seen(
    index: SearchIndex, other_worker: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    first = store_credential(session, ola.id, "Analiza danych")
    session.commit()
    assert found(other_worker, ola, "analiza") == [first.id]  # read and kept in memory
    second = store_credential(session, ola.id, "Analiza rynku")
    session.delete(first)
    session.commit()
    assert found(other_worker, ola, "analiza") == [second.id]


def test_search_rebuild_by_another_worker_is_seen(
    index: SearchIndex, other_worker: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    store_credential(session, ola.id, "Geografia")
    session.commit()
    assert run(other_worker, ola).total == 1
    index.rebuild(session, [])
    session.commit()
    assert run(other_worker, ola).total == 0


def test_search_commit_for_one_holder_keeps_the_other_current(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola, jan = owner("ola"), owner("jan")
    olas = store_credential(session, ola.id, "Statystyka")
    store_credential(session, jan.id, "Statystyka")
    session.commit()
    assert found(index, ola, "statystyka") == [olas.id]
    jans = store_credential(session, jan.id, "Statystyka opisowa")
    session.commit()
    assert found(index, ola, "statystyka") == [olas.id]
    assert len(found(index, jan, "statystyka")) == 2 and jans.id in found(index, jan, "opisowa")


def test_search_hidden_credential_is_not_found_until_shown_again(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    secret = store_credential(session, ola.id, "Kryptografia dla hobbystów")
    shown = store_credential(session, ola.id, "Kryptografia stosowana")
    session.commit()
    secret.hidden = True
    session.commit()
    assert found(index, ola, "kryptografia") == [shown.id]
    assert sum(facet_counts(run(index, ola), Facet.STATUS).values()) == 1
    reindex(session, index)
    assert found(index, ola, "kryptografia") == [shown.id]
    again = session.get(Credential, secret.id)
    assert again is not None
    again.hidden = False
    session.commit()
    assert sorted(found(index, ola, "kryptografia")) == sorted([secret.id, shown.id])


def test_a_bulk_writers_prepared_document_is_found_and_a_later_change_replaces_it(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    credential = store_credential(session, ola.id, "Kryptografia stosowana")
    prepare_documents(session, load_documents(session, [credential.id]))
    session.commit()
    assert found(index, ola, "kryptografii") == [credential.id]
    credential.note = "Zaliczone z wyróżnieniem"
    session.commit()
    assert found(index, ola, "wyroznieniem") == [credential.id]
    assert run(index, ola).total == 1
