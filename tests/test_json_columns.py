"""JSON columns keep every value a credential may hold, as text any JSON reader reads alike."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from tests.support.search_data import store_credential
from wallet.db import Database, encoded_json, json_text
from wallet.models import Credential, User

UNUSUAL = {
    "big": 2**70,
    "negative": -(2**64),
    "text": "Zażółć gęślą jaźń \u2028 \U0001f393",
    "float": 0.1,
    "nested": [[1, None, True], {"": "empty key"}],
}


def test_json_text_writes_what_the_standard_library_reads_back() -> None:
    assert json.loads(json_text(UNUSUAL)) == UNUSUAL
    assert json.loads(json_text({1: "a", "b": 2})) == {"1": "a", "b": 2}


def test_a_record_with_unusual_values_comes_back_unchanged(
    database: Database, db_session: Session, make_user: Callable[..., User]
) -> None:
    credential = store_credential(db_session, make_user().id, "Odznaka")
    credential.linked = {"urn:example": UNUSUAL}
    credential.report = [UNUSUAL]
    db_session.commit()
    with database.sessions() as session:
        stored = session.get_one(Credential, credential.id)
        assert (stored.linked, stored.report) == ({"urn:example": UNUSUAL}, [UNUSUAL])
        raw = session.execute(
            text("SELECT CAST(report AS TEXT) FROM credentials WHERE id = :id"),
            {"id": credential.id},
        ).scalar_one()
    assert json.loads(raw) == [UNUSUAL]


def test_encoded_json_is_stored_as_it_was_encoded(
    database: Database, db_session: Session, make_user: Callable[..., User]
) -> None:
    credential = store_credential(db_session, make_user().id, "Odznaka")
    db_session.commit()
    with database.sessions() as session:
        session.execute(
            update(Credential)
            .where(Credential.id == credential.id)
            .values(report=encoded_json([UNUSUAL]))
        )
        session.commit()
        assert session.get_one(Credential, credential.id).report == [UNUSUAL]
    assert json_text(encoded_json(UNUSUAL)) == json_text(UNUSUAL)
