"""A report's standing: forgeries apart from credentials that expired or were revoked."""

from __future__ import annotations

import pytest

from wallet.verification.report import Check, CheckStatus, Report, Verdict, make_check
from wallet.verification.standing import Standing, standing_from, standing_of

P, F, W, S = CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.WARNING, CheckStatus.SKIPPED


def report(**statuses: CheckStatus) -> Report:
    return Report.of(make_check(code, status, code, code) for code, status in statuses.items())


def optional(code: str, status: CheckStatus) -> Check:
    return make_check(code, status, code, code, required=False)


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
        ({"proof": P, "expiry": F, "revocation": S}, Standing.UNVERIFIABLE),
        ({"proof": S, "expiry": P, "revocation": F}, Standing.UNVERIFIABLE),
        ({"proof": F, "expiry": S, "revocation": S}, Standing.FAILED),
        ({"proof": W, "expiry": P, "revocation": P}, Standing.VERIFIED),
        ({"proof": W, "expiry": F, "revocation": P}, Standing.EXPIRED),
        ({"proof": P, "expiry": W, "revocation": F}, Standing.REVOKED),
        ({"issuer": F}, Standing.FAILED),
        ({"Expiry": F}, Standing.FAILED),
        ({"revocation ": F}, Standing.FAILED),
        ({}, Standing.VERIFIED),
    ],
)
def test_standing_of_report_names_state_changes_apart_from_forgeries(
    statuses: dict[str, CheckStatus], expected: Standing
) -> None:
    assert standing_of(report(**statuses)) is expected


@pytest.mark.parametrize(
    ("code", "expected"), [("expiry", Standing.EXPIRED), ("revocation", Standing.REVOKED)]
)
def test_standing_of_state_change_beside_an_optional_check_not_run_stands(
    code: str, expected: Standing
) -> None:
    checks = [make_check("proof", P, "", ""), make_check(code, F, "", ""), optional("schema", S)]

    assert standing_of(Report.of(checks)) is expected


def test_standing_of_state_check_failed_once_and_passed_once_counts_as_failed() -> None:
    checks = [make_check("expiry", P, "", ""), make_check("expiry", F, "", "")]

    assert standing_of(Report.of(checks)) is Standing.EXPIRED


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [(Verdict.VERIFIED, Standing.VERIFIED), (Verdict.UNVERIFIABLE, Standing.UNVERIFIABLE)],
)
def test_standing_from_verdict_not_failed_is_the_verdict_whatever_the_report(
    verdict: Verdict, expected: Standing
) -> None:
    assert standing_from(verdict, report(proof=F, revocation=F)) is expected
    assert standing_from(verdict, report(proof=P)) is expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({"proof": P, "expiry": F}, Standing.EXPIRED),
        ({"proof": P, "revocation": F}, Standing.REVOKED),
        ({"proof": F, "revocation": F}, Standing.FAILED),
        ({"proof": S, "expiry": F}, Standing.UNVERIFIABLE),
    ],
)
def test_standing_from_failed_verdict_is_refined_by_its_failed_report(
    statuses: dict[str, CheckStatus], expected: Standing
) -> None:
    assert standing_from(Verdict.FAILED, report(**statuses)) is expected


@pytest.mark.parametrize(
    "statuses", [{}, {"proof": P, "expiry": P}, {"proof": S}, {"proof": W, "revocation": S}]
)
def test_standing_from_failed_verdict_with_a_report_that_did_not_fail_is_failed(
    statuses: dict[str, CheckStatus],
) -> None:
    assert standing_from(Verdict.FAILED, report(**statuses)) is Standing.FAILED
