"""The recipient check: OB 2.0 IdentityObjects and OB 3.0 subjects against confirmed identifiers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.ob2_issuer import LoopbackFetcher
from tests.support.recipients import recipient_context
from wallet.verification.context import VerificationContext
from wallet.verification.recipient import check_recipient
from wallet.verification.report import CheckStatus

ALICE = "alice@example.org"


def _ctx(*recipients: str) -> VerificationContext:
    return VerificationContext(
        fetcher=LoopbackFetcher(),
        at=datetime(2025, 1, 1, tzinfo=UTC),
        recipients=frozenset(recipients),
    )


def _sha256(text: str) -> str:
    return "sha256$" + hashlib.sha256(text.encode()).hexdigest()


def _ob2(identity: str, *, hashed: bool, salt: str | None = None) -> dict[str, Any]:
    recipient: dict[str, Any] = {"type": "email", "hashed": hashed, "identity": identity}
    if salt is not None:
        recipient["salt"] = salt
    return {"type": "Assertion", "recipient": recipient}


@pytest.mark.parametrize(
    ("payload", "confirmed", "expected"),
    [
        (_ob2(ALICE, hashed=False), "Alice@Example.org", CheckStatus.PASSED),
        (_ob2("bob@example.org", hashed=False), ALICE, CheckStatus.WARNING),
        (_ob2(_sha256(ALICE), hashed=True), ALICE, CheckStatus.PASSED),
        (_ob2(_sha256("bob@example.org"), hashed=True), ALICE, CheckStatus.FAILED),
        (_ob2(_sha256(ALICE + "pepper"), hashed=True, salt="pepper"), ALICE, CheckStatus.PASSED),
        (_ob2(_sha256(ALICE + "pepper"), hashed=True, salt="salt"), ALICE, CheckStatus.FAILED),
        (
            _ob2("md5$" + hashlib.md5(ALICE.encode()).hexdigest(), hashed=True),
            ALICE,
            CheckStatus.PASSED,
        ),
    ],
    ids=[
        "plain-email-case-insensitive",
        "plain-email-unconfirmed",
        "sha256-unsalted",
        "sha256-unsalted-other",
        "sha256-salted",
        "sha256-wrong-salt",
        "md5-unsalted",
    ],
)
def test_check_recipient_ob2_identity_against_confirmed_email(
    payload: dict[str, Any], confirmed: str, expected: CheckStatus
) -> None:
    assert check_recipient(payload, _ctx(confirmed)).status is expected


def test_check_recipient_nothing_confirmed_warns() -> None:
    check = check_recipient(_ob2(ALICE, hashed=False), _ctx())
    assert (check.code, check.status) == ("recipient", CheckStatus.WARNING)


def test_check_recipient_ob3_hashed_identifier_matches() -> None:
    payload = {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": _sha256(ALICE + "s4lt"),
                    "salt": "s4lt",
                }
            ],
        },
    }
    assert check_recipient(payload, _ctx(ALICE)).status is CheckStatus.PASSED
    assert check_recipient(payload, _ctx("bob@example.org")).status is CheckStatus.FAILED


def test_check_recipient_ob3_subject_did_matches_exactly() -> None:
    payload = {"credentialSubject": {"id": "did:example:alice"}}
    assert check_recipient(payload, _ctx("did:example:alice")).status is CheckStatus.PASSED
    assert check_recipient(payload, _ctx("did:example:ALICE")).status is CheckStatus.WARNING


def test_check_recipient_vc_jwt_claims_read_the_vc_subject() -> None:
    payload = {"iss": "did:example:issuer", "vc": {"credentialSubject": {"id": f"mailto:{ALICE}"}}}
    assert check_recipient(payload, _ctx(ALICE)).status is CheckStatus.PASSED


def test_check_recipient_unknown_hash_algorithm_warns() -> None:
    payload = _ob2("sha1$" + hashlib.sha1(ALICE.encode()).hexdigest(), hashed=True)
    assert check_recipient(payload, _ctx(ALICE)).status is CheckStatus.WARNING


DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def test_check_recipient_did_subject_with_only_email_confirmed_warns_naming_it() -> None:
    check = check_recipient(
        {"credentialSubject": {"id": DID}}, recipient_context(confirmed=(ALICE,))
    )
    assert (check.status, check.detail) == (CheckStatus.WARNING, "unconfirmed")
    assert DID in check.message.en and DID in check.message.pl


def test_check_recipient_plain_email_confirmed_by_another_account_fails() -> None:
    check = check_recipient(
        _ob2("bob@example.org", hashed=False),
        recipient_context(confirmed=(ALICE,), elsewhere=("bob@example.org",)),
    )
    assert (check.status, check.detail) == (CheckStatus.FAILED, "other_account")


def test_check_recipient_hash_of_another_accounts_address_fails_without_naming_it() -> None:
    check = check_recipient(
        _ob2(_sha256("bob@example.org"), hashed=True),
        recipient_context(elsewhere=("bob@example.org",)),
    )
    assert (check.status, check.detail) == (CheckStatus.FAILED, "other_account")
    assert "bob@example.org" not in check.message.en + check.message.pl


def test_check_recipient_hash_matching_no_claimed_email_fails_naming_each() -> None:
    check = check_recipient(
        _ob2(_sha256("carol@example.org"), hashed=True),
        recipient_context(confirmed=(ALICE, DID), unconfirmed=("alice@work.example",)),
    )
    assert (check.status, check.detail) == (CheckStatus.FAILED, "hash_mismatch")
    assert "alice@example.org" in check.message.en
    assert "alice@work.example" in check.message.pl
    # A DID is no email address: it was not compared, so it is not named.
    assert DID not in check.message.en


def test_check_recipient_hash_matching_an_unconfirmed_address_warns_naming_it() -> None:
    check = check_recipient(
        _ob2(_sha256("alice@work.example"), hashed=True),
        recipient_context(confirmed=(ALICE,), unconfirmed=("alice@work.example",)),
    )
    assert (check.status, check.detail) == (CheckStatus.WARNING, "unconfirmed")
    assert "alice@work.example" in check.message.en


def test_check_recipient_hashed_email_with_no_email_claimed_warns() -> None:
    check = check_recipient(_ob2(_sha256(ALICE), hashed=True), recipient_context(confirmed=(DID,)))
    assert (check.status, check.detail) == (CheckStatus.WARNING, "unconfirmed")


def test_check_recipient_own_confirmation_wins_over_another_account() -> None:
    check = check_recipient(
        _ob2(ALICE, hashed=False), recipient_context(confirmed=(ALICE,), elsewhere=(ALICE,))
    )
    assert check.status is CheckStatus.PASSED
