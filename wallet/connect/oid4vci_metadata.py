"""An OpenID4VCI issuer's metadata and its authorization server's (RFC 8414) metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from wallet.connect.endpoints import absolute_url, check_endpoints, fetch_document
from wallet.connect.oid4vci_offer import MAX_URL_LENGTH, PRE_AUTHORIZED_GRANT
from wallet.errors import ConnectError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, JsonValue

ISSUER_WELL_KNOWN = "/.well-known/openid-credential-issuer"
OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"
OPENID_WELL_KNOWN = "/.well-known/openid-configuration"
# Formats whose credentials Plecak reads and verifies like an upload (``vc+sd-jwt`` is the
# SD-JWT VC name before 1.0; ``jwt_vc`` an older name of ``jwt_vc_json``).
FORMATS = frozenset({"dc+sd-jwt", "vc+sd-jwt", "jwt_vc_json", "jwt_vc_json-ld", "jwt_vc", "ldp_vc"})
MAX_METADATA_BYTES = 512 * 1024
_MAX_CONFIGURATIONS = 200
_NAME_LENGTH = 200


@dataclass(frozen=True)
class CredentialConfiguration:
    """One entry of ``credential_configurations_supported``, as far as receiving needs it."""

    identifier: str
    format: str
    scope: str | None
    binding_methods: tuple[str, ...]
    # None when the issuer asks for no key proof; else the JWT proof algorithms it accepts.
    proof_algorithms: tuple[str, ...] | None
    name: str | None


@dataclass(frozen=True)
class IssuerMetadata:
    """The credential issuer's endpoints and what it issues; every URL absolute."""

    credential_issuer: str
    credential_endpoint: str
    nonce_endpoint: str | None
    authorization_servers: tuple[str, ...]
    token_endpoint: str | None  # named here by drafts before the authorization server split
    name: str
    configurations: Mapping[str, CredentialConfiguration]


@dataclass(frozen=True)
class AuthorizationServer:
    """The endpoints of the OAuth server that hands out access to the credential endpoint."""

    issuer: str
    token_endpoint: str
    authorization_endpoint: str | None
    grant_types: tuple[str, ...]
    # Pushed authorization requests (RFC 9126), which OpenID4VCI recommends.
    par_endpoint: str | None = None


def well_known_url(identifier: str, suffix: str) -> str:
    """``suffix`` inserted between the host and the path of ``identifier`` (RFC 8414 3.1)."""
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, suffix + path, "", ""))


def read_issuer_metadata(
    http: HttpClient, credential_issuer: str, *, allow_http: bool = False
) -> IssuerMetadata:
    """Fetch and check ``/.well-known/openid-credential-issuer`` of ``credential_issuer``.

    The document must name the same issuer (a simple string comparison), and every endpoint
    it gives is checked against the fetch guard before anything is sent to it.
    """
    url = well_known_url(credential_issuer, ISSUER_WELL_KNOWN)
    document = _fetch(http, url)
    if document.get("credential_issuer") != credential_issuer:
        raise ConnectError(
            f"{url} describes {document.get('credential_issuer')!r}, not {credential_issuer}",
            reason="oid4vci_metadata",
        )
    servers = document.get("authorization_servers", [])
    if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
        raise ConnectError("authorization_servers is not a list of URLs", reason="oid4vci_metadata")
    metadata = IssuerMetadata(
        credential_issuer=credential_issuer,
        credential_endpoint=_absolute(
            document.get("credential_endpoint"), "credential_endpoint", allow_http=allow_http
        ),
        nonce_endpoint=_url(document, "nonce_endpoint", allow_http=allow_http, required=False),
        authorization_servers=tuple(
            _absolute(server, "authorization_servers", allow_http=allow_http) for server in servers
        ),
        token_endpoint=_url(document, "token_endpoint", allow_http=allow_http, required=False),
        name=_display_name(document.get("display")) or urlsplit(credential_issuer).netloc,
        configurations=_configurations(document.get("credential_configurations_supported")),
    )
    check_endpoints(
        http,
        f"the metadata of {url}",
        (metadata.credential_endpoint, metadata.nonce_endpoint, metadata.token_endpoint),
    )
    return metadata


def read_authorization_server(
    http: HttpClient, metadata: IssuerMetadata, hint: str | None, *, allow_http: bool = False
) -> AuthorizationServer:
    """The authorization server to use: the offer's hint, the only one listed, or the issuer.

    Its metadata is read from RFC 8414's location, falling back to OpenID Connect's; an
    issuer from before the split may name its token endpoint itself.
    """
    identifier = _chosen_server(metadata, hint)
    document = None
    for url in (
        well_known_url(identifier, OAUTH_WELL_KNOWN),
        identifier.rstrip("/") + OPENID_WELL_KNOWN,
    ):
        try:
            document = _fetch(http, url)
            break
        except ConnectError:
            continue
    if document is None:
        if metadata.token_endpoint is not None and identifier == metadata.credential_issuer:
            return AuthorizationServer(identifier, metadata.token_endpoint, None, ())
        raise ConnectError(
            f"{identifier} publishes no authorization server metadata", reason="oid4vci_metadata"
        )
    if document.get("issuer") != identifier:
        raise ConnectError(
            f"the authorization server metadata of {identifier} names another issuer",
            reason="oid4vci_metadata",
        )
    grants = document.get("grant_types_supported", [])
    server = AuthorizationServer(
        issuer=identifier,
        token_endpoint=_absolute(
            document.get("token_endpoint"), "token_endpoint", allow_http=allow_http
        ),
        authorization_endpoint=_url(
            document, "authorization_endpoint", allow_http=allow_http, required=False
        ),
        grant_types=tuple(g for g in grants if isinstance(g, str))
        if isinstance(grants, list)
        else (),
        par_endpoint=_url(
            document, "pushed_authorization_request_endpoint", allow_http=allow_http, required=False
        ),
    )
    if document.get("require_pushed_authorization_requests") is True and not server.par_endpoint:
        raise ConnectError(
            f"{identifier} requires pushed authorization requests but names no endpoint",
            reason="oid4vci_metadata",
        )
    check_endpoints(
        http,
        f"the metadata of {identifier}",
        (server.token_endpoint, server.authorization_endpoint, server.par_endpoint),
    )
    return server


def supports_pre_authorized(server: AuthorizationServer) -> bool:
    """Whether the server may take a pre-authorized code (an empty list says nothing)."""
    return not server.grant_types or PRE_AUTHORIZED_GRANT in server.grant_types


def _chosen_server(metadata: IssuerMetadata, hint: str | None) -> str:
    servers = metadata.authorization_servers
    if hint is not None:
        if hint not in servers:
            # Section 4.1.1: a hint that matches none of the issuer's servers ends the flow.
            raise ConnectError(
                f"the offer names authorization server {hint!r}, which the issuer does not list",
                reason="oid4vci_metadata",
            )
        return hint
    return servers[0] if servers else metadata.credential_issuer


def _fetch(http: HttpClient, url: str) -> JsonObject:
    return fetch_document(
        http, url, max_bytes=MAX_METADATA_BYTES, what="metadata", reason="oid4vci_metadata"
    )[1]


def _configurations(value: JsonValue) -> dict[str, CredentialConfiguration]:
    if not isinstance(value, dict) or not value or len(value) > _MAX_CONFIGURATIONS:
        raise ConnectError(
            "credential_configurations_supported is not a non-empty object",
            reason="oid4vci_metadata",
        )
    found = {}
    for identifier, entry in value.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("format"), str):
            raise ConnectError(
                f"credential configuration {identifier!r} has no format", reason="oid4vci_metadata"
            )
        found[identifier] = _configuration(identifier, entry)
    return found


def _configuration(identifier: str, entry: JsonObject) -> CredentialConfiguration:
    methods = entry.get("cryptographic_binding_methods_supported", [])
    proof_types = entry.get("proof_types_supported")
    algorithms: tuple[str, ...] | None = None
    if proof_types is not None:
        if not isinstance(proof_types, dict):
            raise ConnectError(
                f"{identifier}: proof_types_supported is not an object", reason="oid4vci_metadata"
            )
        jwt = proof_types.get("jwt")
        listed = jwt.get("proof_signing_alg_values_supported") if isinstance(jwt, dict) else []
        algorithms = (
            tuple(a for a in listed if isinstance(a, str)) if isinstance(listed, list) else ()
        )
    scope = entry.get("scope")
    metadata = entry.get("credential_metadata")
    display = (metadata.get("display") if isinstance(metadata, dict) else None) or entry.get(
        "display"
    )
    return CredentialConfiguration(
        identifier=identifier,
        format=str(entry["format"]),
        scope=scope if isinstance(scope, str) and scope else None,
        binding_methods=tuple(m for m in methods if isinstance(m, str))
        if isinstance(methods, list)
        else (),
        proof_algorithms=algorithms,
        name=_display_name(display),
    )


def _display_name(display: JsonValue) -> str | None:
    """The first display name given (issuers list one per language)."""
    entries = display if isinstance(display, list) else [display]
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip():
            return name.strip()[:_NAME_LENGTH]
    return None


def _url(document: JsonObject, key: str, *, allow_http: bool, required: bool = True) -> str | None:
    value = document.get(key)
    if value is None and not required:
        return None
    return _absolute(value, key, allow_http=allow_http)


def _absolute(value: JsonValue, key: str, *, allow_http: bool) -> str:
    return absolute_url(
        value, key, allow_http=allow_http, max_length=MAX_URL_LENGTH, reason="oid4vci_metadata"
    )
