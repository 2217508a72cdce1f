"""The Open Badges 3.0 API Plecak serves to apps: discovery, OAuth endpoints, reads.

A machine-to-machine JSON API authenticated by client credentials and bearer tokens, never by
the session cookie: CSRF protection does not apply, so the blueprint is exempt.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from wallet.connect.provider import api, authorization
from wallet.connect.provider.api import ApiRefusal
from wallet.connect.provider.discovery import service_description
from wallet.connect.provider.exchange import Answer, Exchange
from wallet.connect.provider.scopes import (
    API_PATH,
    CREDENTIALS_SCOPE,
    PROFILE_SCOPE,
    ProviderConfig,
)
from wallet.errors import CredentialFormatError
from wallet.extensions import csrf, limiter
from wallet.jsonvalues import parse_json_object
from wallet.models.base import utcnow
from wallet.routes.scope import db_session, settings

bp = Blueprint("ob_api", __name__)
csrf.exempt(bp)
MAX_REQUEST_BYTES = 64 * 1024


def provider_config() -> ProviderConfig:
    """Plecak as apps see it."""
    base = settings().base_url
    home = base + url_for("main.index")
    return ProviderConfig(
        base_url=base,
        secret=settings().secret_key,
        name="Plecak",
        terms_url=home,
        privacy_url=home,
        image_url=base + url_for("static", filename="favicon.svg"),
        allow_http=settings().allow_loopback_fetch,
    )


def exchange(*, with_form: bool = True) -> Exchange:
    """The request as plain values, at its public address (the base URL, not the Host header)."""
    json_body = None
    length = request.content_length or 0
    if request.mimetype == "application/json" and 0 < length <= MAX_REQUEST_BYTES:
        try:
            json_body = parse_json_object(
                request.get_data(), max_bytes=MAX_REQUEST_BYTES, max_depth=8
            )
        except CredentialFormatError:
            json_body = None  # Authlib then answers invalid_request
    return Exchange(
        method=request.method,
        url=settings().base_url + request.full_path.rstrip("?"),
        headers=request.headers,  # type: ignore[arg-type]  # case-insensitive, as HTTP is
        query=request.args.to_dict(flat=False),
        form=request.form.to_dict(flat=False) if with_form else {},
        json=json_body,
    )


def send(answer: Answer) -> Response:
    """An ``Answer`` as a Flask response."""
    return Response(answer.body, status=answer.status, headers=list(answer.headers))


def _register_limit() -> str:
    return settings().login_rate_limit


@bp.get(f"{API_PATH}/discovery")
def discovery() -> ResponseReturnValue:
    return jsonify(service_description(provider_config()))


@bp.post("/oauth/register")
@limiter.limit(_register_limit)
def register() -> ResponseReturnValue:
    return _oauth(authorization.register_app, success=201)


@bp.post("/oauth/token")
def token() -> ResponseReturnValue:
    return _oauth(authorization.token_answer, success=200)


@bp.post("/oauth/revoke")
def revoke() -> ResponseReturnValue:
    return _oauth(authorization.revocation_answer, success=200)


@bp.get(f"{API_PATH}/credentials")
def credentials() -> ResponseReturnValue:
    session, config, now = db_session(), provider_config(), utcnow()
    try:
        granted = api.authorize_access(session, exchange(), CREDENTIALS_SCOPE, now, config)
        page = api.read_credentials(
            session, granted, api.parse_paging(request.args.to_dict(flat=False)), config, now
        )
    except ApiRefusal as refusal:
        return _refused(refusal)
    session.commit()
    response = Response(page.body, status=200, content_type="application/json")
    response.headers["X-Total-Count"] = str(page.total)
    response.headers["Link"] = page.links
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"{API_PATH}/profile")
def profile() -> ResponseReturnValue:
    session, config, now = db_session(), provider_config(), utcnow()
    try:
        granted = api.authorize_access(session, exchange(), PROFILE_SCOPE, now, config)
        document = api.read_profile(session, granted, config, now)
    except ApiRefusal as refusal:
        return _refused(refusal)
    session.commit()
    response = jsonify(document)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(f"{API_PATH}/credentials", methods=["POST", "PUT", "DELETE"])
@bp.route(f"{API_PATH}/profile", methods=["POST", "PUT", "DELETE"])
def read_only() -> ResponseReturnValue:
    refusal = ApiRefusal(405, "not_allowed", "this Open Badges API is read-only")
    return _refused(refusal, [("Allow", "GET")])


def _oauth(endpoint: authorization.Endpoint, *, success: int) -> ResponseReturnValue:
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        return jsonify(error="invalid_request", error_description="request too large"), 413
    session = db_session()
    answer = endpoint(session, provider_config(), exchange(), utcnow())
    if answer.status == success or answer.keep_changes:
        session.commit()
    else:
        session.rollback()  # a refused request leaves nothing behind
    return send(answer)


def _refused(
    refusal: ApiRefusal, extra: list[tuple[str, str]] | None = None
) -> ResponseReturnValue:
    db_session().rollback()
    response = jsonify(refusal.body())
    response.status_code = refusal.status
    for name, value in [*refusal.headers, *(extra or [])]:
        response.headers[name] = value
    return response
