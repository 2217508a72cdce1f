"""The search page: words, facets, two owners, and search kept in step by other pages."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.search_data import store_credential
from tests.support.web import FormClient
from wallet.models import Credential, User
from wallet.verification.report import Verdict

ENGLISH = {"Accept-Language": "en"}
Login = Callable[[User], None]


def search_page(client: FormClient, query: str) -> str:
    response = client.get(f"/search?{query}", headers=ENGLISH)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def status_text(body: str) -> str:
    match = re.search(r'<p role="status" class="search-count">(.*?)</p>', body, re.S)
    assert match is not None
    return match.group(1).strip()


def test_search_page_anonymous_visitor_is_sent_to_log_in(client: FormClient) -> None:
    response = client.get("/search?q=python")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_page_words_show_matches_with_count_issuer_and_verdict(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola = make_user()
    store_credential(
        db_session,
        ola.id,
        "Zarządzanie projektami",
        issuer="Uczelnia Łódzka",
        verdict=Verdict.FAILED,
    )
    store_credential(db_session, ola.id, "Pierwsza pomoc")
    db_session.commit()
    login_as(ola)
    body = search_page(client, "q=zarzadzania")
    assert status_text(body) == "1 credential found."
    assert "Zarządzanie projektami" in body and "Uczelnia Łódzka" in body
    assert "Failed verification" in body and "Pierwsza pomoc" not in body


def test_search_page_other_holders_credentials_are_never_shown(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola, jan = make_user(), make_user(email="jan@example.org", name="Jan")
    store_credential(db_session, jan.id, "Tajny kurs Jana", tags=("prywatne",))
    store_credential(db_session, ola.id, "Kurs Oli")
    db_session.commit()
    login_as(ola)
    body = search_page(client, "q=kurs")
    assert status_text(body) == "1 credential found."
    assert "Tajny kurs Jana" not in body and "prywatne" not in body
    assert "Tajny kurs Jana" not in search_page(client, "tag=prywatne")


def test_search_page_facet_link_narrows_and_remove_link_widens(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola = make_user()
    store_credential(db_session, ola.id, "Analiza danych", skills=("SQL",))
    store_credential(db_session, ola.id, "Analiza rynku", skills=("Excel",))
    db_session.commit()
    login_as(ola)
    body = search_page(client, "q=analiza")
    assert status_text(body) == "2 credentials found."
    narrow = re.search(r'href="(/search\?[^"]*skill=SQL[^"]*)"', body)
    assert narrow is not None
    narrowed = search_page(client, narrow.group(1).replace("&amp;", "&").split("?", 1)[1])
    assert status_text(narrowed) == "1 credential found."
    assert "Analiza danych" in narrowed and "Analiza rynku" not in narrowed
    assert 'aria-current="true"' in narrowed


def test_search_page_unknown_filter_and_bad_page_are_ignored(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola = make_user()
    store_credential(db_session, ola.id, "Analiza danych")
    db_session.commit()
    login_as(ola)
    body = search_page(client, "q=analiza&colour=red&page=abc")
    assert status_text(body) == "1 credential found."


def test_search_page_credential_deleted_through_its_page_is_gone(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola = make_user()
    stored = store_credential(db_session, ola.id, "Rachunkowość", tags=("finanse",))
    db_session.commit()
    login_as(ola)
    assert status_text(search_page(client, "q=rachunkowosc")) == "1 credential found."
    response = client.submit(f"/credentials/{stored.id}/delete", {})
    assert response.status_code == 302
    assert db_session.scalars(select(Credential.id)).all() == []
    assert status_text(search_page(client, "q=rachunkowosc")) == "No credentials found."


def test_search_page_note_saved_through_its_page_is_searchable(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola = make_user()
    stored = store_credential(db_session, ola.id, "Odznaka")
    db_session.commit()
    login_as(ola)
    response = client.submit(f"/credentials/{stored.id}/note", {"note": "Zdobyta na hackathonie"})
    assert response.status_code == 302
    body = search_page(client, "q=hackathon")
    assert status_text(body) == "1 credential found." and "Odznaka" in body


def test_search_page_hostile_title_is_shown_as_text(
    client: FormClient, db_session: Session, make_user: Callable[..., User], login_as: Login
) -> None:
    ola = make_user()
    store_credential(db_session, ola.id, "<script>alert(1)</script> Kurs", skills=("<b>x</b>",))
    db_session.commit()
    login_as(ola)
    body = search_page(client, "q=kurs")
    assert "<script>alert(1)</script>" not in body and "<b>x</b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Kurs" in body
