"""Receiving credential offers over OpenID4VCI from a live issuer: flows, errors, isolation."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.connect.conftest import RecordingRunner, follow_consent
from tests.support.jose_issuer import b64url
from tests.support.oid4vci_issuer import (
    DI_VC,
    JWT_VC,
    SD_JWT,
    OID4VCIIssuer,
    base58_decode,
    running_oid4vci_issuer,
)
from tests.support.web import FormClient
from wallet.connect.oid4vci_proof import verification_method
from wallet.envelope import CredentialFormat
from wallet.identifiers import recipient_claims
from wallet.models import Credential, HolderKey, ImportJob, User, VerificationRun
from wallet.share.keys import holder_key
from wallet.verification.recipient import RecipientIdentity, match_recipient
from wallet.verification.report import CheckStatus, Verdict

PRIVATE = "http://10.0.0.1/steal"
SECRET = "a-test-secret-that-is-long-enough-for-sealing-000"


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[OID4VCIIssuer]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the issuer speaks plain HTTP
    with running_oid4vci_issuer() as running:
        yield running


def stored(session: Session) -> list[Credential]:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    return list(session.scalars(select(Credential).order_by(Credential.id)))


def count(session: Session, model: type[object]) -> int:
    session.commit()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def holder_did(session: Session, user: User) -> str:
    session.commit()
    return str(session.scalar(select(HolderKey.did).where(HolderKey.user_id == user.id)))


def paste(client: FormClient, offer: str) -> TestResponse:
    return client.submit("/connect/offer", {"offer": offer})


def page(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def token_requests(issuer: OID4VCIIssuer) -> int:
    return issuer.requests.count("POST /token")


def assert_nothing_kept(session: Session) -> None:
    assert stored(session) == []
    assert count(session, ImportJob) == 0
    assert count(session, HolderKey) == 0  # a key made for the refused offer is rolled back


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


def test_offer_of_a_credential_changed_after_signing_is_kept_as_failed(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.tamper = True  # coming through the protocol earns a credential no trust

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 302
    [credential] = stored(db_session)
    assert credential.verdict is Verdict.FAILED
    [run] = db_session.scalars(
        select(VerificationRun).where(VerificationRun.credential_id == credential.id)
    )
    assert {c["code"]: c["status"] for c in run.report}["proof"] == "failed"


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


def test_offer_with_wrong_transaction_code_says_so_keeps_nothing_and_lets_the_holder_retry(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    paste(client, issuer.offer(JWT_VC, tx_code="493536"))

    wrong = client.submit("/connect/offer/code", {"tx_code": "111111"})

    assert wrong.status_code == 400
    assert "did not accept the transaction code" in page(wrong)
    assert "Enter the transaction code" in page(wrong)
    assert_nothing_kept(db_session)
    right = client.submit("/connect/offer/code", {"tx_code": "493536"})
    assert right.status_code == 302
    assert len(stored(db_session)) == 1


def test_offer_transaction_code_of_the_wrong_form_is_refused_before_sending(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    paste(client, issuer.offer(JWT_VC, tx_code="493536"))

    response = client.submit("/connect/offer/code", {"tx_code": "49-35"})

    assert response.status_code == 400 and token_requests(issuer) == 0
    assert "this one asks for digits only" in page(response)
    assert "Enter the transaction code" in page(response)  # the offer still waits
    assert_nothing_kept(db_session)


def test_offer_expired_says_so_and_keeps_nothing(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    offer = issuer.offer(SD_JWT)
    issuer.expire_offers()

    response = paste(client, offer)

    assert response.status_code == 400
    assert "has expired or has already been used" in page(response)
    assert not issuer.proofs
    assert_nothing_kept(db_session)


def test_offer_pasted_twice_receives_once(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    offer = issuer.offer(SD_JWT)
    paste(client, offer)

    again = paste(client, offer)

    assert again.status_code == 400 and "already been used" in page(again)
    assert len(stored(db_session)) == 1


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


def broken_metadata(issuer: OID4VCIIssuer, case: str) -> object:
    document = issuer.description()
    if case == "not-json":
        return b"<html>no metadata here</html>"
    if case == "other-issuer":
        document["credential_issuer"] = "https://impostor.example"
    elif case == "no-credential-endpoint":
        del document["credential_endpoint"]
    elif case == "javascript-endpoint":
        document["credential_endpoint"] = "javascript:alert(1)"
    elif case == "offered-configuration-missing":
        del document["credential_configurations_supported"][SD_JWT]
    elif case == "unsupported-format":
        document["credential_configurations_supported"][SD_JWT]["format"] = "mso_mdoc"
    elif case == "no-ed25519-proof":
        proof = document["credential_configurations_supported"][SD_JWT]["proof_types_supported"]
        proof["jwt"]["proof_signing_alg_values_supported"] = ["ES256"]
    return document


METADATA_CASES = {
    "not-json": "does not describe itself",
    "other-issuer": "does not describe itself",
    "no-credential-endpoint": "does not describe itself",
    "javascript-endpoint": "does not describe itself",
    "offered-configuration-missing": "does not describe itself",
    "unsupported-format": "only in a form Plecak cannot receive",
    "no-ed25519-proof": "only in a form Plecak cannot receive",
}


@pytest.mark.parametrize("case", list(METADATA_CASES))
def test_offer_with_malformed_metadata_is_refused_before_the_code_is_spent(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session, case: str
) -> None:
    issuer.metadata = broken_metadata(issuer, case)

    response = paste(client, issuer.offer(SD_JWT))

    assert response.status_code == 400
    assert METADATA_CASES[case] in page(response)
    assert token_requests(issuer) == 0
    assert_nothing_kept(db_session)


@pytest.mark.parametrize(
    "path", ["/.well-known/openid-credential-issuer", "/credential", "/token", "/nonce"]
)
def test_offer_endpoint_redirecting_to_a_private_address_is_refused(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session, path: str
) -> None:
    issuer.redirects[path] = PRIVATE

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 400
    assert "Plecak fetches only from public web addresses" in page(response)
    assert not issuer.issued
    assert_nothing_kept(db_session)


@pytest.mark.parametrize("member", ["credential_endpoint", "nonce_endpoint"])
def test_offer_metadata_naming_a_private_endpoint_is_refused(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session, member: str
) -> None:
    document = issuer.description()
    document[member] = PRIVATE
    issuer.metadata = document

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 400
    assert "Plecak fetches only from public web addresses" in page(response)
    assert token_requests(issuer) == 0
    assert_nothing_kept(db_session)


def test_offer_by_reference_at_a_private_address_is_refused(
    client: FormClient, ola: User, db_session: Session
) -> None:
    response = paste(client, "openid-credential-offer://?credential_offer_uri=" + PRIVATE)

    assert response.status_code == 400
    assert "Plecak fetches only from public web addresses" in page(response)
    assert_nothing_kept(db_session)


def test_offer_from_an_unreachable_issuer_says_so(
    client: FormClient, ola: User, db_session: Session
) -> None:
    offer = {
        "credential_issuer": "http://127.0.0.1:9",
        "credential_configuration_ids": [SD_JWT],
        "grants": {
            "urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "x"}
        },
    }

    response = paste(client, json.dumps(offer))

    assert response.status_code == 400 and "could not be reached" in page(response)
    assert_nothing_kept(db_session)


@pytest.mark.parametrize(
    "text",
    [
        "https://issuer.example/not-an-offer",
        "openid-credential-offer://?credential_offer=%7Bbroken",
        'openid-credential-offer://?credential_offer={"credential_issuer":"ftp://x"}',
    ],
    ids=["no-offer", "bad-json", "bad-issuer"],
)
def test_offer_that_is_not_one_is_refused(
    client: FormClient, ola: User, db_session: Session, text: str
) -> None:
    response = paste(client, text)

    assert response.status_code == 400
    assert "This is not a credential offer Plecak can read" in page(response)
    assert_nothing_kept(db_session)


def start_authorization(client: FormClient, issuer: OID4VCIIssuer, *ids: str) -> str:
    started = paste(client, issuer.offer(*ids, pre_authorized=False))
    assert started.status_code == 302, page(started)
    return started.headers["Location"]


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


def test_offer_authorization_consent_denied_says_so_and_keeps_nothing(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.consent = False
    back = urlsplit(follow_consent(start_authorization(client, issuer, JWT_VC)))

    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 400
    assert "You did not allow the issuer to give Plecak the credential" in page(response)
    assert token_requests(issuer) == 0
    assert_nothing_kept(db_session)


def test_offer_callback_naming_another_issuer_is_refused(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    back = urlsplit(follow_consent(start_authorization(client, issuer, JWT_VC)))

    response = client.get(f"{back.path}?{back.query}&iss=https%3A%2F%2Fmix-up.example")

    assert response.status_code == 400
    assert "could not be matched to an offer you started" in page(response)
    assert token_requests(issuer) == 0
    assert_nothing_kept(db_session)


def test_offer_callback_with_forged_state_or_replayed_is_refused(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    back = urlsplit(follow_consent(start_authorization(client, issuer, JWT_VC)))
    code = parse_qs(back.query)["code"][0]

    forged = client.get(f"/connect/offer/callback?code={code}&state=forged")
    replayed = client.get(f"{back.path}?{back.query}")  # the pending offer was used up

    assert forged.status_code == 400 and replayed.status_code == 400
    assert "could not be matched to an offer you started" in page(forged)
    assert token_requests(issuer) == 0
    assert_nothing_kept(db_session)


def test_offer_proof_with_a_nonce_the_issuer_no_longer_takes_is_sent_again_once(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.stale_nonces = 1

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 302
    assert issuer.requests.count("POST /nonce") == 2 and len(issuer.proofs) == 2
    assert len(stored(db_session)) == 1


def test_offer_proof_refused_twice_says_so_and_keeps_nothing(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.stale_nonces = 2

    response = paste(client, issuer.offer(JWT_VC))

    assert response.status_code == 400
    assert "did not accept the proof that the key in your wallet is yours" in page(response)
    assert_nothing_kept(db_session)


def test_offer_deferred_by_the_issuer_says_so_and_keeps_nothing(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.defer = True

    response = paste(client, issuer.offer(SD_JWT))

    assert response.status_code == 400
    assert "The issuer will prepare this credential later" in page(response)
    assert_nothing_kept(db_session)


def test_offer_second_credential_refused_keeps_neither(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    issuer.deny_after = 1

    response = paste(client, issuer.offer(JWT_VC, SD_JWT))

    assert response.status_code == 400
    assert "The issuer did not give Plecak the credential" in page(response)
    assert len(issuer.issued) == 1  # the first was issued, then the second refused
    assert_nothing_kept(db_session)


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


def test_offer_issuer_texts_are_shown_escaped(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    document = issuer.description()
    document["display"] = [{"name": "<script>alert('name')</script>"}]
    issuer.metadata = document
    asked = page(paste(client, issuer.offer(JWT_VC, tx_code="1234")))

    assert "<script>alert('name')</script>" not in asked
    assert "&lt;script&gt;" in asked


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


def test_offer_naming_an_authorization_server_the_issuer_does_not_list_is_refused(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    document = issuer.description()
    document["authorization_servers"] = [issuer.base_url]
    issuer.metadata = document

    response = paste(client, issuer.offer(SD_JWT, authorization_server="https://as.example"))

    assert response.status_code == 400 and "does not describe itself" in page(response)
    assert token_requests(issuer) == 0
    assert_nothing_kept(db_session)
