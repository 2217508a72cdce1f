"""Access and refresh tokens, kept only as SHA-256 hashes; validation and revocation (RFC 7009)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.connect.provider.clients import RegisteredApp
from wallet.connect.provider.scopes import (
    ACCESS_TOKEN_LIFETIME,
    AUTH_METHODS,
    REFRESH_TOKEN_LIFETIME,
)
from wallet.models import AppGrant, AppToken
from wallet.share.links import token_hash


class TokenView:
    """A stored token as Authlib's ``TokenMixin`` expects it, judged at ``now``."""

    def __init__(self, row: AppToken, now: datetime) -> None:
        self.row = row
        self.now = now

    @property
    def grant(self) -> AppGrant:
        return self.row.grant

    def check_client(self, client: RegisteredApp) -> bool:
        return self.row.grant.client.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        return max(0, int((self.row.expires_at - self.now).total_seconds()))

    def is_expired(self) -> bool:
        return self.row.expires_at <= self.now

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or self.row.grant.revoked_at is not None


def store_token(session: Session, token: dict[str, Any], grant: AppGrant, now: datetime) -> None:
    """Keep the hashes of a token response Authlib made for ``grant`` (never the tokens)."""
    refresh = token.get("refresh_token")
    session.add(
        AppToken(
            grant_id=grant.id,
            access_token_hash=token_hash(token["access_token"]),
            refresh_token_hash=token_hash(refresh) if refresh else None,
            scope=token.get("scope", ""),
            issued_at=now,
            expires_at=now + ACCESS_TOKEN_LIFETIME,
            refresh_expires_at=now + REFRESH_TOKEN_LIFETIME if refresh else None,
        )
    )
    session.flush()


def find_access_token(session: Session, token: str, now: datetime) -> TokenView | None:
    """The stored access token ``token`` is, if any (expired or revoked ones too)."""
    row = session.scalar(select(AppToken).where(AppToken.access_token_hash == token_hash(token)))
    return None if row is None else TokenView(row, now)


def find_refresh_token(session: Session, token: str, now: datetime) -> TokenView | None:
    """The live token whose refresh token ``token`` is; None once used, revoked or expired."""
    row = session.scalar(select(AppToken).where(AppToken.refresh_token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or row.grant.revoked_at is not None:
        return None
    if row.refresh_expires_at is None or row.refresh_expires_at <= now:
        return None
    return TokenView(row, now)


def end_reused_grant(session: Session, token: str, now: datetime) -> bool:
    """A rotated-out refresh token came back: end every live token of its grant (RFC 9700).

    The refresh token was either stolen or replayed; which copy is the app's is unknown, so the
    app must ask the holder again. True when something was ended.
    """
    row = session.scalar(select(AppToken).where(AppToken.refresh_token_hash == token_hash(token)))
    if row is None or row.revoked_at is None or row.grant.revoked_at is not None:
        return False
    live = session.scalars(
        select(AppToken).where(AppToken.grant_id == row.grant_id, AppToken.revoked_at.is_(None))
    )
    ended = False
    for other in live:
        other.revoked_at = now
        ended = True
    session.flush()
    return ended


class BearerValidator(BearerTokenValidator):  # type: ignore[misc]
    """Resolves bearer tokens by their hash."""

    def __init__(self, session: Session, now: datetime, realm: str) -> None:
        super().__init__(realm=realm)
        self.session = session
        self.now = now

    def authenticate_token(self, token_string: str) -> TokenView | None:
        return find_access_token(self.session, token_string, self.now)


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009: an app ends its own access or refresh token (the pair ends together)."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenView | None:
        session: Session = self.server.session
        now: datetime = self.server.now
        if token_type_hint == "refresh_token":  # noqa: S105 (a hint's name, not a secret)
            return find_refresh_token(session, token_string, now)
        found = find_access_token(session, token_string, now)
        return found or find_refresh_token(session, token_string, now)

    def revoke_token(self, token: TokenView, request: Any) -> None:
        if token.row.revoked_at is None:
            token.row.revoked_at = self.server.now
        self.server.session.flush()
