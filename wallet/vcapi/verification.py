"""VC API ``/credentials/verify`` and ``/presentations/verify`` as a Flask-free service.

Requests are ``{"verifiableCredential": …, "options": {…}}`` and ``{"verifiablePresentation":
…, "options": {…}}`` (or a proofless ``{"presentation": …}``). A credential is a JSON-LD
credential, an ``EnvelopedVerifiableCredential`` (VCDM 2.0, a ``data:`` URL holding a VC-JWT or
an SD-JWT), or, as a convenience, the compact JWT or SD-JWT text itself. Every credential goes
through the engine the wallet uses. Nothing is stored.

The answer is 200 with ``verified: true`` only when the credential is verified; any other
standing (failed, expired, revoked, or unverifiable) answers 400 with ``verified: false``, the
checks that passed, the warnings and the errors (failed checks, and required checks that could
not run). A request that is not of the VC API's shape answers 400 with a parsing error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from wallet.errors import CredentialFormatError, ValidationError, WalletError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.vcapi.presentations import is_enveloped_presentation, open_enveloped_presentation
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, Report, make_check
from wallet.verification.sd_jwt import (
    DisclosureError,
    key_binding_check,
    parse_sd_jwt,
    reconstruct_claims,
)
from wallet.verification.standing import Standing, standing_of
from wallet.verify_command import verify_bytes

MAX_REQUEST_BYTES = 1024 * 1024
MAX_PRESENTED_CREDENTIALS = 20
_PROBLEM_BASE = "https://www.w3.org/TR/vc-data-model#"


@dataclass(frozen=True)
class ApiAnswer:
    """An HTTP status and the JSON body to answer with."""

    status: int
    body: JsonObject


@dataclass(frozen=True)
class CredentialOutcome:
    """The standing of one credential and the report it came from."""

    standing: Standing
    report: Report


def verify_credential_request(data: bytes, ctx: VerificationContext) -> ApiAnswer:
    """Answer a ``POST /credentials/verify`` body."""
    try:
        request = _request(data)
        credential = request.get("verifiableCredential")
        if not isinstance(credential, dict | str) or not credential:
            return _invalid("verifiableCredential must be a credential object")
        outcome = verify_credential(credential, ctx)
    except WalletError as error:
        return _invalid(error.detail)
    body = _result(outcome.standing, outcome.report.checks)
    return ApiAnswer(200 if outcome.standing is Standing.VERIFIED else 400, body)


def verify_presentation_request(data: bytes, ctx: VerificationContext) -> ApiAnswer:
    """Answer a ``POST /presentations/verify`` body: every credential inside is verified."""
    try:
        request = _request(data)
        presentation = request.get("verifiablePresentation", request.get("presentation"))
        if not isinstance(presentation, dict):
            return _invalid("verifiablePresentation must be a presentation object")
        options = request.get("options")
        audience, nonce = _text_option(options, "domain"), _text_option(options, "challenge")
        holder_checks: tuple[Check, ...] = ()
        if is_enveloped_presentation(presentation):
            opened = open_enveloped_presentation(presentation, ctx, audience=audience, nonce=nonce)
            presentation, holder_checks = opened.presentation, opened.checks
        credentials = _presented_credentials(presentation)
        if not credentials and "proof" not in presentation and not holder_checks:
            return _invalid("the presentation carries neither a credential nor a proof")
        outcomes = [
            _bound_to(verify_credential(credential, ctx), credential, audience, nonce)
            for credential in credentials
        ]
    except WalletError as error:
        return _invalid(error.detail)
    checks = list(holder_checks) or [_presentation_proof_check(presentation)]
    own = standing_of(Report.of(checks))
    for index, outcome in enumerate(outcomes):
        checks += [_prefixed(check, index) for check in outcome.report.checks]
    standing = _worst([own, *(outcome.standing for outcome in outcomes)])
    body = _result(standing, tuple(checks))
    body["credentialResults"] = [_credential_result(outcome) for outcome in outcomes]
    return ApiAnswer(200 if standing is Standing.VERIFIED else 400, body)


def verify_credential(credential: JsonObject | str, ctx: VerificationContext) -> CredentialOutcome:
    """Verify one credential (JSON, enveloped, or JWT text) through the wallet's engine."""
    if isinstance(credential, str):
        data = credential.encode()
    else:
        data = json.dumps(credential, ensure_ascii=False).encode()
    results = verify_bytes(data, "request", ctx)
    report = results[0].report
    return CredentialOutcome(standing_of(report), report)


def _bound_to(
    outcome: CredentialOutcome,
    credential: JsonObject | str,
    audience: str | None,
    nonce: str | None,
) -> CredentialOutcome:
    """With a challenge or domain, an SD-JWT+KB's key binding must be made for them."""
    text = _sd_jwt_text(credential)
    if text is None or (audience is None and nonce is None):
        return outcome
    try:
        sd_jwt = parse_sd_jwt(text)
    except CredentialFormatError:
        return outcome  # its format check already failed
    try:
        claims = reconstruct_claims(sd_jwt)
    except DisclosureError:
        claims = sd_jwt.claims
    bound = key_binding_check(sd_jwt, claims, audience=audience, nonce=nonce)
    if bound.status is CheckStatus.SKIPPED:
        bound = make_check(
            "key_binding",
            CheckStatus.FAILED,
            "A challenge was given, but the holder attached no proof of possession.",
            "Podano wyzwanie, ale posiadacz nie dołączył dowodu posiadania.",
        )
    checks = [bound if c.code == "key_binding" else c for c in outcome.report.checks]
    if bound not in checks:
        checks.append(bound)
    report = Report.of(checks)
    return CredentialOutcome(standing_of(report), report)


def _sd_jwt_text(credential: JsonObject | str) -> str | None:
    if isinstance(credential, dict):
        data_url = credential.get("id")
        if not isinstance(data_url, str):
            return None
        header, _, body = data_url.partition(",")
        if header not in ("data:application/vc+sd-jwt", "data:application/dc+sd-jwt"):
            return None
        credential = body
    return credential.strip() if "~" in credential else None


def _text_option(options: JsonValue, name: str) -> str | None:
    value = options.get(name) if isinstance(options, dict) else None
    return value if isinstance(value, str) and value else None


def _credential_result(outcome: CredentialOutcome) -> JsonValue:
    return {"verified": outcome.standing is Standing.VERIFIED, "standing": outcome.standing.value}


def _request(data: bytes) -> JsonObject:
    if len(data) > MAX_REQUEST_BYTES:
        raise ValidationError(f"the request is larger than {MAX_REQUEST_BYTES} bytes")
    request = parse_json_object(data, max_bytes=MAX_REQUEST_BYTES)
    options = request.get("options", {})
    if not isinstance(options, dict):
        raise ValidationError("options must be an object")
    return request


def _presented_credentials(presentation: JsonObject) -> list[JsonObject | str]:
    listed: JsonValue = presentation.get("verifiableCredential", [])
    entries = listed if isinstance(listed, list) else [listed]
    if len(entries) > MAX_PRESENTED_CREDENTIALS:
        raise ValidationError(f"a presentation may carry at most {MAX_PRESENTED_CREDENTIALS}")
    found: list[JsonObject | str] = []
    for entry in entries:
        if not isinstance(entry, dict | str) or not entry:
            raise ValidationError("each verifiableCredential must be a credential object")
        found.append(entry)
    return found


def _presentation_proof_check(presentation: JsonObject) -> Check:
    if "proof" in presentation:
        # The holder's own proof (authentication, challenge, domain) is not checked yet.
        return make_check(
            "presentation_proof",
            CheckStatus.SKIPPED,
            "The holder's signature on the presentation cannot be checked yet.",
            "Nie można jeszcze sprawdzić podpisu posiadacza na prezentacji.",
        )
    return make_check(
        "presentation_proof",
        CheckStatus.WARNING,
        "The presentation is not signed by its holder.",
        "Prezentacja nie jest podpisana przez posiadacza.",
        required=False,
    )


def _prefixed(check: Check, index: int) -> Check:
    return Check(
        f"verifiableCredential[{index}].{check.code}",
        check.status,
        check.message,
        check.required,
        check.detail,
    )


_ORDER = (
    Standing.FAILED,
    Standing.REVOKED,
    Standing.EXPIRED,
    Standing.UNVERIFIABLE,
    Standing.VERIFIED,
)


def _worst(standings: list[Standing]) -> Standing:
    return min(standings, key=_ORDER.index)


def _result(standing: Standing, checks: tuple[Check, ...] | list[Check]) -> JsonObject:
    errors = [
        check
        for check in checks
        if check.status is CheckStatus.FAILED
        or (check.status is CheckStatus.SKIPPED and check.required)
    ]
    warnings: list[JsonValue] = [
        _problem(check) for check in checks if check.status is CheckStatus.WARNING
    ]
    passed: list[JsonValue] = [c.code for c in checks if c.status is CheckStatus.PASSED]
    return {
        "verified": standing is Standing.VERIFIED,
        "standing": standing.value,
        "checks": passed,
        "warnings": warnings,
        "errors": [_problem(check) for check in errors],
        "problemDetails": [_problem_detail(check.code, check.message.en) for check in errors],
    }


def _problem_detail(title: str, detail: str) -> JsonValue:
    return {"type": _PROBLEM_BASE + title, "title": title, "detail": detail}


def _problem(check: Check) -> JsonValue:
    problem: JsonObject = {"code": check.code, "message": check.message.en}
    if check.detail:
        problem["detail"] = check.detail
    return problem


def _invalid(message: str) -> ApiAnswer:
    error: JsonValue = {"code": "invalid_request", "message": message}
    body: JsonObject = {
        "verified": False,
        "checks": [],
        "warnings": [],
        "errors": [error],
        "problemDetails": [_problem_detail("PARSING_ERROR", message)],
    }
    return ApiAnswer(400, body)
