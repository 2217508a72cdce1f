"""The search page says why each result matched, also across languages."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from tests.support.search_data import store_credential
from tests.support.web import FormClient
from wallet.models import User

ESCO_DIGITAL_CONTENT = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"


def test_search_page_polish_words_find_english_credential_and_show_the_matching_skill(
    client: FormClient,
    db_session: Session,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
) -> None:
    ola = make_user()
    store_credential(
        db_session,
        ola.id,
        "Databases",
        concepts=(("urn:example:databases", {"en": "databases", "pl": "bazy danych"}),),
    )
    store_credential(
        db_session,
        ola.id,
        "Web content creation",
        description="Build pages.\nPublish them.",
        concepts=((ESCO_DIGITAL_CONTENT, {"en": "develop digital content"}),),
    )
    store_credential(db_session, ola.id, "First aid")
    db_session.commit()
    login_as(ola)
    english = {"Accept-Language": "en"}
    body = client.get("/search?q=bazy+danych", headers=english).get_data(as_text=True)
    assert "Databases" in body and "First aid" not in body
    assert '<span class="match-field">Skill:</span> bazy danych' in body
    body = client.get("/search?q=tre%C5%9Bci+cyfrowych", headers=english).get_data(as_text=True)
    assert "Web content creation" in body and "Databases" not in body
    assert '<span class="match-field">Skill:</span> tworzenie treści cyfrowych' in body
    body = client.get("/search?q=publish", headers=english).get_data(as_text=True)
    assert '<span class="match-field">Description:</span> Publish them.' in body
