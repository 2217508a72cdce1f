"""One entry point for every format: verify an envelope and report what the run fetched."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from wallet.envelope import CredentialFormat, Envelope
from wallet.errors import CredentialFormatError
from wallet.fetching import RecordingFetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity
from wallet.verification.dates import check_credential_dates, check_validity_period
from wallet.verification.jades import decode_jades, verify_jades
from wallet.verification.jsonld import ContextLoader
from wallet.verification.ob2 import verify_ob2
from wallet.verification.recipient import check_recipient
from wallet.verification.report import Check, CheckStatus, Message, Report
from wallet.verification.sd_jwt import verify_sd_jwt
from wallet.verification.status import ListCredential, check_status
from wallet.verification.vc_jwt import decode_vc_jwt, verify_vc_jwt
from wallet.verification.xades import verify_xades

VC_CONTEXTS = ("https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2")


@dataclass(frozen=True)
class Verification:
    """A report, and the JSON documents fetched while making it (keyed by URL)."""

    report: Report
    linked: Mapping[str, JsonObject]


def verify_envelope(envelope: Envelope, ctx: VerificationContext) -> Verification:
    """Run every check that applies to ``envelope``; never raises for a bad credential."""
    recorder = RecordingFetcher(ctx.fetcher)
    run = replace(ctx, fetcher=recorder)
    loader = ContextLoader(recorder, ctx.context_store, strict=ctx.strict_contexts)
    checks = _VERIFIERS[envelope.format](envelope, run, loader)
    return Verification(Report.of(checks), _json_documents(recorder))


def _ob2(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    return verify_ob2(envelope, ctx)


def _data_integrity(
    envelope: Envelope, ctx: VerificationContext, loader: ContextLoader
) -> list[Check]:
    credential = envelope.payload
    return [
        schema_check(credential),
        *verify_data_integrity(credential, ctx, loader, web_scheme=ctx.web_scheme),
        *_credential_checks(credential, ctx, loader),
    ]


def _vc_jwt(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    token = envelope.secured or ""
    try:
        credential = decode_vc_jwt(token)
    except CredentialFormatError as error:
        return [_format_failure(error)]
    return [
        schema_check(credential),
        *verify_vc_jwt(token, ctx, web_scheme=ctx.web_scheme),
        *_credential_checks(credential, ctx, loader),
    ]


def _clr(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    if envelope.secured:
        return _vc_jwt(envelope, ctx, loader)
    return _data_integrity(envelope, ctx, loader)


def _elm_jsonld(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    if "proof" in envelope.payload:
        return _data_integrity(envelope, ctx, loader)
    unsealed = Check(
        "proof",
        CheckStatus.SKIPPED,
        Message(
            "This credential carries no seal or signature, so nobody can confirm who issued it.",
            "To poświadczenie nie ma pieczęci ani podpisu, więc nie da się potwierdzić wystawcy.",
        ),
    )
    return [
        schema_check(envelope.payload),
        unsealed,
        *_credential_checks(envelope.payload, ctx, loader),
    ]


def _elm_jades(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    sealed = envelope.secured or ""
    try:
        credential = decode_jades(sealed)
    except CredentialFormatError as error:
        return [_format_failure(error)]
    return [
        schema_check(credential),
        *verify_jades(sealed, ctx),
        *_credential_checks(credential, ctx, loader),
    ]


def _elm_xml(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    return [
        *verify_xades(envelope.raw, ctx),
        *_credential_checks(envelope.payload, ctx, loader),
    ]


def _sd_jwt(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    claims = envelope.payload
    checks = verify_sd_jwt(envelope.secured or "", ctx, web_scheme=ctx.web_scheme)
    if "@context" in claims and "nbf" not in claims and "exp" not in claims:
        # A W3C credential payload (RFC 9901 A.4) states its validity as credential dates.
        return checks + check_credential_dates(claims, ctx.at)
    return checks + check_validity_period(
        _epoch(claims.get("nbf")),
        _epoch(claims.get("exp")),
        ctx.at,
        from_field="nbf",
        until_field="exp",
    )


def _pdf(envelope: Envelope, ctx: VerificationContext, loader: ContextLoader) -> list[Check]:
    # pyHanko is loaded only when a PDF is checked: it slows every start-up otherwise.
    from wallet.verification.pades import verify_pdf

    return verify_pdf(envelope.raw, ctx)


def _credential_checks(
    credential: JsonObject, ctx: VerificationContext, loader: ContextLoader
) -> list[Check]:
    """Dates, status and recipient: the checks every W3C credential shares."""

    def verify_list_proof(listed: ListCredential) -> list[Check]:
        if listed.token:
            return verify_vc_jwt(listed.token, ctx, web_scheme=ctx.web_scheme)
        return verify_data_integrity(listed.credential, ctx, loader, web_scheme=ctx.web_scheme)

    return [
        *check_credential_dates(credential, ctx.at),
        *check_status(credential, ctx, verify_list_proof),
        check_recipient(credential, ctx),
    ]


def schema_check(credential: JsonObject) -> Check:
    """The ``schema`` check: the shape every verifiable credential must have."""
    problems = []
    context = credential.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first not in VC_CONTEXTS:
        problems.append("@context does not start with a W3C credentials context")
    types = credential.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        problems.append("type does not include VerifiableCredential")
    if not credential.get("issuer"):
        problems.append("issuer is missing")
    if not credential.get("credentialSubject"):
        problems.append("credentialSubject is missing")
    if problems:
        return Check(
            "schema",
            CheckStatus.FAILED,
            Message(
                "The credential is not shaped like a verifiable credential.",
                "Poświadczenie nie ma struktury weryfikowalnego poświadczenia.",
            ),
            detail="; ".join(problems),
        )
    return Check(
        "schema",
        CheckStatus.PASSED,
        Message(
            "The credential has every part a verifiable credential needs.",
            "Poświadczenie ma wszystkie elementy wymagane od weryfikowalnego poświadczenia.",
        ),
    )


def _format_failure(error: CredentialFormatError) -> Check:
    return Check(
        "format",
        CheckStatus.FAILED,
        Message("The credential cannot be read.", "Nie można odczytać poświadczenia."),
        detail=error.detail,
    )


def _epoch(value: JsonValue) -> str | None:
    """A JWT NumericDate as an ISO timestamp, so the date checks read it like any other."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC).isoformat()


def _json_documents(recorder: RecordingFetcher) -> dict[str, JsonObject]:
    documents = {}
    for url, fetched in recorder.responses.items():
        document = _as_json(fetched.body) if fetched.status == 200 else None
        if document is not None:
            documents[url] = document
    return documents


def _as_json(body: bytes) -> JsonObject | None:
    try:
        return parse_json_object(body)
    except CredentialFormatError:
        return None


_Verifier = Callable[[Envelope, VerificationContext, ContextLoader], list[Check]]
_VERIFIERS: dict[CredentialFormat, _Verifier] = {
    CredentialFormat.OB2_HOSTED: _ob2,
    CredentialFormat.OB2_SIGNED: _ob2,
    CredentialFormat.VC_DATA_INTEGRITY: _data_integrity,
    CredentialFormat.VC_JWT: _vc_jwt,
    CredentialFormat.CLR2: _clr,
    CredentialFormat.ELM_JSONLD: _elm_jsonld,
    CredentialFormat.ELM_JADES: _elm_jades,
    CredentialFormat.ELM_XML: _elm_xml,
    CredentialFormat.SD_JWT_VC: _sd_jwt,
    CredentialFormat.PDF_DOCUMENT: _pdf,
}
