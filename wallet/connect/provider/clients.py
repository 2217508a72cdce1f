"""Apps registered dynamically (RFC 7591): what Authlib asks of a client, and registering one."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7591.errors import InvalidClientMetadataError, InvalidRedirectURIError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.connect.provider.scopes import (
    AUTH_METHODS,
    CREDENTIALS_SCOPE,
    GRANT_TYPES,
    PROFILE_SCOPE,
    SCOPES,
    split_scope,
)
from wallet.models import AppClient
from wallet.share.links import token_hash

MAX_REDIRECT_URIS = 10
MAX_URI_LENGTH = 500
MAX_NAME_LENGTH = 200
_URI_FIELDS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")


class RegisteredApp:
    """A stored registration as Authlib's ``ClientMixin`` expects it (no I/O)."""

    def __init__(self, row: AppClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str:
        return self.row.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        registered = split_scope(self.row.scope)
        return " ".join(s for s in split_scope(scope) if s in registered)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact comparison only (RFC 9700 section 2.1): no prefixes, no patterns.
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(token_hash(client_secret), self.row.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.row.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types


def find_app(session: Session, client_id: str | None) -> RegisteredApp | None:
    """The registered app with this client id, if any."""
    if not client_id or len(client_id) > 64:
        return None
    row = session.scalar(select(AppClient).where(AppClient.client_id == client_id))
    return None if row is None else RegisteredApp(row)


class Registration(ClientRegistrationEndpoint):  # type: ignore[misc]
    """Open registration, as the Open Badges API expects: any app may register itself."""

    def authenticate_token(self, request: Any) -> bool:
        return True

    def get_server_metadata(self) -> dict[str, Any]:
        return {
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "grant_types_supported": list(GRANT_TYPES),
            "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        }

    def save_client(
        self, client_info: dict[str, Any], client_metadata: dict[str, Any], request: Any
    ) -> RegisteredApp:
        _check_metadata(client_metadata, allow_http=self.server.config.allow_http)
        scope = client_metadata.get("scope") or f"{CREDENTIALS_SCOPE} {PROFILE_SCOPE}"
        row = AppClient(
            client_id=client_info["client_id"],
            secret_hash=token_hash(client_info["client_secret"]),
            name=client_metadata["client_name"].strip(),
            redirect_uris=list(client_metadata["redirect_uris"]),
            scope=" ".join(split_scope(scope)),
            auth_method=client_metadata.get("token_endpoint_auth_method", AUTH_METHODS[0]),
            grant_types=list(client_metadata.get("grant_types") or ["authorization_code"]),
            software_id=_short(client_metadata.get("software_id")),
            software_version=_short(client_metadata.get("software_version")),
            **{key: client_metadata.get(key) for key in _URI_FIELDS},
        )
        session: Session = self.server.session
        session.add(row)
        session.flush()
        return RegisteredApp(row)


def _check_metadata(metadata: dict[str, Any], *, allow_http: bool) -> None:
    """What Authlib's claims leave open: a name to show, and redirect URIs Plecak accepts."""
    name = metadata.get("client_name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise InvalidClientMetadataError("client_name is required (at most 200 characters)")
    uris = metadata.get("redirect_uris")
    if not isinstance(uris, list) or not uris or len(uris) > MAX_REDIRECT_URIS:
        raise InvalidRedirectURIError("give between 1 and 10 redirect_uris")
    for uri in uris:
        if not _acceptable_uri(uri, allow_http=allow_http):
            raise InvalidRedirectURIError(f"{uri!r} is not an absolute https URL")
    for key in _URI_FIELDS:
        value = metadata.get(key)
        if value is not None and not _acceptable_uri(value, allow_http=allow_http):
            raise InvalidClientMetadataError(f"{key} is not an absolute https URL")


def _acceptable_uri(uri: object, *, allow_http: bool) -> bool:
    if not isinstance(uri, str) or len(uri) > MAX_URI_LENGTH:
        return False
    parts = urlsplit(uri)
    schemes = ("https", "http") if allow_http else ("https",)
    return parts.scheme in schemes and bool(parts.hostname) and not parts.fragment


def _short(value: object) -> str | None:
    return value[:100] if isinstance(value, str) else None
