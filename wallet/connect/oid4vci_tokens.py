"""OAuth for OpenID4VCI: the pre-authorized code and authorization code token requests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from wallet.connect import tokens
from wallet.connect.oid4vci_credentials import refuse_redirect
from wallet.connect.oid4vci_offer import PRE_AUTHORIZED_GRANT
from wallet.connect.tokens import AuthorizationRequest
from wallet.errors import ConnectError, CredentialFormatError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object

MAX_TX_CODE_LENGTH = 64
_MAX_TOKEN_BYTES = 64 * 1024


@dataclass(frozen=True)
class IssuanceToken:
    """An access token for the credential endpoint, and what came with it."""

    access_token: str
    # A nonce for the proof from drafts before the nonce endpoint.
    c_nonce: str | None
    # From ``authorization_details``: the datasets each configuration may be issued as.
    credential_identifiers: dict[str, tuple[str, ...]]


def authorization_request(
    authorization_endpoint: str,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: tuple[str, ...],
    configuration_ids: tuple[str, ...],
    issuer_state: str | None,
    resource: str | None,
) -> AuthorizationRequest:
    """A PKCE (S256) authorization request naming the offered credentials.

    By scope when every offered configuration has one, else by ``authorization_details``
    of type ``openid_credential``; ``issuer_state`` ties it to the offer.
    """
    details = None
    if len(scopes) != len(configuration_ids):
        details = json.dumps(
            [
                {"type": "openid_credential", "credential_configuration_id": identifier}
                | ({"locations": [resource]} if resource else {})
                for identifier in configuration_ids
            ]
        )
    return tokens.authorization_request(
        authorization_endpoint,
        client_id,
        redirect_uri,
        " ".join(scopes) if details is None else None,
        authorization_details=details,
        issuer_state=issuer_state,
        resource=resource,
    )


def push_authorization_request(
    http: HttpClient,
    par_endpoint: str,
    request: AuthorizationRequest,
    *,
    authorization_endpoint: str,
    client_id: str,
) -> AuthorizationRequest:
    """``request`` pushed to the server (RFC 9126): the holder's browser carries only a handle.

    The parameters travel server to server, so the browser cannot alter them on the way.
    """
    answer = http.send(
        "POST",
        par_endpoint,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlsplit(request.url).query.encode(),
        max_bytes=_MAX_TOKEN_BYTES,
    )
    refuse_redirect(http, answer)
    try:
        data = parse_json_object(answer.body)
    except CredentialFormatError:
        data = {}
    request_uri = data.get("request_uri")
    if answer.status not in (200, 201) or not isinstance(request_uri, str) or not request_uri:
        raise ConnectError(
            f"{par_endpoint} refused the pushed authorization request ({answer.status}, "
            f"{data.get('error')!r})",
            reason="oid4vci_token",
        )
    url = add_params_to_uri(
        authorization_endpoint, [("client_id", client_id), ("request_uri", request_uri)]
    )
    return AuthorizationRequest(url, request.state, request.code_verifier)


def pre_authorized_token(
    http: HttpClient, token_endpoint: str, code: str, tx_code: str | None
) -> IssuanceToken:
    """Trade a pre-authorized code (and the holder's transaction code) for an access token.

    Anonymous, as the pre-authorized flow allows. ``oid4vci_tx_code`` when the issuer refuses
    the grant a transaction code went with, ``oid4vci_expired`` when it refuses the code alone.
    """
    body = prepare_token_request(
        PRE_AUTHORIZED_GRANT, **{"pre-authorized_code": code, "tx_code": tx_code}
    )
    refused = "oid4vci_tx_code" if tx_code is not None else "oid4vci_expired"
    return _token_request(http, token_endpoint, body, refused=refused)


def authorization_code_token(
    http: HttpClient,
    token_endpoint: str,
    *,
    client_id: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> IssuanceToken:
    """Trade an authorization code for an access token, as a public client with PKCE."""
    body = prepare_token_request(
        "authorization_code",
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
        client_id=client_id,
    )
    return _token_request(http, token_endpoint, body, refused="oid4vci_token")


def _token_request(http: HttpClient, url: str, body: str, *, refused: str) -> IssuanceToken:
    answer = http.send(
        "POST",
        url,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body.encode(),
        max_bytes=_MAX_TOKEN_BYTES,
    )
    refuse_redirect(http, answer)
    data = tokens.token_answer(answer.body)
    if answer.status != 200:
        error = data.get("error")
        # A missing or unexpected transaction code is invalid_request, a wrong one invalid_grant.
        tx_code_refused = error == "invalid_request" and refused == "oid4vci_tx_code"
        if error == "invalid_grant" or tx_code_refused:
            reason = refused
        elif answer.status in (400, 401):
            reason = "oid4vci_token"
        else:
            reason = "connect"
        raise ConnectError(
            f"{url} refused the token request ({answer.status}, {error!r})", reason=reason
        )
    return _issuance_token(data)


def _issuance_token(data: JsonObject) -> IssuanceToken:
    access = data.get("access_token")
    token_type = data.get("token_type", "Bearer")
    if not isinstance(access, str) or not access or str(token_type).lower() != "bearer":
        raise ConnectError("the token response has no bearer access token", reason="oid4vci_token")
    nonce = data.get("c_nonce")
    return IssuanceToken(
        access,
        nonce if isinstance(nonce, str) and nonce else None,
        _credential_identifiers(data.get("authorization_details")),
    )


def _credential_identifiers(details: JsonValue) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict) or detail.get("type") != "openid_credential":
            continue
        configuration = detail.get("credential_configuration_id")
        identifiers = detail.get("credential_identifiers")
        if isinstance(configuration, str) and isinstance(identifiers, list):
            named = tuple(i for i in identifiers if isinstance(i, str) and i)
            if named:
                found[configuration] = named[:10]
    return found
