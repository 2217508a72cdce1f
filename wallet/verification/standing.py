"""A credential's standing: the one vocabulary holders and recruiters read a verdict in."""

from __future__ import annotations

import enum

from wallet.verification.report import CheckStatus, Report, Verdict

# Checks whose failure proves a change of state rather than a forgery: the credential was
# genuine, and the issuer or the calendar has since ended it.
_STATE_CHECKS = frozenset({"expiry", "revocation"})


class Standing(enum.Enum):
    """What a verification report means for a person reading it."""

    VERIFIED = "verified"
    EXPIRED = "expired"
    REVOKED = "revoked"
    FAILED = "failed"
    UNVERIFIABLE = "unverifiable"


def standing_of(report: Report) -> Standing:
    """The standing ``report`` gives: expired and revoked only when nothing else is wrong."""
    failed = {check.code for check in report.checks if check.status is CheckStatus.FAILED}
    if failed - _STATE_CHECKS:
        return Standing.FAILED
    rest = Report.of(check for check in report.checks if check.code not in failed)
    if rest.verdict is Verdict.UNVERIFIABLE:
        return Standing.UNVERIFIABLE
    if "revocation" in failed:
        return Standing.REVOKED
    if "expiry" in failed:
        return Standing.EXPIRED
    return Standing.VERIFIED


def standing_from(verdict: Verdict, report: Report) -> Standing:
    """The standing of a stored credential: its verdict, refined by its report when failed."""
    if verdict is not Verdict.FAILED:
        return Standing(verdict.value)
    return standing_of(report) if report.verdict is Verdict.FAILED else Standing.FAILED
