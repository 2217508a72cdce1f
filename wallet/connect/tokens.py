"""OAuth 2.0 for the Open Badges API: the PKCE authorization request, code exchange, refresh."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from wallet.connect.registration import ClientRegistration
from wallet.errors import ConnectError, CredentialFormatError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, parse_json_object

# RFC 7636 section 4.1: 43 to 128 characters; 64 gives 380 bits from the unreserved set.
VERIFIER_LENGTH = 64
STATE_LENGTH = 43
# A token this close to its end is treated as ended, so a page request does not race it.
EXPIRY_LEEWAY = timedelta(seconds=30)
_MAX_TOKEN_BYTES = 64 * 1024


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the holder, and the secrets Plecak keeps until the platform answers."""

    url: str
    state: str
    code_verifier: str


@dataclass(frozen=True)
class TokenSet:
    """An access token, the refresh token if one was given, and when the access token ends."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scope: str | None

    def expired(self, now: datetime) -> bool:
        """Whether the access token is over (or about to be) at ``now``."""
        return self.expires_at is not None and self.expires_at - EXPIRY_LEEWAY <= now

    def to_json(self) -> str:
        """The tokens as the sealed text stored with a connection."""
        expires = None if self.expires_at is None else int(self.expires_at.timestamp())
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": expires,
                "scope": self.scope,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        """The tokens ``to_json`` wrote."""
        return _token_set(json.loads(text), refresh_token=None)


def authorization_request(
    authorization_url: str,
    client_id: str,
    redirect_uri: str,
    scope: str | None,
    **parameters: str | None,
) -> AuthorizationRequest:
    """A fresh authorization request with ``state`` and an S256 PKCE challenge.

    ``parameters`` are further query parameters; those that are None are left out.
    """
    state = generate_token(STATE_LENGTH)
    verifier = generate_token(VERIFIER_LENGTH)
    url = prepare_grant_uri(
        authorization_url,
        client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=scope,
        state=state,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
        **parameters,
    )
    return AuthorizationRequest(url, state, verifier)


def exchange_code(
    http: HttpClient,
    token_url: str,
    client: ClientRegistration,
    *,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    scope: str,
    now: datetime,
) -> TokenSet:
    """Trade an authorization code for tokens (the redirect URI is the exact one sent)."""
    body = prepare_token_request(
        "authorization_code",
        code=code,
        redirect_uri=redirect_uri,
        scope=scope,
        code_verifier=code_verifier,
    )
    return _token_request(http, token_url, client, body, now, refresh_token=None)


def refresh_tokens(
    http: HttpClient,
    refresh_url: str,
    client: ClientRegistration,
    tokens: TokenSet,
    *,
    scope: str,
    now: datetime,
) -> TokenSet:
    """New tokens for an ended access token; ``connect_reauthorize`` when that is refused."""
    if tokens.refresh_token is None:
        raise ConnectError("no refresh token was given", reason="connect_reauthorize")
    body = prepare_token_request("refresh_token", refresh_token=tokens.refresh_token, scope=scope)
    try:
        return _token_request(
            http, refresh_url, client, body, now, refresh_token=tokens.refresh_token
        )
    except ConnectError as error:
        if error.reason != "connect_token":
            raise
        raise ConnectError(error.detail, reason="connect_reauthorize") from None


def _token_request(
    http: HttpClient,
    url: str,
    client: ClientRegistration,
    body: str,
    now: datetime,
    *,
    refresh_token: str | None,
) -> TokenSet:
    auth = ClientAuth(client.client_id, client.client_secret, client.auth_method)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    url, headers, body = auth.prepare("POST", url, headers, body)
    answer = http.send("POST", url, headers=headers, body=body.encode(), max_bytes=_MAX_TOKEN_BYTES)
    data = token_answer(answer.body)
    if answer.status != 200:
        error = data.get("error")
        raise ConnectError(
            f"{url} refused the token request ({answer.status}, {error!r})",
            reason="connect_token" if answer.status in (400, 401) else "connect",
        )
    return _token_set(data, refresh_token=refresh_token, now=now)


def token_answer(body: bytes) -> JsonObject:
    """A token endpoint's answer: JSON, or form-encoded as some servers still send it."""
    try:
        return parse_json_object(body)
    except CredentialFormatError:
        return dict(parse_qsl(body.decode("utf-8", "replace")))


def _token_set(
    data: JsonObject, *, refresh_token: str | None, now: datetime | None = None
) -> TokenSet:
    access = data.get("access_token")
    token_type = data.get("token_type", "Bearer")
    if not isinstance(access, str) or not access or str(token_type).lower() != "bearer":
        raise ConnectError("the token response has no bearer access token", reason="connect_token")
    refresh = data.get("refresh_token")
    scope = data.get("scope")
    return TokenSet(
        access_token=access,
        # RFC 6749 section 6: a refresh answer without a new refresh token keeps the old one.
        refresh_token=refresh if isinstance(refresh, str) and refresh else refresh_token,
        expires_at=_expiry(data, now),
        scope=scope if isinstance(scope, str) else None,
    )


def _expiry(data: JsonObject, now: datetime | None) -> datetime | None:
    expires_in, expires_at = data.get("expires_in"), data.get("expires_at")
    if now is not None and isinstance(expires_in, int | str) and str(expires_in).isdigit():
        return now + timedelta(seconds=int(expires_in))
    if isinstance(expires_at, int):
        return datetime.fromtimestamp(expires_at, UTC)
    return None
