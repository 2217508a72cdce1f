"""The OAuth 2.0 endpoints: registration, the holder's consent, tokens and revocation.

Each takes the request as an ``Exchange`` and gives back an ``Answer`` for the route to send;
the caller commits only when the answer is a success, so a refused request stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from authlib.oauth2.rfc6749.errors import InvalidScopeError, OAuth2Error
from sqlalchemy.orm import Session

from wallet.connect.provider.clients import find_app
from wallet.connect.provider.exchange import Answer, Exchange, PlainOAuth2Request
from wallet.connect.provider.grants import approve_grant
from wallet.connect.provider.scopes import (
    CREDENTIALS_SCOPE,
    OFFLINE_SCOPE,
    PROFILE_SCOPE,
    ProviderConfig,
    split_scope,
)
from wallet.connect.provider.server import ProviderServer
from wallet.connect.provider.shareable import Served, shareable_credentials
from wallet.errors import N_, ValidationError
from wallet.models import AppClient, User


@dataclass(frozen=True)
class ConsentRequest:
    """What the consent screen shows: the app, where it sends the holder, exactly what it reads."""

    app: AppClient
    scopes: tuple[str, ...]
    redirect_uri: str
    credentials: tuple[Served, ...]

    @property
    def reads_credentials(self) -> bool:
        return CREDENTIALS_SCOPE in self.scopes

    @property
    def reads_profile(self) -> bool:
        return PROFILE_SCOPE in self.scopes


def register_app(
    session: Session, config: ProviderConfig, request: Exchange, now: datetime
) -> Answer:
    """RFC 7591 registration; the answer carries the only copy of the client secret."""
    answer: Answer = ProviderServer(session, config, now).create_endpoint_response(
        "client_registration", request
    )
    return answer


def token_answer(
    session: Session, config: ProviderConfig, request: Exchange, now: datetime
) -> Answer:
    """The token endpoint: an authorization code (with its PKCE verifier) or a refresh token."""
    answer: Answer = ProviderServer(session, config, now).create_token_response(request)
    return answer


def revocation_answer(
    session: Session, config: ProviderConfig, request: Exchange, now: datetime
) -> Answer:
    """RFC 7009 revocation of an access or refresh token by the app it was given to."""
    answer: Answer = ProviderServer(session, config, now).create_endpoint_response(
        "revocation", request
    )
    return answer


def begin_consent(
    session: Session, config: ProviderConfig, request: Exchange, user: User, now: datetime
) -> ConsentRequest | Answer:
    """Check an authorization request: what to ask the holder, or the error to send the app.

    ``ValidationError`` when the request cannot even be answered safely (unknown app, a
    redirect URI it did not register): the holder is then told, and not sent anywhere.
    """
    server = ProviderServer(session, config, now)
    try:
        grant = server.get_consent_grant(request, end_user=user)
        scopes = _granted_scopes(grant.request.payload.scope, grant.client.row.scope)
    except OAuth2Error as error:
        return _refusal(server, request, error)
    offered = shareable_credentials(session, user.id) if CREDENTIALS_SCOPE in scopes else []
    return ConsentRequest(
        app=grant.client.row,
        scopes=tuple(scopes),
        redirect_uri=grant.redirect_uri,
        credentials=tuple(offered),
    )


def decide_consent(
    session: Session,
    config: ProviderConfig,
    request: Exchange,
    user: User,
    *,
    approve: bool,
    credential_ids: Sequence[int],
    now: datetime,
) -> Answer:
    """The holder's answer: a code for the app (approve) or ``access_denied``, by redirect."""
    server = ProviderServer(session, config, now)
    try:
        grant = server.get_consent_grant(request, end_user=user)
        scopes = _granted_scopes(grant.request.payload.scope, grant.client.row.scope)
    except OAuth2Error as error:
        return _refusal(server, request, error)
    holder_grant = None
    if approve:
        holder_grant = approve_grant(
            session, user.id, grant.client.row, " ".join(scopes), credential_ids, now
        )
    answer: Answer = server.create_authorization_response(
        grant.request, grant_user=holder_grant, grant=grant
    )
    return answer


def _granted_scopes(requested: str | None, registered: str) -> list[str]:
    """The scopes asked for, all of them registered and at least one that reads something."""
    asked = split_scope(requested)
    allowed = split_scope(registered)
    if not asked or any(scope not in allowed for scope in asked):
        raise InvalidScopeError("ask only for scopes the app registered")
    if not {CREDENTIALS_SCOPE, PROFILE_SCOPE} & set(asked):
        raise InvalidScopeError("ask for credential.readonly or profile.readonly")
    return [scope for scope in asked if scope != OFFLINE_SCOPE] + (
        [OFFLINE_SCOPE] if OFFLINE_SCOPE in asked else []
    )


def _refusal(server: ProviderServer, request: Exchange, error: OAuth2Error) -> Answer:
    """Send the error to the app when its redirect URI is known to be its own; else refuse here."""
    oauth = PlainOAuth2Request(request)
    app = find_app(server.session, oauth.payload.client_id)
    target = oauth.payload.redirect_uri
    if app is not None and target is None:
        target = app.get_default_redirect_uri()
    if app is None or target is None or not app.check_redirect_uri(target):
        raise ValidationError(
            N_(
                "The app's request cannot be accepted: Plecak does not know the app, or the "
                "address it wants you sent back to is not one it registered."
            ),
            code="app_request",
            detail=f"{error.error}: {error.description}",
        )
    error.redirect_uri = target
    error.state = oauth.payload.state
    answer: Answer = server.handle_error_response(oauth, error)
    return answer


class Endpoint(Protocol):
    """The shape of the registration, token and revocation functions above."""

    def __call__(
        self, session: Session, config: ProviderConfig, request: Exchange, now: datetime
    ) -> Answer: ...
