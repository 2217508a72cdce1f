"""Validity-period checks for VCDM 2.0 and 1.1 credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wallet.verification.dates import check_credential_dates, check_validity_period
from wallet.verification.report import Check, CheckStatus

AT = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
SKIP, P, F = CheckStatus.SKIPPED, CheckStatus.PASSED, CheckStatus.FAILED


def _statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {check.code: check.status for check in checks}


def test_validity_period_inside_passes() -> None:
    checks = check_validity_period("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", AT)
    assert _statuses(checks) == {"not_before": CheckStatus.PASSED, "expiry": CheckStatus.PASSED}


def test_validity_period_not_yet_valid_fails_not_before() -> None:
    checks = check_validity_period("2027-06-01T12:00:01Z", None, AT)
    assert _statuses(checks)["not_before"] is CheckStatus.FAILED


def test_validity_period_expired_fails_expiry() -> None:
    checks = check_validity_period("2020-01-01T00:00:00Z", "2027-06-01T11:59:59Z", AT)
    assert _statuses(checks) == {"not_before": CheckStatus.PASSED, "expiry": CheckStatus.FAILED}


def test_validity_period_offset_is_honoured() -> None:
    # 13:30+02:00 is 11:30Z, before AT: expired.
    checks = check_validity_period(None, "2027-06-01T13:30:00+02:00", AT)
    assert _statuses(checks)["expiry"] is CheckStatus.FAILED


def test_validity_period_absent_dates_skipped_not_required() -> None:
    checks = check_validity_period(None, None, AT)
    assert all(c.status is CheckStatus.SKIPPED and not c.required for c in checks)


@pytest.mark.parametrize("value", ["2027-13-01T00:00:00Z", "yesterday", "2027-01-01", 20270101])
def test_validity_period_malformed_fails_naming_field(value: object) -> None:
    checks = check_validity_period(None, value, AT, until_field="expirationDate")  # type: ignore[arg-type]
    expiry = checks[1]
    assert (expiry.code, expiry.status) == ("expiry", CheckStatus.FAILED)
    assert expiry.message.en and expiry.message.pl
    assert expiry.detail is not None and expiry.detail.startswith("expirationDate")


def test_credential_dates_v1_fields_read() -> None:
    credential = {"issuanceDate": "2026-01-01T00:00:00Z", "expirationDate": "2027-01-01T00:00:00Z"}
    checks = check_credential_dates(credential, AT)
    assert _statuses(checks) == {"not_before": CheckStatus.PASSED, "expiry": CheckStatus.FAILED}
    assert checks[1].detail is not None and checks[1].detail.startswith("expirationDate")


def test_credential_dates_v2_fields_preferred() -> None:
    credential = {"validFrom": "2028-01-01T00:00:00Z", "issuanceDate": "2026-01-01T00:00:00Z"}
    assert _statuses(check_credential_dates(credential, AT))["not_before"] is CheckStatus.FAILED


@pytest.mark.parametrize(
    ("offset", "expiry", "not_before"),
    [(-1, "passed", "failed"), (0, "passed", "passed"), (1, "failed", "passed")],
)
def test_check_validity_period_boundary_instant_is_inside(
    offset: int, expiry: str, not_before: str
) -> None:
    """At exactly validFrom or validUntil the credential is valid; a second beyond, not."""
    instant = "2025-06-01T00:00:00Z"
    at = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(seconds=offset)
    until = {c.code: c.status for c in check_validity_period(None, instant, at)}
    since = {c.code: c.status for c in check_validity_period(instant, None, at)}
    named = [c.detail for c in check_validity_period(instant, instant, at)]
    assert [(d or "").split(":")[0] for d in named] == ["validFrom", "validUntil"]
    assert (until["expiry"], since["not_before"]) == (CheckStatus(expiry), CheckStatus(not_before))


PAST, FUTURE = "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"  # around AT


@pytest.mark.parametrize(
    ("credential", "expected"),
    [
        (
            {"validUntil": PAST},
            {"not_before": (SKIP, "validFrom"), "expiry": (F, "validUntil")},
        ),
        (
            {"validFrom": FUTURE, "validUntil": FUTURE},
            {"not_before": (F, "validFrom"), "expiry": (P, "validUntil")},
        ),
        (
            {"validFrom": PAST},
            {"not_before": (P, "validFrom"), "expiry": (SKIP, "validUntil")},
        ),
        (
            {"validFrom": PAST, "expirationDate": PAST},
            {"not_before": (P, "validFrom"), "expiry": (F, "expirationDate")},
        ),
        (
            {"issuanceDate": FUTURE},
            {"not_before": (F, "issuanceDate"), "expiry": (SKIP, "expirationDate")},
        ),
        (
            {"validFrom": "2027-06-01T12:00:01", "validUntil": "2027-06-01T11:59:59"},
            {"not_before": (F, "validFrom"), "expiry": (F, "validUntil")},
        ),
    ],
    ids=["v2-until-only", "v2-both", "v2-from-only", "edc-mixed", "v1-from-only", "no-offset-utc"],
)
def test_credential_dates_each_field_decides_and_is_named(
    credential: dict[str, str], expected: dict[str, tuple[CheckStatus, str]]
) -> None:
    checks = check_credential_dates(credential, AT)  # type: ignore[arg-type]
    found = {c.code: (c.status, (c.detail or "").split(":")[0]) for c in checks}
    assert found == expected
    for check in checks:
        assert check.message.en and check.message.pl
        assert check.required is (check.status is not CheckStatus.SKIPPED)
