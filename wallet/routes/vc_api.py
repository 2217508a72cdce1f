"""The VC API verifier endpoints: public, JSON in and out, size-capped, rate-limited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded

from wallet.extensions import csrf, limiter
from wallet.routes.scope import services, settings
from wallet.vcapi.verification import (
    MAX_REQUEST_BYTES,
    ApiAnswer,
    verify_credential_request,
    verify_presentation_request,
)
from wallet.verification.context import VerificationContext

bp = Blueprint("vc_api", __name__)
# A machine-to-machine JSON API: no session cookie is read, so there is nothing to forge.
csrf.exempt(bp)


def _limit() -> str:
    return settings().vc_api_rate_limit


@bp.post("/credentials/verify")
@limiter.shared_limit(_limit, scope="vc_api")
def verify_credential() -> ResponseReturnValue:
    return _answer(verify_credential_request)


@bp.post("/presentations/verify")
@limiter.shared_limit(_limit, scope="vc_api")
def verify_presentation() -> ResponseReturnValue:
    return _answer(verify_presentation_request)


@bp.errorhandler(RateLimitExceeded)
def too_many(error: RateLimitExceeded) -> ResponseReturnValue:
    return _problem(429, "RATE_LIMIT_EXCEEDED", f"Too many requests: {error.description}")


def _answer(service: Callable[[bytes, VerificationContext], ApiAnswer]) -> ResponseReturnValue:
    length = request.content_length
    if length is not None and length > MAX_REQUEST_BYTES:
        return _problem(413, "PAYLOAD_TOO_LARGE", f"The limit is {MAX_REQUEST_BYTES} bytes.")
    data = request.stream.read(MAX_REQUEST_BYTES + 1)
    if len(data) > MAX_REQUEST_BYTES:
        return _problem(413, "PAYLOAD_TOO_LARGE", f"The limit is {MAX_REQUEST_BYTES} bytes.")
    ctx = services().verification_context(frozenset(), datetime.now(UTC))
    answer = service(data, ctx)
    return jsonify(answer.body), answer.status


def _problem(status: int, title: str, detail: str) -> ResponseReturnValue:
    problem = {"type": f"https://www.w3.org/TR/vc-data-model#{title}", "title": title}
    body = {"verified": False, "errors": [{"code": title.lower(), "message": detail}]}
    return jsonify({**body, "problemDetails": [{**problem, "detail": detail}]}), status
