"""The recipient check: OB 2.0 IdentityObjects and OB 3.0 subjects against confirmed identifiers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.ob2_issuer import LoopbackFetcher
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
        (_ob2("bob@example.org", hashed=False), ALICE, CheckStatus.FAILED),
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
        "plain-email-other",
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
    assert check_recipient(payload, _ctx("did:example:ALICE")).status is CheckStatus.FAILED


def test_check_recipient_vc_jwt_claims_read_the_vc_subject() -> None:
    payload = {"iss": "did:example:issuer", "vc": {"credentialSubject": {"id": f"mailto:{ALICE}"}}}
    assert check_recipient(payload, _ctx(ALICE)).status is CheckStatus.PASSED


def test_check_recipient_unknown_hash_algorithm_warns() -> None:
    payload = _ob2("sha1$" + hashlib.sha1(ALICE.encode()).hexdigest(), hashed=True)
    assert check_recipient(payload, _ctx(ALICE)).status is CheckStatus.WARNING
