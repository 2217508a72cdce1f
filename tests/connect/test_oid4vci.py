"""Receiving credential offers over OpenID4VCI from a live issuer: the flows that succeed."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.connect.conftest import RecordingRunner, follow_consent
from tests.connect.offers import (
    count,
    holder_did,
    page,
    paste,
    start_authorization,
    stored,
    token_requests,
)
from tests.support.jose_issuer import b64url
from tests.support.oid4vci_issuer import (
    DI_VC,
    JWT_VC,
    SD_JWT,
    OID4VCIIssuer,
    running_oid4vci_issuer,
)
from tests.support.oid4vci_proofs import base58_decode
from tests.support.web import FormClient
from wallet.envelope import CredentialFormat
from wallet.identifiers import recipient_claims
from wallet.models import ImportJob, User, VerificationRun
from wallet.share.keys import holder_key, verification_method
from wallet.verification.recipient import RecipientIdentity, match_recipient
from wallet.verification.report import CheckStatus, Verdict

SECRET = "a-test-secret-that-is-long-enough-for-sealing-000"


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[OID4VCIIssuer]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the issuer speaks plain HTTP
    with running_oid4vci_issuer() as running:
        yield running


def test_offer_pre_authorized_receives_a_verified_sd_jwt_vc(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    response = paste(client, issuer.offer(SD_JWT))

    assert response.status_code == 302
    assert re.fullmatch(r"/imports/\d+", response.headers["Location"])
    [credential] = stored(db_session)
    assert credential.user_id == ola.id and credential.verdict is Verdict.VERIFIED
    assert credential.format is CredentialFormat.SD_JWT_VC
    assert credential.raw == issuer.issued[0].encode()  # the bytes as the issuer sent them
    assert credential.title == "Analiza danych"
    [proof] = issuer.proofs
    did = holder_did(db_session, ola)
    # The issuer binds to a JWK: the proof names the holder's key itself, not its DID.
    assert "kid" not in proof["header"]
    assert proof["header"]["jwk"]["x"] == b64url(base58_decode(did.removeprefix("did:key:z"))[2:])
    assert proof["claims"]["aud"] == issuer.base_url and "iss" not in proof["claims"]
    job_page = client.get(response.headers["Location"])
    assert "Analiza danych" in page(job_page)


def test_offer_by_reference_receives_credentials_issued_to_the_holders_did(
    client: FormClient,
    ola: User,
    issuer: OID4VCIIssuer,
    runner: RecordingRunner,
    db_session: Session,
) -> None:
    response = paste(client, issuer.offer(JWT_VC, DI_VC, by_reference=True))

    assert response.status_code == 302 and runner.wakes == 1
    assert runner.run() == 1
    credentials = stored(db_session)
    assert sorted(c.format.value for c in credentials) == ["ob3-jwt", "ob3-ldp"]
    assert {c.verdict for c in credentials} == {Verdict.VERIFIED}
    did = holder_did(db_session, ola)
    assert [p["header"]["kid"] for p in issuer.proofs] == [verification_method(did)] * 2
    for credential in credentials:
        [run] = db_session.scalars(
            select(VerificationRun).where(VerificationRun.credential_id == credential.id)
        )
        recipient = next(c for c in run.report if c["code"] == "recipient")
        assert recipient["status"] == "passed", recipient  # issued to the holder's own did:key
    assert issuer.requests.count("GET /offers/" + issuer_offer_name(issuer)) == 1


def issuer_offer_name(issuer: OID4VCIIssuer) -> str:
    [name] = issuer.offers
    return name


def test_offer_with_transaction_code_asks_for_it_then_receives(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    asked = paste(client, issuer.offer(JWT_VC, tx_code="493536"))

    assert asked.status_code == 200
    text = page(asked)
    assert "Enter the transaction code" in text and "Kod wysłaliśmy SMS-em." in text
    assert issuer.base_url in text and 'inputmode="numeric"' in text
    assert token_requests(issuer) == 0 and stored(db_session) == []
    received = client.submit("/connect/offer/code", {"tx_code": "493536"})
    assert received.status_code == 302 and "/imports/" in received.headers["Location"]
    [credential] = stored(db_session)
    assert credential.verdict is Verdict.VERIFIED


def test_offer_of_a_credential_already_held_changes_nothing(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    paste(client, issuer.offer(JWT_VC))
    issuer.repeat = True  # the issuer sends the very same credential again

    again = paste(client, issuer.offer(JWT_VC))

    assert again.status_code == 302 and again.headers["Location"] == "/connect"
    assert "Nothing new" in page(client.get("/connect"))
    assert len(stored(db_session)) == 1 and count(db_session, ImportJob) == 1


def test_offer_answered_as_drafts_did_with_one_credential_is_received(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.single_credential = True

    response = paste(client, issuer.offer(SD_JWT))

    assert response.status_code == 302
    [credential] = stored(db_session)
    assert credential.verdict is Verdict.VERIFIED


def test_offer_authorization_code_flow_receives_after_consent(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    authorize = start_authorization(client, issuer, JWT_VC)

    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(issuer.url("/authorize?"))
    assert query["client_id"] == ["http://127.0.0.1:5000"]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/connect/offer/callback"]
    assert query["scope"] == ["openbadge"] and query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43 and len(query["issuer_state"][0]) >= 16
    back = urlsplit(follow_consent(authorize))
    assert back.path == "/connect/offer/callback"
    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 302 and "/imports/" in response.headers["Location"]
    [credential] = stored(db_session)
    assert credential.verdict is Verdict.VERIFIED
    [proof] = issuer.proofs
    assert proof["claims"]["iss"] == "http://127.0.0.1:5000"  # the client id, as asked


def test_offer_authorization_is_pushed_when_the_server_requires_it(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.pushed_only = True
    authorize = start_authorization(client, issuer, JWT_VC)

    query = parse_qs(urlsplit(authorize).query)
    assert set(query) == {"client_id", "request_uri"}  # the rest went server to server
    back = urlsplit(follow_consent(authorize))
    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 302
    [authorization] = issuer.authorizations
    assert (
        authorization["scope"] == "openbadge" and authorization["code_challenge_method"] == "S256"
    )
    [credential] = stored(db_session)
    assert credential.verdict is Verdict.VERIFIED


def test_offer_proof_with_a_nonce_the_issuer_no_longer_takes_is_sent_again_once(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.stale_nonces = 1

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 302
    assert issuer.requests.count("POST /nonce") == 2 and len(issuer.proofs) == 2
    assert len(stored(db_session)) == 1


def test_recipient_claims_count_the_holders_own_did_key_and_no_one_elses(
    make_user: Callable[..., User], db_session: Session
) -> None:
    ola, jan = make_user(), make_user(email="jan@example.org", name="Jan")
    assert recipient_claims(db_session, ola.id).confirmed == frozenset()
    ola_did, _key = holder_key(db_session, ola.id, SECRET)
    jan_did, _key = holder_key(db_session, jan.id, SECRET)

    claims = recipient_claims(db_session, ola.id)
    named = (RecipientIdentity("id", ola_did),)

    assert claims.confirmed == {ola_did}
    assert jan_did not in claims.confirmed | claims.unconfirmed | claims.elsewhere
    assert match_recipient(named, claims.confirmed).status is CheckStatus.PASSED
    jans = recipient_claims(db_session, jan.id)
    assert match_recipient(named, jans.confirmed).status is not CheckStatus.PASSED


def test_offer_page_link_with_an_offer_only_fills_in_the_form(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    offer = issuer.offer(JWT_VC, by_reference=True)
    query = urlsplit(offer).query

    response = client.get(f"/connect/offer?{query}")

    assert response.status_code == 200
    assert html.escape(f"openid-credential-offer://?{query}") in page(response)
    assert issuer.requests == [] and stored(db_session) == []


def test_offer_with_datasets_asks_for_each_credential_identifier(
    client: FormClient,
    ola: User,
    issuer: OID4VCIIssuer,
    runner: RecordingRunner,
    db_session: Session,
) -> None:
    issuer.datasets = {JWT_VC: ["teamwork-2025", "teamwork-2026"]}

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 302 and runner.run() == 1
    assert len(issuer.issued) == 2 and len(stored(db_session)) == 2
    assert issuer.requests.count("POST /nonce") == 2  # a fresh nonce for each proof


def test_offer_server_metadata_found_where_openid_connect_keeps_it(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.openid_configuration_only = True

    response = paste(client, issuer.offer(SD_JWT))

    assert response.status_code == 302
    assert "GET /.well-known/openid-configuration" in issuer.requests
    assert len(stored(db_session)) == 1


def test_offer_from_an_issuer_speaking_the_drafts_before_1_0_is_received(
    client: FormClient,
    ola: User,
    issuer: OID4VCIIssuer,
    runner: RecordingRunner,
    db_session: Session,
) -> None:
    issuer.drafts = True  # c_nonce with the token and each credential, one ``proof``, no list

    response = paste(client, issuer.offer(JWT_VC, SD_JWT))

    assert response.status_code == 302 and runner.run() == 1
    assert {c.verdict for c in stored(db_session)} == {Verdict.VERIFIED}
    assert [sorted(r) for r in issuer.credential_requests] == [
        ["credential_configuration_id", "format", "proof"]
    ] * 2
    assert "POST /nonce" not in issuer.requests  # the second proof used the first answer's
