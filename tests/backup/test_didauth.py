"""DIDAuth: a presentation signed by another implementation confirms the DID that signed it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.backup.signing import (
    HolderDid,
    did_jwk_holder,
    did_key_holder,
    did_web_document,
    presentation,
    sign_jwt,
    sign_with_node,
)
from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from wallet.backup import didauth
from wallet.backup.challenges import current_challenge
from wallet.errors import WalletError
from wallet.fetching import SafeFetcher
from wallet.holder import credentials
from wallet.identifiers import recipient_claims
from wallet.models import Credential, DidChallenge, HolderIdentifier, IdentifierKind, User
from wallet.verification.context import VerificationContext

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DOMAIN = "https://plecak.test"


def context(at: datetime = NOW, recipients: frozenset[str] = frozenset()) -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True), at=at, web_scheme="http", recipients=recipients
    )


@pytest.fixture
def holder(make_user: Callable[..., User]) -> User:
    return make_user()


def challenge_of(session: Session, user: User) -> str:
    challenge = current_challenge(session, user.id, DOMAIN, NOW).challenge
    session.commit()
    return challenge


def dids_of(session: Session, user: User) -> list[tuple[str, bool]]:
    rows = session.execute(
        select(HolderIdentifier.value, HolderIdentifier.confirmed_at).where(
            HolderIdentifier.user_id == user.id, HolderIdentifier.kind == IdentifierKind.DID
        )
    )
    return [(value, confirmed is not None) for value, confirmed in rows]


def answer(session: Session, user: User, challenge: str, signed: str, at: datetime = NOW) -> str:
    """Answer the challenge; the confirmed DID, or ``error:<code>`` (and a rollback)."""
    try:
        identifier = didauth.confirm_did(session, user.id, challenge, signed, context(at))
    except WalletError as error:
        session.rollback()
        return f"error:{error.code}"
    session.commit()
    return identifier.value


def unused(session: Session, challenge: str) -> bool:
    session.expire_all()
    row = session.scalar(select(DidChallenge).where(DidChallenge.challenge == challenge))
    return row is not None and row.used_at is None


def test_didauth_independent_di_presentation_confirms_did_key_and_its_credentials(
    db_session: Session, holder: User, tmp_path: Path
) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(presentation(did.did), did.key, did.method, challenge, DOMAIN, tmp_path)
    assert answer(db_session, holder, challenge, signed) == did.did
    assert dids_of(db_session, holder) == [(did.did, True)]
    assert not unused(db_session, challenge)
    # A credential issued to that DID now passes the recipient check.
    issuer = TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    subject = credential["credentialSubject"]
    assert isinstance(subject, dict)
    subject["id"] = did.did
    data = json.dumps(issuer.sign(credential, "eddsa-rdfc-2022")).encode()
    ctx = context(recipients=recipient_claims(db_session, holder.id).confirmed)
    [result] = credentials.import_bytes(db_session, holder.id, data, "badge.json", ctx)
    stored = db_session.get(Credential, result.credential_id)
    assert stored is not None
    assert {check["code"]: check["status"] for check in stored.report}["recipient"] == "passed"


def test_didauth_confirms_an_unconfirmed_did_the_holder_added(
    db_session: Session, holder: User, tmp_path: Path
) -> None:
    did = did_key_holder()
    db_session.add(HolderIdentifier(user_id=holder.id, kind=IdentifierKind.DID, value=did.did))
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(presentation(), did.key, did.method, challenge, DOMAIN, tmp_path)
    assert answer(db_session, holder, challenge, signed) == did.did
    assert dids_of(db_session, holder) == [(did.did, True)]


@pytest.mark.parametrize(
    ("signed_challenge", "signed_domain", "code"),
    [
        ("another-challenge", DOMAIN, "error:challenge_mismatch"),
        (None, "https://elsewhere.test", "error:domain_mismatch"),
    ],
)
def test_didauth_presentation_for_another_request_is_refused_and_changes_nothing(
    db_session: Session,
    holder: User,
    tmp_path: Path,
    signed_challenge: str | None,
    signed_domain: str,
    code: str,
) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(
        presentation(did.did),
        did.key,
        did.method,
        signed_challenge or challenge,
        signed_domain,
        tmp_path,
    )
    assert answer(db_session, holder, challenge, signed) == code
    assert dids_of(db_session, holder) == []
    assert unused(db_session, challenge)


def test_didauth_reused_challenge_is_refused(
    db_session: Session, holder: User, tmp_path: Path
) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(presentation(did.did), did.key, did.method, challenge, DOMAIN, tmp_path)
    assert answer(db_session, holder, challenge, signed) == did.did
    assert answer(db_session, holder, challenge, signed) == "error:challenge_used"
    assert dids_of(db_session, holder) == [(did.did, True)]


def test_didauth_expired_challenge_is_refused(
    db_session: Session, holder: User, tmp_path: Path
) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(presentation(did.did), did.key, did.method, challenge, DOMAIN, tmp_path)
    late = NOW + timedelta(minutes=16)
    assert answer(db_session, holder, challenge, signed, late) == "error:challenge_expired"
    assert dids_of(db_session, holder) == []


def test_didauth_challenge_of_another_holder_is_unknown(
    db_session: Session, holder: User, make_user: Callable[..., User], tmp_path: Path
) -> None:
    other = make_user(email="other@example.org")
    did = did_key_holder()
    challenge = challenge_of(db_session, other)
    signed = sign_with_node(presentation(did.did), did.key, did.method, challenge, DOMAIN, tmp_path)
    assert answer(db_session, holder, challenge, signed) == "error:challenge_unknown"
    assert dids_of(db_session, holder) == [] and unused(db_session, challenge)


def test_didauth_signed_by_another_key_than_the_dids_is_refused(
    db_session: Session, holder: User, tmp_path: Path
) -> None:
    did = did_key_holder()
    impostor = Ed25519PrivateKey.generate()
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(
        presentation(did.did), impostor, did.method, challenge, DOMAIN, tmp_path
    )
    assert answer(db_session, holder, challenge, signed) == "error:signature"
    assert dids_of(db_session, holder) == [] and unused(db_session, challenge)


def test_didauth_tampered_presentation_is_refused(
    db_session: Session, holder: User, tmp_path: Path
) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    signed = json.loads(
        sign_with_node(presentation(did.did), did.key, did.method, challenge, DOMAIN, tmp_path)
    )
    signed["id"] = "urn:uuid:0b6a6b53-7d5a-4c3e-9b7e-2f1d3c4b5a69"
    assert answer(db_session, holder, challenge, json.dumps(signed)) == "error:signature"


def test_didauth_did_web_served_on_loopback_is_confirmed(
    db_session: Session, holder: User, http_server: LocalServer, tmp_path: Path
) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    key = Ed25519PrivateKey.generate()
    document = did_web_document(did, key, ["authentication", "assertionMethod"])
    http_server.serve("/.well-known/did.json", json.dumps(document))
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(presentation(did), key, f"{did}#key-1", challenge, DOMAIN, tmp_path)
    assert answer(db_session, holder, challenge, signed) == did
    assert "/.well-known/did.json" in http_server.requests


@pytest.mark.parametrize(
    ("purposes", "signer_is_listed", "code"),
    [
        (["authentication"], False, "error:signature"),
        (["assertionMethod"], True, "error:key"),
    ],
)
def test_didauth_did_web_key_not_listed_for_authentication_is_refused(
    db_session: Session,
    holder: User,
    http_server: LocalServer,
    tmp_path: Path,
    purposes: list[str],
    signer_is_listed: bool,
    code: str,
) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    listed = Ed25519PrivateKey.generate()
    http_server.serve("/.well-known/did.json", json.dumps(did_web_document(did, listed, purposes)))
    signer = listed if signer_is_listed else Ed25519PrivateKey.generate()
    challenge = challenge_of(db_session, holder)
    signed = sign_with_node(presentation(did), signer, f"{did}#key-1", challenge, DOMAIN, tmp_path)
    assert answer(db_session, holder, challenge, signed) == code
    assert dids_of(db_session, holder) == []


@pytest.mark.parametrize("make_did", [did_key_holder, did_jwk_holder])
def test_didauth_vp_jwt_by_joserfc_is_confirmed(
    db_session: Session, holder: User, make_did: Callable[[], HolderDid]
) -> None:
    did = make_did()
    challenge = challenge_of(db_session, holder)
    token = sign_jwt(did.key, did.did, did.method, challenge, DOMAIN)
    assert answer(db_session, holder, challenge, token) == did.did


def test_didauth_enveloped_vp_jwt_is_read(db_session: Session, holder: User) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    token = sign_jwt(did.key, did.did, did.method, challenge, DOMAIN)
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation",
        "id": f"data:application/vp+jwt,{token}",
    }
    assert answer(db_session, holder, challenge, json.dumps(envelope)) == did.did


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"nonce": "another-challenge"}, "error:challenge_mismatch"),
        ({"aud": "https://elsewhere.test"}, "error:domain_mismatch"),
        ({"exp": int(NOW.timestamp()) - 60}, "error:presentation_expired"),
        ({"signer": "impostor"}, "error:signature"),
        ({"iss": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}, "error:controller"),
    ],
)
def test_didauth_vp_jwt_for_another_request_or_key_is_refused(
    db_session: Session, holder: User, changes: dict[str, object], code: str
) -> None:
    did = did_key_holder()
    challenge = challenge_of(db_session, holder)
    claims = {"nonce": challenge, "aud": DOMAIN, **changes}
    key = Ed25519PrivateKey.generate() if claims.pop("signer", None) else did.key
    token = sign_jwt(key, str(claims.pop("iss", did.did)), did.method, **claims)  # type: ignore[arg-type]
    assert answer(db_session, holder, challenge, token) == code
    assert dids_of(db_session, holder) == [] and unused(db_session, challenge)


@pytest.mark.parametrize(
    "text", ["", "not a presentation", '{"type": "VerifiablePresentation"}', "[1, 2]"]
)
def test_didauth_unreadable_presentation_is_refused(
    db_session: Session, holder: User, text: str
) -> None:
    challenge = challenge_of(db_session, holder)
    assert answer(db_session, holder, challenge, text).startswith("error:")
    assert dids_of(db_session, holder) == [] and unused(db_session, challenge)


def test_didauth_current_challenge_is_kept_until_answered(
    db_session: Session, holder: User
) -> None:
    first = challenge_of(db_session, holder)
    assert challenge_of(db_session, holder) == first
    later = current_challenge(db_session, holder.id, DOMAIN, NOW + timedelta(minutes=14))
    assert later.challenge != first
