"""The pathway pages: templates, readiness, suggestions, the builder, import and export."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.portfolio import add_credential
from tests.support.web import FormClient
from wallet.models import HolderPathway, MatchDecision, PathwayDecision, User

DATA = Path(__file__).parent.parent / "data" / "pathways"
DIGCOMP_41 = {
    "type": ["Alignment"],
    "targetName": "DigComp 4.1 Ochrona urządzeń, poziom 4",
    "targetUrl": "http://data.europa.eu/snb/dcf/example-4-1",
    "targetFramework": "DigComp 2.2",
}


def _follow(client: FormClient, key: str) -> str:
    response = client.submit(f"/pathways/templates/{key}")
    assert response.status_code == 302
    return response.headers["Location"]


def _pathway(db_session: Session, user: User) -> HolderPathway:
    db_session.commit()  # end the read snapshot so the app's writes show
    db_session.expire_all()
    return db_session.scalars(select(HolderPathway).where(HolderPathway.user_id == user.id)).one()


def test_digcomp_template_shows_counting_badge_and_what_is_missing(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    add_credential(db_session, ola.id, {"alignment": [DIGCOMP_41]}, title="Bezpieczeństwo urządzeń")
    login_as(ola)
    listing = client.get("/pathways").get_data(as_text=True)
    assert "DigComp 2.2" in listing
    page = client.get(_follow(client, "digcomp-2.2")).get_data(as_text=True)
    assert "Bezpieczeństwo urządzeń" in page
    assert "Tylko instytucja uprawniona nadaje kwalifikację" in page
    assert page.count("Brakuje:") == 20
    assert "4.1" in page


def test_following_a_template_twice_is_refused(
    client: FormClient, make_user: Callable[..., User], login_as: Callable[[User], None]
) -> None:
    login_as(make_user())
    _follow(client, "esco-data-analyst")
    again = client.submit("/pathways/templates/esco-data-analyst", follow_redirects=True)
    assert "Już śledzisz tę ścieżkę." in again.get_data(as_text=True)
    assert client.submit("/pathways/templates/nope").status_code == 404


def test_text_suggestion_counts_only_after_confirmation_and_is_labelled(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    credential_id = add_credential(
        db_session, ola.id, {"description": "Ocena jakość danych w arkuszu."}, title="Dane"
    )
    login_as(ola)
    detail = _follow(client, "zsk-analityk-danych")
    page = client.get(detail).get_data(as_text=True)
    assert "Potwierdź" in page
    stored = _pathway(db_session, ola)
    response = client.submit(
        f"/pathways/{stored.id}/decisions",
        {"leaf_id": "z1-e2", "credential_id": credential_id, "decision": "confirm"},
    )
    assert response.status_code == 302
    db_session.commit()
    decision = db_session.scalars(select(PathwayDecision)).one()
    assert (decision.leaf_id, decision.decision) == ("z1-e2", MatchDecision.CONFIRMED)
    page = client.get(detail).get_data(as_text=True)
    assert "Dopasowane przez posiadacza" in page


def test_decision_on_an_automatic_requirement_is_refused(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    credential_id = add_credential(db_session, ola.id, title="X")
    login_as(ola)
    _follow(client, "credits-postgraduate")
    stored = _pathway(db_session, ola)
    client.submit(
        f"/pathways/{stored.id}/decisions",
        {"leaf_id": "python", "credential_id": credential_id, "decision": "confirm"},
    )
    db_session.commit()
    assert db_session.scalars(select(PathwayDecision)).all() == []


def test_holder_builds_zsk_style_pathway_and_exports_it(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    login_as(ola)
    created = client.submit(
        "/pathways/new",
        {
            "title_pl": "Moja kwalifikacja",
            "title_en": "My qualification",
            "prk_level": "4",
            "group_kind": "all_of",
            "group_label_pl": "Wszystkie zestawy",
            "label_pl": "Zestaw 1: SQL",
            "match": "tag",
            "value": "SQL",
            "credential_id": "0",
            "skill": "",
            "framework": "",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    stored = _pathway(db_session, ola)
    added = client.submit(
        f"/pathways/{stored.id}/requirements",
        {
            "parent": "root",
            "group_kind": "at_least_n",
            "group_label_pl": "Zestaw 2",
            "n": "1",
            "label_pl": "Efekt: analiza danych",
            "match": "lo_text",
            "value": "analiza danych",
            "credential_id": "0",
            "skill": "",
            "framework": "",
        },
    )
    assert added.status_code == 302
    exported = client.get(f"/pathways/{stored.id}/export")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(exported.data)
    assert document["format"] == "plecak-pathway/1"
    assert document["level"] == {"eqf": 4, "prk": 4}
    kinds = [child["type"] for child in document["root"]["children"]]
    assert kinds == ["leaf", "at_least_n"]
    assert document["root"]["children"][1]["children"][0]["match"] == [
        {"type": "lo_text", "value": "analiza danych"}
    ]


def test_builder_threshold_and_remove(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    login_as(ola)
    _follow(client, "esco-data-analyst")
    stored = _pathway(db_session, ola)
    assert (
        client.submit(
            f"/pathways/{stored.id}/threshold", {"node_id": "skills", "value": "3"}
        ).status_code
        == 302
    )
    assert _pathway(db_session, ola).document["root"]["n"] == 3
    too_many = client.submit(
        f"/pathways/{stored.id}/threshold",
        {"node_id": "skills", "value": "9"},
        follow_redirects=True,
    )
    assert _pathway(db_session, ola).document["root"]["n"] == 3
    assert too_many.status_code == 200
    client.submit(f"/pathways/{stored.id}/requirements/remove", {"node_id": "esco-sql"})
    ids = [c["id"] for c in _pathway(db_session, ola).document["root"]["children"]]
    assert "esco-sql" not in ids and len(ids) == 6
    assert client.get(f"/pathways/{stored.id}/edit").status_code == 200


def test_import_ctdl_pathway_and_see_progress(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    sql = {
        "type": ["Alignment"],
        "targetName": "SQL",
        "targetUrl": "https://courses.example/sql-basics",
    }
    add_credential(db_session, ola.id, {"alignment": [sql]}, title="Kurs SQL")
    login_as(ola)
    data = (DATA / "ctdl_data_literacy.json").read_bytes()
    response = client.submit(
        "/pathways/import",
        {"document": (io.BytesIO(data), "pathway.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ścieżka: umiejętność pracy z danymi" in page
    assert "Kurs SQL" in page


def test_bad_pathway_file_names_the_field_and_stores_nothing(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    login_as(ola)
    document = json.loads((DATA / "ctdl_data_literacy.json").read_text())
    document["@graph"][1]["ceterms:hasCondition"][0]["ceterms:requiredNumber"] = 7
    response = client.submit(
        "/pathways/import",
        {"document": (io.BytesIO(json.dumps(document).encode()), "bad.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "ceterms:requiredNumber" in response.get_data(as_text=True)
    db_session.commit()
    assert db_session.scalars(select(HolderPathway)).all() == []


def test_deleting_a_credential_recomputes_progress_and_drops_decisions(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    credential_id = add_credential(db_session, ola.id, title="Wybrany kurs")
    login_as(ola)
    detail = _follow(client, "credits-postgraduate")
    stored = _pathway(db_session, ola)
    client.submit(
        f"/pathways/{stored.id}/decisions",
        {"leaf_id": "data-text", "credential_id": credential_id, "decision": "confirm"},
    )
    assert "Wybrany kurs" in client.get(detail).get_data(as_text=True)
    client.submit(f"/credentials/{credential_id}/delete")
    assert "Wybrany kurs" not in client.get(detail).get_data(as_text=True)
    db_session.commit()
    assert db_session.scalars(select(PathwayDecision)).all() == []


def test_schema_is_published(client: FormClient) -> None:
    schema = client.get("/pathways/schema.json").get_json()
    assert schema["properties"]["format"] == {"const": "plecak-pathway/1"}


def test_stop_following_removes_the_pathway(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    ola = make_user()
    login_as(ola)
    _follow(client, "digcomp-2.2")
    stored = _pathway(db_session, ola)
    client.submit(f"/pathways/{stored.id}/cv")
    assert _pathway(db_session, ola).on_cv
    client.submit(f"/pathways/{stored.id}/delete")
    db_session.commit()
    assert db_session.scalars(select(HolderPathway)).all() == []
