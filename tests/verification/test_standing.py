"""A report's standing: forgeries apart from credentials that expired or were revoked."""

from __future__ import annotations

import pytest

from wallet.verification.report import CheckStatus, Report, make_check
from wallet.verification.standing import Standing, standing_of

P, F, S = CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.SKIPPED


def report(**statuses: CheckStatus) -> Report:
    return Report.of(make_check(code, status, code, code) for code, status in statuses.items())


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({"proof": P, "expiry": P, "revocation": P}, Standing.VERIFIED),
        ({"proof": P, "expiry": F, "revocation": P}, Standing.EXPIRED),
        ({"proof": P, "expiry": P, "revocation": F}, Standing.REVOKED),
        ({"proof": P, "expiry": F, "revocation": F}, Standing.REVOKED),
        ({"proof": F, "expiry": F, "revocation": P}, Standing.FAILED),
        ({"proof": F, "expiry": P, "revocation": F}, Standing.FAILED),
        ({"proof": S, "expiry": P, "revocation": P}, Standing.UNVERIFIABLE),
        ({"proof": S, "expiry": F, "revocation": P}, Standing.UNVERIFIABLE),
        ({"proof": P, "expiry": P, "revocation": S}, Standing.UNVERIFIABLE),
    ],
)
def test_standing_of_report_names_state_changes_apart_from_forgeries(
    statuses: dict[str, CheckStatus], expected: Standing
) -> None:
    assert standing_of(report(**statuses)) is expected
