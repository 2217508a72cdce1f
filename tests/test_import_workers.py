"""Bulk import jobs in worker processes: shared fetches, the same results, the search index."""

from __future__ import annotations

import json
import multiprocessing
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.archives import BAD_ENTRY, zip_archive
from tests.support.bulk_jobs import add_user, badges, context_for, items_of, queue_job
from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from tests.support.status_lists import bitstring_entry, bitstring_list_credential, encode_list
from wallet import create_app, importing
from wallet.config import Settings
from wallet.db import Database
from wallet.holder import import_batches, import_jobs
from wallet.holder.credentials import CheckedCredential
from wallet.holder.verifier_pool import CheckTask, InProcessChecker, VerifierPool
from wallet.models import Credential, ItemOutcome
from wallet.search import SearchDocument, SearchQuery
from wallet.search.documents import load_documents
from wallet.verification.data_integrity import JCS


@pytest.fixture(scope="module")
def pool() -> Iterator[VerifierPool]:
    """Two verifier processes, shared by the tests of this module (they start once)."""
    verifiers = VerifierPool(2)
    yield verifiers
    verifiers.close()


def list_server(server: LocalServer, issuer: TestIssuer, revoked: int) -> str:
    url = server.url("/status/1")
    listed = bitstring_list_credential(url, issuer.did, encode_list({revoked: 1}))
    server.serve("/status/1", json.dumps(issuer.sign(listed, JCS)))
    return url


def test_run_job_status_list_is_fetched_once_for_all_its_credentials(
    database: Database, db_session: Session, http_server: LocalServer, pool: VerifierPool
) -> None:
    issuer = TestIssuer.generate()
    list_url = list_server(http_server, issuer, revoked=7)
    entries = {
        f"badge-{index:02}.json": json.dumps(
            issuer.sign(
                achievement_credential(
                    issuer.did,
                    id=f"urn:uuid:{uuid.uuid4()}",
                    credentialStatus=bitstring_entry(list_url, index),
                ),
                JCS,
            )
        ).encode()
        for index in range(30)
    }
    user_id = add_user(database, "ola@example.org")
    job_id = queue_job(database, user_id, zip_archive(entries))
    import_jobs.run_pending_jobs(database.sessions, context_for, checker=pool, batch_size=10)
    assert http_server.requests.count("/status/1") == 1
    revocation = []
    for item in items_of(db_session, job_id):
        credential = db_session.get(Credential, item.credential_id)
        assert credential is not None
        [check] = [check for check in credential.report if check["code"] == "revocation"]
        revocation.append(check["status"])
    assert revocation == ["passed"] * 7 + ["failed"] + ["passed"] * 22


def stored_outcomes(session: Session, job_id: int) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for item in items_of(session, job_id):
        credential = session.get(Credential, item.credential_id) if item.credential_id else None
        rows.append(
            (
                item.position,
                item.source,
                item.outcome,
                item.message,
                credential.verdict if credential else None,
                credential.title if credential else None,
                credential.record if credential else None,
                [(c["code"], c["status"]) for c in credential.report] if credential else None,
            )
        )
    return rows


def test_run_job_one_process_and_two_store_the_same_results(
    database: Database, db_session: Session, pool: VerifierPool
) -> None:
    entries = badges(9)
    entries["notes.txt"] = b"just some notes"
    entries["photo.jpg"] = BAD_ENTRY
    archive = zip_archive(entries)
    in_process = queue_job(database, add_user(database, "one@example.org"), archive)
    pooled = queue_job(database, add_user(database, "two@example.org"), archive)
    import_jobs.run_job(
        database.sessions, in_process, context_for, checker=InProcessChecker(), batch_size=4
    )
    import_jobs.run_job(database.sessions, pooled, context_for, checker=pool, batch_size=4)
    one, two = stored_outcomes(db_session, in_process), stored_outcomes(db_session, pooled)
    assert len(one) == 11 and one == two
    assert [row[2] for row in one] == [ItemOutcome.IMPORTED] * 9 + [ItemOutcome.FAILED] * 2


def test_store_batch_prepared_search_documents_equal_the_stored_ones(
    database: Database, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[SearchDocument] = []
    real = import_batches.prepare_documents

    def keep(session: Session, documents: Iterable[SearchDocument]) -> None:
        made = list(documents)
        prepared.extend(made)
        real(session, made)

    monkeypatch.setattr(import_batches, "prepare_documents", keep)
    user_id = add_user(database, "ola@example.org")
    entries = badges(6)
    entries["copy.json"] = entries["badge-02.json"]
    queue_job(database, user_id, zip_archive(entries))
    import_jobs.run_pending_jobs(database.sessions, context_for, batch_size=4)
    stored = db_session.scalars(select(Credential.id)).all()
    assert sorted(doc.credential_id for doc in prepared) == sorted(stored) and len(stored) == 6
    assert sorted(prepared, key=by_id) == sorted(load_documents(db_session, stored), key=by_id)


def by_id(document: SearchDocument) -> int:
    return document.credential_id


def test_run_job_every_batch_reaches_the_search_index(
    settings: Settings, search_database: Database, backend: str
) -> None:
    database = search_database
    app = create_app(replace(settings, search_backend=backend.split("-")[1]), database=database)
    index = app.extensions["wallet"].search_index
    user_id = add_user(database, "ola@example.org")
    queue_job(database, user_id, zip_archive(badges(7)))
    import_jobs.run_pending_jobs(database.sessions, context_for, batch_size=3)
    results = index.search(SearchQuery(user_id=user_id, text="badge"))
    assert results.total == 7
    assert index.search(SearchQuery(user_id=user_id, text="Badge 6")).hits[0].title == "Badge 6"


def summary(checked: Sequence[object]) -> list[tuple[object, ...]]:
    return [
        (item.envelope.source, item.row.verdict, json.loads(item.row.record))
        if isinstance(item, CheckedCredential)
        else (item,)
        for item in checked
    ]


def test_verifier_pool_process_killed_between_calls_is_replaced_and_checks_all() -> None:
    entries = badges(5)
    entries["photo.jpg"] = BAD_ENTRY
    tasks = [CheckTask(item) for item in importing.read_any(zip_archive(entries), "x.zip")]
    ctx = context_for(None, 0)  # type: ignore[arg-type]
    expected = summary(InProcessChecker().submit(tasks, ctx).result())
    verifiers = VerifierPool(1)
    try:
        assert summary(verifiers.submit(tasks[:2], ctx).result()) == expected[:2]
        for child in multiprocessing.active_children():
            if child.name == "plecak-verifier":
                child.kill()
                child.join()
        assert summary(verifiers.submit(tasks, ctx).result()) == expected
    finally:
        verifiers.close()
