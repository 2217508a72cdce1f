"""Receiving credential offers over OpenID4VCI: every refusal says why and keeps nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.connect.conftest import follow_consent
from tests.connect.offers import (
    PRIVATE,
    assert_nothing_kept,
    page,
    paste,
    start_authorization,
    stored,
    token_requests,
)
from tests.support.oid4vci_issuer import (
    JWT_VC,
    SD_JWT,
    OID4VCIIssuer,
    running_oid4vci_issuer,
)
from tests.support.web import FormClient
from wallet.connect import oid4vci_receive
from wallet.models import User, VerificationRun
from wallet.verification.report import Verdict


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[OID4VCIIssuer]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the issuer speaks plain HTTP
    with running_oid4vci_issuer() as running:
        yield running


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


def test_offer_issuer_texts_are_shown_escaped(
    client: FormClient, ola: User, issuer: OID4VCIIssuer, db_session: Session
) -> None:
    document = issuer.description()
    document["display"] = [{"name": "<script>alert('name')</script>"}]
    issuer.metadata = document
    asked = page(paste(client, issuer.offer(JWT_VC, tx_code="1234")))

    assert "<script>alert('name')</script>" not in asked
    assert "&lt;script&gt;" in asked


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


def test_offer_bringing_more_than_the_cap_is_refused_and_keeps_nothing(
    client: FormClient,
    ola: User,
    issuer: OID4VCIIssuer,
    db_session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(oid4vci_receive, "MAX_RECEIVED", 1)

    response = paste(client, issuer.offer(JWT_VC, SD_JWT))

    assert response.status_code == 400
    assert "The issuer did not give Plecak the credential" in page(response)
    assert_nothing_kept(db_session)
