"""Verification results as data: checks with stable codes, and the verdict they add up to."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class CheckStatus(enum.Enum):
    """The outcome of one check."""

    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    SKIPPED = "skipped"


class Verdict(enum.Enum):
    """The overall judgement on a credential."""

    VERIFIED = "verified"
    FAILED = "failed"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True)
class Message:
    """A plain-language sentence in both UI languages."""

    en: str
    pl: str

    def in_language(self, language: str) -> str:
        """The sentence in ``language`` ("pl" or "en"), English otherwise."""
        return self.pl if language == "pl" else self.en


@dataclass(frozen=True)
class Check:
    """One verification step.

    ``required`` marks checks without which the credential cannot be called verified: a
    required check that is SKIPPED (it could not run) makes the verdict UNVERIFIABLE.
    """

    code: str
    status: CheckStatus
    message: Message
    required: bool = True
    detail: str | None = None


def make_check(
    code: str,
    status: CheckStatus,
    en: str,
    pl: str,
    *,
    required: bool = True,
    detail: str | None = None,
) -> Check:
    """A check with its sentence in English and Polish."""
    return Check(code, status, Message(en, pl), required, detail)


@dataclass(frozen=True)
class Report:
    """The checks run on one credential, in the order they ran."""

    checks: tuple[Check, ...]

    @property
    def verdict(self) -> Verdict:
        """FAILED if any check failed, UNVERIFIABLE if a required one could not run."""
        if any(check.status is CheckStatus.FAILED for check in self.checks):
            return Verdict.FAILED
        if any(c.required and c.status is CheckStatus.SKIPPED for c in self.checks):
            return Verdict.UNVERIFIABLE
        return Verdict.VERIFIED

    def find(self, code: str) -> Check | None:
        """The first check with ``code``, if it ran."""
        return next((check for check in self.checks if check.code == code), None)

    @classmethod
    def of(cls, checks: Iterable[Check]) -> Report:
        """A report from any iterable of checks."""
        return cls(tuple(checks))


def report_to_json(report: Report) -> list[dict[str, object]]:
    """The report as stored: one JSON object per check, messages in both languages."""
    return [
        {
            "code": check.code,
            "status": check.status.value,
            "required": check.required,
            "message": {"en": check.message.en, "pl": check.message.pl},
            "detail": check.detail,
        }
        for check in report.checks
    ]


def report_from_json(data: list[dict[str, object]]) -> Report:
    """The report ``report_to_json`` stored."""
    checks = []
    for item in data:
        message = item["message"]
        assert isinstance(message, dict)
        detail = item.get("detail")
        checks.append(
            Check(
                code=str(item["code"]),
                status=CheckStatus(item["status"]),
                message=Message(en=str(message["en"]), pl=str(message["pl"])),
                required=bool(item.get("required", True)),
                detail=str(detail) if detail is not None else None,
            )
        )
    return Report(tuple(checks))
