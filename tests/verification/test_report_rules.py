"""Reports, rule by rule: the verdict checks add up to, the language chosen, the stored form.

A report is stored as JSON and read back for every page that shows it, so the stored form is
compared whole and read back to the same report, including the defaults of older records.
"""

from __future__ import annotations

from typing import Any

import pytest

from wallet.verification.report import (
    Check,
    CheckStatus,
    Message,
    Report,
    Verdict,
    make_check,
    report_from_json,
    report_to_json,
)

P, F, W, S = CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.WARNING, CheckStatus.SKIPPED
PROOF = make_check("proof", P, "The signature is valid.", "Podpis jest prawidłowy.")
SKIPPED_STATUS = make_check(
    "revocation",
    S,
    "Whether the issuer revoked this credential could not be checked now.",
    "Nie udało się teraz sprawdzić, czy wystawca unieważnił to poświadczenie.",
    required=False,
    detail="the status list answered HTTP 503",
)


def check(code: str, status: CheckStatus, *, required: bool = True) -> Check:
    return make_check(code, status, code, code, required=required)


def test_message_in_polish_and_english_otherwise() -> None:
    message = Message("The signature is valid.", "Podpis jest prawidłowy.")

    assert message.in_language("pl") == "Podpis jest prawidłowy."
    assert message.in_language("en") == "The signature is valid."
    assert message.in_language("de") == "The signature is valid."
    assert message.in_language("PL") == "The signature is valid."


def test_make_check_keeps_every_part_and_defaults_to_required_without_detail() -> None:
    made = make_check("expiry", F, "It expired.", "Wygasło.")

    assert made == Check("expiry", F, Message("It expired.", "Wygasło."), True, None)
    assert make_check("expiry", W, "en", "pl", required=False, detail="d") == Check(
        "expiry", W, Message("en", "pl"), False, "d"
    )


@pytest.mark.parametrize(
    ("checks", "verdict"),
    [
        ([], Verdict.VERIFIED),
        ([check("a", P), check("b", W)], Verdict.VERIFIED),
        ([check("a", P), check("b", S, required=False)], Verdict.VERIFIED),
        ([check("a", P), check("b", S)], Verdict.UNVERIFIABLE),
        ([check("a", S, required=False), check("b", S)], Verdict.UNVERIFIABLE),
        ([check("a", P), check("b", F, required=False)], Verdict.FAILED),
        ([check("a", S), check("b", F)], Verdict.FAILED),
        ([check("a", F), check("b", S)], Verdict.FAILED),
    ],
)
def test_report_verdict_failed_over_unverifiable_over_verified(
    checks: list[Check], verdict: Verdict
) -> None:
    assert Report.of(checks).verdict is verdict


def test_report_find_gives_the_first_check_of_a_code_or_none() -> None:
    first, second = make_check("proof", P, "1", "1"), make_check("proof", F, "2", "2")
    report = Report.of(iter([check("schema", P), first, second]))

    assert report.find("proof") is first
    assert report.find("expiry") is None
    assert Report.of([]).find("proof") is None


def test_report_of_keeps_the_checks_in_order() -> None:
    checks = [check("b", P), check("a", F)]

    assert Report.of(check for check in checks) == Report((checks[0], checks[1]))


def test_report_to_json_stores_every_check_in_both_languages() -> None:
    stored = report_to_json(Report.of([PROOF, SKIPPED_STATUS]))

    assert stored == [
        {
            "code": "proof",
            "status": "passed",
            "required": True,
            "message": {"en": "The signature is valid.", "pl": "Podpis jest prawidłowy."},
            "detail": None,
        },
        {
            "code": "revocation",
            "status": "skipped",
            "required": False,
            "message": {
                "en": "Whether the issuer revoked this credential could not be checked now.",
                "pl": "Nie udało się teraz sprawdzić, czy wystawca unieważnił to poświadczenie.",
            },
            "detail": "the status list answered HTTP 503",
        },
    ]


@pytest.mark.parametrize("status", list(CheckStatus), ids=lambda s: s.value)
def test_report_from_json_reads_back_what_was_stored(status: CheckStatus) -> None:
    report = Report.of([PROOF, SKIPPED_STATUS, make_check("x", status, "e", "p", detail="")])

    assert report_from_json(report_to_json(report)) == report


def test_report_from_json_of_an_older_record_is_required_without_detail() -> None:
    stored: list[dict[str, Any]] = [
        {"code": "proof", "status": "failed", "message": {"en": "Bad.", "pl": "Zły."}}
    ]

    assert report_from_json(stored) == Report((make_check("proof", F, "Bad.", "Zły."),))


def test_report_from_json_reads_values_as_text_and_flags() -> None:
    stored: list[dict[str, Any]] = [
        {
            "code": 7,
            "status": "warning",
            "required": 0,
            "message": {"en": 1, "pl": 2},
            "detail": 404,
        }
    ]

    assert report_from_json(stored) == Report(
        (Check("7", W, Message("1", "2"), required=False, detail="404"),)
    )


def test_report_from_json_of_nothing_is_an_empty_report() -> None:
    assert report_from_json([]) == Report(())
