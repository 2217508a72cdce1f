"""Storing credentials: import, duplicates, nothing half-stored, re-verify, re-derive."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import make_issuer
from wallet import importing
from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError, NotFoundError
from wallet.fetching import SafeFetcher
from wallet.holder import credentials
from wallet.models import Credential, ItemOutcome, User, VerificationRun
from wallet.verification.context import VerificationContext
from wallet.verification.report import Verdict

AT = datetime(2026, 6, 1, tzinfo=UTC)


def context(recipients: frozenset[str] = frozenset()) -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True), at=AT, recipients=recipients, web_scheme="http"
    )


def signed_badge(suite: str = "eddsa-rdfc-2022", **changes: object) -> bytes:
    issuer = TestIssuer.generate()
    credential = achievement_credential(issuer.did, **changes)  # type: ignore[arg-type]
    return json.dumps(issuer.sign(credential, suite)).encode()


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_import_bytes_valid_credential_is_stored_verbatim_with_its_report(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    data = signed_badge()
    [result] = credentials.import_bytes(db_session, user.id, data, "badge.json", context())
    db_session.commit()
    assert result.outcome is ItemOutcome.IMPORTED and result.verdict is Verdict.VERIFIED
    stored = db_session.get(Credential, result.credential_id)
    assert stored is not None
    assert stored.raw == data and stored.content_hash == credentials.content_hash(data)
    assert stored.title == "Data Literacy" and stored.issuer_name == "Politechnika Przykładowa"
    assert {check["code"] for check in stored.report} >= {"proof", "issuer_binding", "expiry"}
    assert count(db_session, VerificationRun) == 1


def test_import_bytes_same_credential_twice_changes_nothing(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    data = signed_badge()
    credentials.import_bytes(db_session, user.id, data, "badge.json", context())
    db_session.commit()
    [again] = credentials.import_bytes(db_session, user.id, data, "copy.json", context())
    db_session.commit()
    assert again.outcome is ItemOutcome.DUPLICATE
    assert count(db_session, Credential) == 1 and count(db_session, VerificationRun) == 1


def test_import_bytes_same_credential_for_two_users_is_stored_twice(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    data = signed_badge()
    for email in ("a@example.org", "b@example.org"):
        user = make_user(email=email)
        [result] = credentials.import_bytes(db_session, user.id, data, "b.json", context())
        assert result.outcome is ItemOutcome.IMPORTED
    db_session.commit()
    assert count(db_session, Credential) == 2


def test_import_bytes_tampered_credential_is_stored_as_failed(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    document = json.loads(signed_badge())
    document["name"] = "Changed"
    [result] = credentials.import_bytes(
        db_session, user.id, json.dumps(document).encode(), "t.json", context()
    )
    assert result.verdict is Verdict.FAILED


def test_import_bytes_unreadable_file_raises_and_stores_nothing(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    credentials.import_bytes(db_session, user.id, signed_badge(), "ok.json", context())
    db_session.commit()
    with pytest.raises(CredentialFormatError):
        credentials.import_bytes(db_session, user.id, b"\x00not a credential", "x.bin", context())
    db_session.rollback()
    assert count(db_session, Credential) == 1


def test_import_bytes_hosted_badge_keeps_linked_documents_for_the_record(
    db_session: Session, make_user: Callable[..., User], http_server: LocalServer
) -> None:
    issuer = make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))
    assertion = issuer.assertion()
    issuer.host(assertion)
    user = make_user()
    [result] = credentials.import_bytes(
        db_session,
        user.id,
        json.dumps(assertion).encode(),
        "a.json",
        context(frozenset({"alice@example.org"})),
    )
    stored = db_session.get(Credential, result.credential_id)
    assert stored is not None and result.verdict is Verdict.VERIFIED
    assert issuer.badge_url in stored.linked
    assert stored.title == issuer.badge_class["name"]


def test_reverify_credential_adds_a_run_to_the_history(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    [result] = credentials.import_bytes(db_session, user.id, signed_badge(), "b.json", context())
    stored = credentials.get_credential(db_session, user.id, result.credential_id or 0)
    later = VerificationContext(fetcher=SafeFetcher(), at=datetime(2031, 1, 1, tzinfo=UTC))
    run = credentials.reverify_credential(db_session, stored, later)
    assert run.verdict is Verdict.VERIFIED
    assert len(stored.runs) == 2


def test_rederive_records_rebuilds_stale_records_from_the_bytes(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    [result] = credentials.import_bytes(db_session, user.id, signed_badge(), "b.json", context())
    db_session.commit()
    db_session.execute(
        update(Credential).values(record_version=0, title="stale", record={"format": "ob3-ldp"})
    )
    db_session.commit()
    assert credentials.rederive_records(db_session) == 1
    stored = db_session.get(Credential, result.credential_id)
    assert stored is not None and stored.title == "Data Literacy"
    assert stored.record["title"]


def test_get_credential_of_another_user_is_not_found(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    owner = make_user()
    other = make_user(email="other@example.org")
    [result] = credentials.import_bytes(db_session, owner.id, signed_badge(), "b.json", context())
    with pytest.raises(NotFoundError):
        credentials.get_credential(db_session, other.id, result.credential_id or 0)


def test_import_then_rollback_leaves_nothing_stored(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    [result] = credentials.import_bytes(db_session, user.id, signed_badge(), "b.json", context())
    assert result.outcome is ItemOutcome.IMPORTED
    db_session.rollback()
    assert count(db_session, Credential) == 0


def test_import_items_item_that_cannot_be_derived_fails_alone(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    [good] = importing.read_envelopes(signed_badge(), "good.json")
    # Claimed to be an ELM credential, but it is an OB 3.0 one: the mapper refuses it.
    mislabelled = replace(good, format=CredentialFormat.ELM_JSONLD, source="odd.json", raw=b"odd")
    results = credentials.import_items(db_session, user.id, [mislabelled, good], context())
    assert [result.outcome for result in results] == [ItemOutcome.FAILED, ItemOutcome.IMPORTED]
    assert results[0].error_code == "credential_format"
    assert count(db_session, Credential) == 1
