"""An Open Badges 3.0 platform's service description: where its API and OAuth endpoints are."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urljoin, urlsplit

from wallet.connect.endpoints import absolute_url, check_endpoints, fetch_document
from wallet.errors import ConnectError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, JsonValue

DISCOVERY_PATH = "/ims/ob/v3p0/discovery"
CREDENTIALS_PATH = "/credentials"
READ_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
MAX_ADDRESS_LENGTH = 500
MAX_DISCOVERY_BYTES = 512 * 1024
_NAME_LENGTH = 200


@dataclass(frozen=True)
class ServiceDescription:
    """What Plecak needs from a platform's discovery document, every URL absolute."""

    discovery_url: str
    name: str
    credentials_url: str
    authorization_url: str
    token_url: str
    refresh_url: str
    registration_url: str
    scopes: tuple[str, ...]
    privacy_policy_url: str | None = None
    terms_url: str | None = None

    def to_json(self) -> JsonObject:
        """The description as stored with a connection."""
        data: JsonObject = dict(asdict(self))
        data["scopes"] = list(self.scopes)
        return data

    @classmethod
    def from_json(cls, data: JsonObject) -> ServiceDescription:
        """The description ``to_json`` stored."""
        try:
            return _described(data, str(data["discovery_url"]), allow_http=True)
        except (KeyError, ConnectError) as error:
            raise ConnectError(f"a stored service description is damaged: {error}") from None


def discovery_url(address: str) -> str:
    """The discovery URL for what a holder typed: a platform's address or its discovery URL."""
    address = address.strip()
    if "://" not in address:
        address = f"https://{address}"
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConnectError(f"{address!r} is not a platform address", reason="bad_address")
    path = parts.path.rstrip("/")
    if not path.endswith(DISCOVERY_PATH):
        path += DISCOVERY_PATH
    url = f"{parts.scheme}://{parts.netloc}{path}"
    if len(url) > MAX_ADDRESS_LENGTH:
        raise ConnectError(f"{url!r} is too long", reason="bad_address")
    return url


def read_service_description(
    http: HttpClient, address: str, *, allow_http: bool = False
) -> ServiceDescription:
    """Fetch and check the discovery document of the platform at ``address``.

    Every endpoint it names is checked against the fetch guard at once, so a platform pointing
    anywhere Plecak may not go is refused before anything is registered or stored.
    """
    found, document = fetch_document(
        http,
        discovery_url(address),
        max_bytes=MAX_DISCOVERY_BYTES,
        what="a discovery document",
        reason="connect_discovery",
    )
    description = _described(_fields(document, found), found, allow_http=allow_http)
    check_endpoints(http, "the discovery document", _endpoints(description))
    return description


def _fields(document: JsonObject, url: str) -> JsonObject:
    """The members of an OpenAPI service description that matter, read strictly."""
    scheme = _oauth_scheme(_object(_object(document, "components"), "securitySchemes"))
    flow = _object(_object(scheme, "flows"), "authorizationCode")
    info = document.get("info")
    info = info if isinstance(info, dict) else {}
    servers = document.get("servers")
    base = url.removesuffix(DISCOVERY_PATH)
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        server_url = servers[0].get("url")
        if isinstance(server_url, str) and server_url:
            base = urljoin(url, server_url).rstrip("/")
    else:
        base += "/ims/ob/v3p0"
    scopes = flow.get("scopes")
    name = scheme.get("x-imssf-name") or info.get("title") or urlsplit(url).hostname or ""
    return {
        "discovery_url": url,
        "name": name if isinstance(name, str) else "",
        "credentials_url": base + CREDENTIALS_PATH,
        "authorization_url": _text(flow, "authorizationUrl", url),
        "token_url": _text(flow, "tokenUrl", url),
        "refresh_url": _text(flow, "refreshUrl", url, required=False)
        or _text(flow, "tokenUrl", url),
        "registration_url": _text(scheme, "x-imssf-registrationUrl", url),
        "scopes": list(scopes) if isinstance(scopes, dict) else [],
        "privacy_policy_url": _text(info, "x-imssf-privacyPolicyUrl", url, required=False),
        "terms_url": _text(info, "termsOfService", url, required=False),
    }


def _described(data: JsonObject, url: str, *, allow_http: bool) -> ServiceDescription:
    scopes = data.get("scopes")
    scope_list = tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else ()
    if READ_SCOPE not in scope_list:
        raise ConnectError(
            f"{url} does not offer the scope {READ_SCOPE}", reason="connect_discovery"
        )
    absolute = {
        key: _absolute(data.get(key), key, allow_http=allow_http)
        for key in ("credentials_url", "authorization_url", "token_url", "refresh_url")
    }
    optional = {
        key: _absolute(value, key, allow_http=allow_http) if isinstance(value, str) else None
        for key in ("privacy_policy_url", "terms_url")
        for value in (data.get(key),)
    }
    name = data.get("name")
    return ServiceDescription(
        discovery_url=url,
        name=(name if isinstance(name, str) and name.strip() else urlsplit(url).netloc)[
            :_NAME_LENGTH
        ],
        credentials_url=absolute["credentials_url"],
        authorization_url=absolute["authorization_url"],
        token_url=absolute["token_url"],
        refresh_url=absolute["refresh_url"],
        registration_url=_absolute(
            data.get("registration_url"), "registration_url", allow_http=allow_http
        ),
        scopes=scope_list,
        privacy_policy_url=optional["privacy_policy_url"],
        terms_url=optional["terms_url"],
    )


def _endpoints(description: ServiceDescription) -> tuple[str, ...]:
    return (
        description.credentials_url,
        description.authorization_url,
        description.token_url,
        description.refresh_url,
        description.registration_url,
    )


def _oauth_scheme(schemes: JsonObject) -> JsonObject:
    """The security scheme offering the authorization code flow (``OAuth2ACG`` usually)."""
    for scheme in schemes.values():
        if isinstance(scheme, dict) and scheme.get("type") == "oauth2":
            flows = scheme.get("flows")
            if isinstance(flows, dict) and isinstance(flows.get("authorizationCode"), dict):
                return scheme
    raise ConnectError(
        "the discovery document offers no OAuth 2.0 authorization code flow",
        reason="connect_discovery",
    )


def _object(parent: JsonObject, key: str) -> JsonObject:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise ConnectError(
            f"the discovery document has no {key} object", reason="connect_discovery"
        )
    return value


def _text(parent: JsonObject, key: str, base: str = "", *, required: bool = True) -> JsonValue:
    value = parent.get(key)
    if isinstance(value, str) and value.strip():
        return urljoin(base, value.strip()) if base else value.strip()
    if required:
        raise ConnectError(f"the discovery document has no {key}", reason="connect_discovery")
    return None


def _absolute(value: JsonValue, key: str, *, allow_http: bool) -> str:
    return absolute_url(
        value, key, allow_http=allow_http, max_length=MAX_ADDRESS_LENGTH, reason="connect_discovery"
    )
