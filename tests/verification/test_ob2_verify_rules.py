"""Open Badges 2.0 verification, rule by rule: which assertion is judged, its dates, the words.

Hosted and signed assertions come from an issuer on a real server on 127.0.0.1. Date checks
are compared whole: code, status, English and Polish wording, whether required, and detail.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import LoopbackFetcher, Ob2Issuer, make_issuer, sign_jws
from wallet import importing
from wallet.envelope import CredentialFormat, Envelope
from wallet.verification.context import VerificationContext
from wallet.verification.ob2 import AssertionDates, assertion_dates, date_checks, verify_ob2
from wallet.verification.report import Check, CheckStatus, Message

AT = datetime(2025, 1, 1, tzinfo=UTC)

ISSUED_BEFORE = Message(
    "The badge was issued before the time it was checked at.",
    "Odznakę wydano przed momentem sprawdzenia.",
)
ISSUED_AFTER = Message(
    "The badge says it was issued after the time it was checked at.",
    "Odznaka podaje datę wydania późniejszą niż moment sprawdzenia.",
)
NO_EXPIRY = Check(
    "expiry",
    CheckStatus.SKIPPED,
    Message("The credential does not expire.", "Poświadczenie nie ma terminu ważności."),
    required=False,
    detail="expires",
)


@pytest.fixture
def issuer(http_server: LocalServer) -> Ob2Issuer:
    return make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))


def _ctx() -> VerificationContext:
    return VerificationContext(
        fetcher=LoopbackFetcher(), at=AT, recipients=frozenset({"alice@example.org"})
    )


def _envelope(data: dict[str, Any] | str) -> Envelope:
    raw = data if isinstance(data, str) else json.dumps(data)
    [envelope] = importing.read_envelopes(raw.encode(), "badge")
    return envelope


def _codes(checks: list[Check]) -> list[tuple[str, CheckStatus]]:
    return [(check.code, check.status) for check in checks]


# -- which assertion is judged -------------------------------------------------------------------


@pytest.mark.parametrize(
    "credential_format",
    [CredentialFormat.VC_JWT, CredentialFormat.VC_DATA_INTEGRITY, CredentialFormat.PDF_DOCUMENT],
    ids=["vc-jwt", "data-integrity", "pdf"],
)
def test_another_format_is_refused(credential_format: CredentialFormat) -> None:
    envelope = Envelope(credential_format, "badge", b"{}", "application/json", {})
    assert verify_ob2(envelope, _ctx()) == [
        Check(
            "format",
            CheckStatus.FAILED,
            Message(
                "This is not an Open Badges 2.0 badge.", "To nie jest odznaka Open Badges 2.0."
            ),
            detail=credential_format.value,
        )
    ]


def test_a_hosted_badge_is_judged_on_the_issuer_copy(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    issuer.host(assertion | {"issuedOn": "2024-06-01T10:00:00+00:00"})
    checks = verify_ob2(_envelope(assertion), _ctx())
    assert _codes(checks) == [
        ("hosted_match", CheckStatus.WARNING),
        ("revocation", CheckStatus.PASSED),
        ("schema", CheckStatus.PASSED),
        ("origin", CheckStatus.PASSED),
        ("recipient", CheckStatus.PASSED),
        ("not_before", CheckStatus.PASSED),
        ("expiry", CheckStatus.SKIPPED),
    ]
    assert checks[-2].detail == "issuedOn 2024-06-01T10:00:00+00:00"


def test_a_hosted_copy_without_a_recipient_has_no_recipient_check(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    hosted = {k: v for k, v in assertion.items() if k != "recipient"}
    issuer.host(hosted)
    checks = verify_ob2(_envelope(assertion), _ctx())
    assert [check.code for check in checks] == [
        "hosted_match",
        "revocation",
        "schema",
        "origin",
        "not_before",
        "expiry",
    ]


def test_a_signed_badge_is_judged_as_signed(issuer: Ob2Issuer) -> None:
    signed = issuer.signed_assertion(issuedOn="2024-07-01T00:00:00Z")
    checks = verify_ob2(_envelope(sign_jws(signed, issuer.key)), _ctx())
    assert ("proof", CheckStatus.PASSED) in _codes(checks)
    assert _codes(checks)[-3:] == [
        ("recipient", CheckStatus.PASSED),
        ("not_before", CheckStatus.PASSED),
        ("expiry", CheckStatus.SKIPPED),
    ]
    assert checks[-2].detail == "issuedOn 2024-07-01T00:00:00+00:00"


def test_a_signed_badge_is_judged_on_the_signed_text_not_the_payload_beside_it(
    issuer: Ob2Issuer,
) -> None:
    signed = issuer.signed_assertion(issuedOn="2024-07-01T00:00:00Z")
    read = _envelope(sign_jws(signed, issuer.key))
    payload = {k: v for k, v in signed.items() if k != "recipient"}
    envelope = Envelope(
        read.format,
        read.source,
        read.raw,
        read.media_type,
        payload | {"issuedOn": "2026-07-01T00:00:00Z"},
        read.secured,
    )
    checks = verify_ob2(envelope, _ctx())
    assert _codes(checks)[-3:] == [
        ("recipient", CheckStatus.PASSED),
        ("not_before", CheckStatus.PASSED),
        ("expiry", CheckStatus.SKIPPED),
    ]
    assert checks[-2].detail == "issuedOn 2024-07-01T00:00:00+00:00"


def test_a_signed_badge_whose_signature_fails_is_judged_on_its_payload(
    issuer: Ob2Issuer,
) -> None:
    signed = issuer.signed_assertion(issuedOn="2026-07-01T00:00:00Z")
    other = ec.generate_private_key(ec.SECP256R1())
    checks = verify_ob2(_envelope(sign_jws(signed, other)), _ctx())
    assert ("proof", CheckStatus.FAILED) in _codes(checks)
    assert _codes(checks)[-3:] == [
        ("recipient", CheckStatus.PASSED),
        ("not_before", CheckStatus.FAILED),
        ("expiry", CheckStatus.SKIPPED),
    ]
    assert checks[-2].detail == "issuedOn 2026-07-01T00:00:00+00:00"


# -- dates -----------------------------------------------------------------------------------------


def test_no_dates_give_only_the_expiry_skipped() -> None:
    assert date_checks({}, AT) == [NO_EXPIRY]


@pytest.mark.parametrize(
    ("issued", "message", "status"),
    [
        ("2024-12-31T23:59:59Z", ISSUED_BEFORE, CheckStatus.PASSED),
        ("2025-01-01T00:00:00Z", ISSUED_BEFORE, CheckStatus.PASSED),
        ("2025-01-01T00:00:01Z", ISSUED_AFTER, CheckStatus.FAILED),
    ],
    ids=["before", "at", "after"],
)
def test_issued_on_is_judged_against_the_moment_of_checking(
    issued: str, message: Message, status: CheckStatus
) -> None:
    detail = "issuedOn " + issued.replace("Z", "+00:00")
    assert date_checks({"issuedOn": issued}, AT) == [
        Check("not_before", status, message, detail=detail),
        NO_EXPIRY,
    ]


def test_an_unreadable_issued_on_gives_no_not_before_check() -> None:
    assert date_checks({"issuedOn": "yesterday"}, AT) == [NO_EXPIRY]


def test_expires_is_judged_under_its_own_name() -> None:
    checks = date_checks({"issuedOn": "2024-05-01", "expires": "2024-06-01T00:00:00Z"}, AT)
    assert checks == [
        Check(
            "not_before",
            CheckStatus.PASSED,
            ISSUED_BEFORE,
            detail="issuedOn 2024-05-01T00:00:00+00:00",
        ),
        Check(
            "expiry",
            CheckStatus.FAILED,
            Message("The credential has expired.", "Poświadczenie straciło ważność."),
            detail="expires: 2024-06-01T00:00:00+00:00",
        ),
    ]


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01Z", datetime(2024, 5, 1, tzinfo=UTC)),
        (
            "2024-05-01T12:00:00+02:00",
            datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("1 May 2024", None),
        ("", None),
        (1714557600, None),
        (None, None),
    ],
    ids=[
        "z-upper",
        "z-lower",
        "naive",
        "date",
        "date-z",
        "offset",
        "text",
        "empty",
        "number",
        "none",
    ],
)
def test_assertion_dates_read_iso_instants(value: Any, instant: datetime | None) -> None:
    dates = assertion_dates({"issuedOn": value, "expires": value})
    assert dates == AssertionDates(instant, instant)
    if instant is not None:
        assert dates.issued_on is not None and dates.issued_on.utcoffset() == instant.utcoffset()


def test_assertion_dates_read_each_property() -> None:
    dates = assertion_dates({"issuedOn": "2024-05-01", "expires": "2026-05-01"})
    assert dates == AssertionDates(
        datetime(2024, 5, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    )
