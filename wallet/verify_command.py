"""The service behind ``wallet verify``: turn files and URLs into one verification result each."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from wallet import importing
from wallet.envelope import CredentialFormat, EntryFailure, Envelope, clr_payloads, with_container
from wallet.errors import CredentialFormatError, FetchError, ValidationError, WalletError
from wallet.fetching import DocumentMapFetcher, Fetcher, OfflineFetcher, SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.records import CredentialRecord, record_to_json
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Message, Report
from wallet.verification.verifier import verify_envelope

SOURCE_ACCEPT = "application/ld+json, application/json, image/png, image/svg+xml, */*;q=0.5"
# A source file is read whole before the readers apply their own, format-specific caps.
MAX_SOURCE_BYTES = 100 * 1024 * 1024
_UNREADABLE_FILE = "unreadable_file"


@dataclass(frozen=True)
class SourceResult:
    """One credential found in a source (or the reason none could be read), and its report."""

    source: str
    format: CredentialFormat | None
    report: Report
    record: CredentialRecord | None


def make_fetcher(
    documents: Path | None, *, offline: bool = False, allow_loopback: bool = False
) -> Fetcher:
    """The run's fetcher: the document map first, then the network unless ``offline``.

    Raises ``FetchError`` when the document map cannot be read.
    """
    network: Fetcher | None = None if offline else SafeFetcher(allow_loopback=allow_loopback)
    if documents is not None:
        return DocumentMapFetcher(documents, fallback=network)
    return network if network is not None else OfflineFetcher()


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a date alone is midnight UTC and a naive time is read as UTC."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{text!r} is not an ISO 8601 date or date-time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def verify_sources(sources: Sequence[str], ctx: VerificationContext) -> Iterator[SourceResult]:
    """Results for every credential in ``sources`` (files or http(s) URLs), in order."""
    for source in sources:
        try:
            data = _read_source(source, ctx.fetcher)
        except WalletError as error:
            yield failure(source, error.code, error.detail)
            continue
        yield from verify_bytes(data, source, ctx)


def verify_bytes(data: bytes, source: str, ctx: VerificationContext) -> list[SourceResult]:
    """Results for every credential in one file's bytes (a CLR or ZIP gives several)."""
    try:
        found = importing.read_any(data, source)
    except WalletError as error:
        return [failure(source, error.code, error.detail)]
    if not found:
        return [failure(source, CredentialFormatError.code, "no credential was found in it")]
    containers = clr_payloads(found)
    results = []
    for item in found:
        if isinstance(item, EntryFailure):
            results.append(failure(item.source, item.error_code, item.detail or item.message))
        else:
            results.append(verify_one(item, ctx, containers))
    return results


def verify_one(
    envelope: Envelope, ctx: VerificationContext, containers: Mapping[str, JsonObject]
) -> SourceResult:
    """Verify one envelope, then normalise it with what the run fetched and its container."""
    verification = verify_envelope(envelope, ctx)
    linked = with_container(verification.linked, envelope, containers)
    checks = verification.report.checks
    try:
        record: CredentialRecord | None = importing.normalise(envelope, linked)
    except CredentialFormatError as error:
        record = None
        checks += (_unreadable_check(error.detail),)
    return SourceResult(envelope.source, envelope.format, Report(checks), record)


def failure(source: str, code: str, message: str) -> SourceResult:
    """The result of a source or archive entry that holds nothing readable."""
    return SourceResult(source, None, Report((_failed_check(code, message),)), None)


def result_to_json(result: SourceResult, language: str = "en") -> JsonObject:
    """The ``--json`` line of one result; messages in ``language``."""
    return {
        "source": result.source,
        "format": result.format.value if result.format else None,
        "verdict": result.report.verdict.value,
        "checks": [
            {
                "code": check.code,
                "status": check.status.value,
                "message": check.message.in_language(language),
            }
            for check in result.report.checks
        ],
        "credential": record_to_json(result.record) if result.record else None,
    }


def result_to_text(result: SourceResult, language: str = "en") -> str:
    """A readable summary: source, format, verdict, then one line per check."""
    title = result.record.title.get(language) if result.record else None
    lines = [result.source]
    if title:
        lines.append(f"  credential: {title}")
    lines.append(f"  format:     {result.format.value if result.format else 'unknown'}")
    lines.append(f"  verdict:    {result.report.verdict.value.upper()}")
    for check in result.report.checks:
        status = check.status.value
        lines.append(f"  {status:8} {check.code:18} {check.message.in_language(language)}")
        if check.detail and check.status is not CheckStatus.PASSED:
            lines.append(f"  {'':8} {'':18} ({check.detail})")
    return "\n".join(lines)


def result_line(result: SourceResult, language: str = "en") -> str:
    """One result as a single line of JSON."""
    return json.dumps(result_to_json(result, language), ensure_ascii=False)


def _read_source(source: str, fetcher: Fetcher) -> bytes:
    if source.startswith(("https://", "http://")):
        fetched = fetcher.fetch(source, accept=SOURCE_ACCEPT)
        if fetched.status != 200:
            raise FetchError(f"{source} answered with HTTP status {fetched.status}")
        return fetched.body
    path = Path(source)
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise CredentialFormatError(f"the file is larger than {MAX_SOURCE_BYTES} bytes")
        return path.read_bytes()
    except OSError as error:
        raise WalletError(
            f"cannot read {source}: {error.strerror}", code=_UNREADABLE_FILE
        ) from None


def _failed_check(code: str, message: str) -> Check:
    return Check(
        code,
        CheckStatus.FAILED,
        Message(f"This cannot be read: {message}", f"Nie można tego odczytać: {message}"),
    )


def _unreadable_check(message: str) -> Check:
    return Check(
        "format",
        CheckStatus.FAILED,
        Message(
            "The credential's content cannot be read.", "Nie można odczytać treści poświadczenia."
        ),
        detail=message,
    )
