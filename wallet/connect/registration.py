"""Dynamic client registration (RFC 7591) with an Open Badges 3.0 platform."""

from __future__ import annotations

import json
from dataclasses import dataclass

from wallet.connect.discovery import ServiceDescription
from wallet.errors import ConnectError, CredentialFormatError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, parse_json_object

# Names this software (not one installation) to platforms, as RFC 7591 section 2 intends.
SOFTWARE_ID = "5c3f1f0e-8b6a-4f0d-9a51-6c1e2f9b7d40"
SOFTWARE_VERSION = "0.1.0"
_MAX_ANSWER_BYTES = 64 * 1024
_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")


@dataclass(frozen=True)
class ClientIdentity:
    """How Plecak presents itself to a platform (its pages, as absolute URLs)."""

    name: str
    client_uri: str
    logo_uri: str
    tos_uri: str
    policy_uri: str
    software_id: str
    software_version: str


@dataclass(frozen=True)
class ClientRegistration:
    """What the platform gave back: the client id and, usually, a secret."""

    client_id: str
    client_secret: str | None
    auth_method: str


def register_client(
    http: HttpClient,
    description: ServiceDescription,
    identity: ClientIdentity,
    *,
    redirect_uri: str,
    scope: str,
) -> ClientRegistration:
    """Register Plecak with the platform for the authorization code flow with refresh."""
    request: JsonObject = {
        "client_name": identity.name,
        "client_uri": identity.client_uri,
        "logo_uri": identity.logo_uri,
        "tos_uri": identity.tos_uri,
        "policy_uri": identity.policy_uri,
        "software_id": identity.software_id,
        "software_version": identity.software_version,
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": scope,
    }
    answer = http.send(
        "POST",
        description.registration_url,
        headers={"Content-Type": "application/json; charset=utf-8"},
        body=json.dumps(request).encode(),
        max_bytes=_MAX_ANSWER_BYTES,
    )
    if answer.status not in (200, 201):
        raise ConnectError(
            f"{description.registration_url} answered {answer.status} to the registration",
            reason="connect_registration",
        )
    try:
        data = parse_json_object(answer.body)
    except CredentialFormatError as error:
        raise ConnectError(
            f"the registration answer is not JSON: {error.detail}", reason="connect_registration"
        ) from None
    return _registration(data, redirect_uri)


def _registration(data: JsonObject, redirect_uri: str) -> ClientRegistration:
    client_id, secret = data.get("client_id"), data.get("client_secret")
    method = data.get("token_endpoint_auth_method", "client_secret_basic")
    uris = data.get("redirect_uris", [redirect_uri])
    if not isinstance(client_id, str) or not client_id or len(client_id) > 255:
        raise ConnectError("the registration gave no client_id", reason="connect_registration")
    if method not in _AUTH_METHODS or (method != "none" and not isinstance(secret, str)):
        raise ConnectError(
            f"the registration gave no usable client authentication ({method!r})",
            reason="connect_registration",
        )
    if not isinstance(uris, list) or redirect_uri not in uris:
        # The exact redirect URI is what the code is bound to; a platform that changed it
        # would send the holder somewhere else.
        raise ConnectError(
            "the registration does not keep Plecak's redirect URI", reason="connect_registration"
        )
    return ClientRegistration(client_id, secret if isinstance(secret, str) else None, str(method))
