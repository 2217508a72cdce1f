"""Validity periods: VCDM 2.0 validFrom/validUntil and 1.1 issuanceDate/expirationDate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.report import Check, CheckStatus, Message

# XML Schema dateTime as VCDM requires it; a missing offset is read as UTC.
_DATETIME = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", re.IGNORECASE
)


@dataclass(frozen=True)
class ValidityPeriod:
    """The raw start and end of validity as the credential states them, with their field names."""

    valid_from: JsonValue
    valid_until: JsonValue
    from_field: str = "validFrom"
    until_field: str = "validUntil"


def read_validity_period(credential: JsonObject) -> ValidityPeriod:
    """The validity fields of a VCDM 2.0 credential, or of a 1.1 one when those are absent."""
    if "validFrom" in credential and "validUntil" not in credential:
        # ELM 3 (EDC) states validFrom beside the VCDM 1.1 expirationDate.
        return ValidityPeriod(
            credential.get("validFrom"),
            credential.get("expirationDate"),
            until_field="expirationDate" if "expirationDate" in credential else "validUntil",
        )
    if "validFrom" in credential or "validUntil" in credential:
        return ValidityPeriod(credential.get("validFrom"), credential.get("validUntil"))
    return ValidityPeriod(
        credential.get("issuanceDate"),
        credential.get("expirationDate"),
        from_field="issuanceDate",
        until_field="expirationDate",
    )


def check_validity_period(
    valid_from: JsonValue,
    valid_until: JsonValue,
    at: datetime,
    *,
    from_field: str = "validFrom",
    until_field: str = "validUntil",
) -> list[Check]:
    """``not_before`` and ``expiry`` checks of the period at instant ``at``."""
    return [
        _bound("not_before", valid_from, from_field, at, before=True),
        _bound("expiry", valid_until, until_field, at, before=False),
    ]


def check_credential_dates(credential: JsonObject, at: datetime) -> list[Check]:
    """``not_before`` and ``expiry`` checks of a credential JSON object at instant ``at``."""
    period = read_validity_period(credential)
    return check_validity_period(
        period.valid_from,
        period.valid_until,
        at,
        from_field=period.from_field,
        until_field=period.until_field,
    )


def parse_datetime(value: str) -> datetime | None:
    """A timezone-aware instant from an XML Schema dateTime, or ``None`` if malformed."""
    if not _DATETIME.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _bound(code: str, value: JsonValue, field: str, at: datetime, *, before: bool) -> Check:
    if value is None:
        return Check(code, CheckStatus.SKIPPED, _ABSENT[code], required=False, detail=field)
    instant = parse_datetime(value) if isinstance(value, str) else None
    if instant is None:
        message = Message(
            f"The date in {field} is not a valid date and time.",
            f"Data w polu {field} nie jest prawidłową datą i godziną.",
        )
        return Check(code, CheckStatus.FAILED, message, detail=f"{field}: {value!r}")
    outside = at < instant if before else at > instant
    detail = f"{field}: {instant.isoformat()}"
    if outside:
        return Check(code, CheckStatus.FAILED, _OUTSIDE[code], detail=detail)
    return Check(code, CheckStatus.PASSED, _INSIDE[code], detail=detail)


_ABSENT = {
    "not_before": Message(
        "The credential states no start of validity.",
        "Poświadczenie nie podaje początku ważności.",
    ),
    "expiry": Message(
        "The credential does not expire.",
        "Poświadczenie nie ma terminu ważności.",
    ),
}
_OUTSIDE = {
    "not_before": Message(
        "The credential is not valid yet.",
        "Poświadczenie nie jest jeszcze ważne.",
    ),
    "expiry": Message(
        "The credential has expired.",
        "Poświadczenie straciło ważność.",
    ),
}
_INSIDE = {
    "not_before": Message(
        "The credential's validity has begun.",
        "Okres ważności poświadczenia już się rozpoczął.",
    ),
    "expiry": Message(
        "The credential has not expired.",
        "Poświadczenie nie straciło ważności.",
    ),
}
