"""Authlib's authorization server over Plecak's tables: codes with PKCE S256, refresh, revoke."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.connect.provider.clients import RegisteredApp, Registration, find_app
from wallet.connect.provider.exchange import (
    Answer,
    Exchange,
    PlainJsonRequest,
    PlainOAuth2Request,
    authlib_answer,
)
from wallet.connect.provider.scopes import (
    ACCESS_TOKEN_LIFETIME,
    AUTH_METHODS,
    CODE_LIFETIME,
    SCOPES,
    ProviderConfig,
)
from wallet.connect.provider.tokens import (
    Revocation,
    TokenView,
    end_reused_grant,
    find_refresh_token,
    store_token,
)
from wallet.models import AppAuthorizationCode, AppGrant
from wallet.share.links import token_hash

TOKEN_LENGTH = 48  # characters from a 66-character alphabet: about 290 bits


class StoredCode:
    """A stored authorization code as Authlib's ``AuthorizationCodeMixin`` expects it."""

    def __init__(self, row: AppAuthorizationCode, grant: AppGrant) -> None:
        self.row = row
        self.grant = grant
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class RequiredS256(CodeChallenge):  # type: ignore[misc]
    """PKCE for every app, confidential ones too, and only with the S256 method."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send a code_challenge (S256)")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        grant: AppGrant = request.user
        data = request.payload.data
        self.server.session.add(
            AppAuthorizationCode(
                code_hash=token_hash(code),
                grant_id=grant.id,
                redirect_uri=request.payload.redirect_uri or "",
                scope=grant.scope,
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                expires_at=self.server.now + CODE_LIFETIME,
            )
        )
        self.server.session.flush()

    def query_authorization_code(self, code: str, client: RegisteredApp) -> StoredCode | None:
        session: Session = self.server.session
        row = session.scalar(
            select(AppAuthorizationCode).where(AppAuthorizationCode.code_hash == token_hash(code))
        )
        if row is None or row.expires_at <= self.server.now:
            return None
        grant = session.get(AppGrant, row.grant_id)
        if grant is None or grant.revoked_at is not None or grant.client_id != client.row.id:
            return None
        return StoredCode(row, grant)

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        self.server.session.delete(authorization_code.row)
        self.server.session.flush()

    def authenticate_user(self, authorization_code: StoredCode) -> AppGrant:
        return authorization_code.grant


class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)
    # A used refresh token ends with its access token; the app gets a new pair (rotation).
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> TokenView | None:
        found = find_refresh_token(self.server.session, refresh_token, self.server.now)
        if found is None and end_reused_grant(self.server.session, refresh_token, self.server.now):
            self.server.keep_changes = True  # the refusal must not undo ending the grant
        return found

    def authenticate_user(self, refresh_token: TokenView) -> AppGrant:
        return refresh_token.grant

    def revoke_old_credential(self, refresh_token: TokenView) -> None:
        refresh_token.row.revoked_at = self.server.now
        self.server.session.flush()


class ProviderServer(AuthorizationServer):  # type: ignore[misc]
    """One request's authorization server: it works in the request's session, at ``now``."""

    def __init__(self, session: Session, config: ProviderConfig, now: datetime) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.session = session
        self.config = config
        self.now = now
        self.keep_changes = False
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                lambda **_: generate_token(TOKEN_LENGTH),
                lambda **_: generate_token(TOKEN_LENGTH),
                lambda client, grant_type: int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            ),
        )
        self.register_grant(CodeGrant, [RequiredS256(required=True)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(Registration)
        self.register_endpoint(Revocation)

    def query_client(self, client_id: str) -> RegisteredApp | None:
        return find_app(self.session, client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        store_token(self.session, token, request.user, self.now)

    def create_oauth2_request(self, request: Exchange | OAuth2Request) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return PlainOAuth2Request(request)

    def create_json_request(self, request: Exchange) -> PlainJsonRequest:
        return PlainJsonRequest(request)

    def handle_response(self, status: int, body: Any, headers: Any) -> Answer:
        answer = authlib_answer(status, body, headers)
        return replace(answer, keep_changes=True) if self.keep_changes else answer

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Plecak listens to none of Authlib's signals."""
