"""Open Badges 2.0 verification: hosted or signed, then the recipient and the dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from wallet.envelope import CredentialFormat, Envelope
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext
from wallet.verification.dates import check_validity_period
from wallet.verification.ob2_hosted import verify_hosted
from wallet.verification.ob2_signed import verify_signed
from wallet.verification.recipient import check_recipient
from wallet.verification.report import Check, CheckStatus, Message, make_check


@dataclass(frozen=True)
class AssertionDates:
    """When the badge was awarded and when it stops being valid (judged by the caller)."""

    issued_on: datetime | None
    expires: datetime | None


def verify_ob2(envelope: Envelope, ctx: VerificationContext) -> list[Check]:
    """Every check of an OB 2.0 envelope; fetch failures become SKIPPED checks, never errors.

    The recipient and the dates are judged on the assertion verified: the issuer's hosted copy,
    or the payload exactly as signed.
    """
    if envelope.format is CredentialFormat.OB2_HOSTED:
        checks, assertion = verify_hosted(envelope.payload, ctx)
    elif envelope.format is CredentialFormat.OB2_SIGNED:
        checks, signed = verify_signed(envelope.secured, ctx)
        assertion = signed if signed is not None else envelope.payload
    else:
        return [
            Check(
                "format",
                CheckStatus.FAILED,
                Message(
                    "This is not an Open Badges 2.0 badge.",
                    "To nie jest odznaka Open Badges 2.0.",
                ),
                detail=str(envelope.format.value),
            )
        ]
    if "recipient" in assertion:
        checks.append(check_recipient(assertion, ctx))
    return checks + date_checks(assertion, ctx.at)


def date_checks(assertion: JsonObject, at: datetime) -> list[Check]:
    """``not_before`` (an ``issuedOn`` after ``at`` is invalid) and ``expiry`` of an assertion."""
    issued = assertion_dates(assertion).issued_on
    expiry = check_validity_period(None, assertion.get("expires"), at, until_field="expires")
    checks = [check for check in expiry if check.code == "expiry"]
    if issued is None:
        return checks
    if issued > at:
        status, en, pl = (
            CheckStatus.FAILED,
            "The badge says it was issued after the time it was checked at.",
            "Odznaka podaje datę wydania późniejszą niż moment sprawdzenia.",
        )
    else:
        status, en, pl = (
            CheckStatus.PASSED,
            "The badge was issued before the time it was checked at.",
            "Odznakę wydano przed momentem sprawdzenia.",
        )
    return [
        make_check("not_before", status, en, pl, detail=f"issuedOn {issued.isoformat()}"),
        *checks,
    ]


def assertion_dates(assertion: JsonObject) -> AssertionDates:
    """The ``issuedOn`` and ``expires`` instants of an assertion, when they can be read."""
    return AssertionDates(_instant(assertion.get("issuedOn")), _instant(assertion.get("expires")))


def _instant(value: JsonValue) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
