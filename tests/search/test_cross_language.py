"""Cross-language search: a Polish word finds the English credential of the same concept."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from tests.support.search_data import store_credential
from wallet.models import User
from wallet.search import SearchIndex, SearchQuery
from wallet.search.concepts import concept_labels, labels_for

Owner = Callable[[str], User]
ESCO_DIGITAL_CONTENT = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
DATABASES = "urn:example:concept:databases"


def found(index: SearchIndex, user: User, text: str) -> list[int]:
    return [hit.credential_id for hit in index.search(SearchQuery(user.id, text)).hits]


def test_search_polish_words_find_english_credential_by_its_skills_own_labels(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    databases = store_credential(
        session,
        ola.id,
        "Databases",
        description="An introduction to relational data.",
        concepts=((DATABASES, {"en": "databases", "pl": "bazy danych"}),),
    )
    kurs = store_credential(
        session,
        ola.id,
        "Kurs SQL",
        concepts=((DATABASES, {"pl": "bazy danych", "en": "databases"}),),
    )
    store_credential(session, ola.id, "First aid", description="Emergency care.")
    session.commit()
    assert sorted(found(index, ola, "bazy danych")) == sorted([databases.id, kurs.id])
    # The skill's label in its other language is indexed too, not only the first one.
    assert sorted(found(index, ola, "database")) == sorted([databases.id, kurs.id])


def test_search_polish_words_find_english_credential_through_bundled_esco_labels(
    index: SearchIndex, session: Session, owner: Owner
) -> None:
    ola = owner("ola")
    content = store_credential(
        session,
        ola.id,
        "Web content creation",
        concepts=((ESCO_DIGITAL_CONTENT, {"en": "develop digital content"}),),
    )
    store_credential(session, ola.id, "Digital safety", description="Protecting devices.")
    session.commit()
    assert found(index, ola, "treści cyfrowych") == [content.id]


def test_concept_labels_bundled_vocabulary_gives_english_and_polish() -> None:
    assert concept_labels()
    assert labels_for([ESCO_DIGITAL_CONTENT]) == (
        "develop digital content",
        "tworzenie treści cyfrowych",
    )
    assert labels_for(["urn:unknown"]) == ()
