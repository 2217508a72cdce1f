"""An Open Badges 3.0 API issuer on 127.0.0.1, built with Authlib's server side, for tests.

It registers clients dynamically (RFC 7591), authorizes with PKCE S256 (RFC 7636), issues and
refreshes bearer tokens and serves ``GET /ims/ob/v3p0/credentials`` with limit/offset paging,
``X-Total-Count`` and ``Link``. Tests steer it through attributes: whether the holder consents,
how long tokens last, whether refresh is refused, and what the discovery document says.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, Response, jsonify, request

from tests.support.httpserver import serving_app
from tests.support.oauth_codes import AuthorizationCode, code_grant

READ_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
API = "/ims/ob/v3p0"


@dataclass
class Client:
    """A registered client, as Authlib's ClientMixin expects."""

    client_id: str
    client_secret: str
    metadata: dict[str, Any]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return str(self.metadata["redirect_uris"][0])

    def get_allowed_scope(self, scope: str) -> str:
        allowed = set(str(self.metadata.get("scope", "")).split())
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.metadata["redirect_uris"]

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.metadata.get("token_endpoint_auth_method", "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.metadata.get("response_types", ["code"])

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.metadata.get("grant_types", ["authorization_code"])


@dataclass
class Token:
    client_id: str
    access_token: str
    refresh_token: str | None
    scope: str
    expires_at: float
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int(self.expires_at - time.time())

    def is_expired(self) -> bool:
        return time.time() >= self.expires_at

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> str:
        return "learner"

    def get_client(self) -> Client:
        raise NotImplementedError


@dataclass
class OB3Issuer:
    """The issuer's state, and the switches tests turn."""

    base_url: str = ""
    credentials: list[Any] = field(default_factory=list)  # JSON objects or compact JWS strings
    consent: bool = True
    expires_in: int = 3600
    refuse_refresh: bool = False
    page_links: bool = True  # page by Link headers (else by X-Total-Count alone)
    max_page: int = 100  # the most a page holds, whatever limit the client asks for
    discovery: Any = None  # replaces the discovery document (dict, or raw bytes) when set
    clients: dict[str, Client] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def description(self) -> dict[str, Any]:
        """The service description document, as the specification lays it out."""
        return {
            "openapi": "3.0.1",
            "info": {
                "title": "Akademia Testowa",
                "version": "1.0",
                "termsOfService": self.url("/terms"),
                "x-imssf-privacyPolicyUrl": self.url("/privacy"),
            },
            "servers": [{"url": self.url(API)}],
            "paths": {"/credentials": {}, "/discovery": {}, "/profile": {}},
            "components": {
                "securitySchemes": {
                    "OAuth2ACG": {
                        "type": "oauth2",
                        "description": "OAuth 2.0 Authorization Code Grant authorization",
                        "x-imssf-name": "Akademia Testowa",
                        "x-imssf-registrationUrl": self.url("/oauth/register"),
                        "flows": {
                            "authorizationCode": {
                                "authorizationUrl": self.url("/oauth/authorize"),
                                "tokenUrl": self.url("/oauth/token"),
                                "refreshUrl": self.url("/oauth/token"),
                                "scopes": {READ_SCOPE: "Read your credentials"},
                            }
                        },
                    }
                },
                "schemas": {},
            },
        }

    def end_access(self) -> None:
        """Make every access token the issuer gave out stop working (as if it expired)."""
        with self.lock:
            for token in self.tokens:
                token.expires_at = 0

    def live_tokens(self) -> list[Token]:
        return [t for t in self.tokens if not t.revoked and not t.is_expired()]


def build_app(issuer: OB3Issuer) -> Flask:
    """The issuer's Flask app: discovery, registration, authorization, token and the API."""
    app = Flask("ob3_test_issuer")
    app.config["SECRET_KEY"] = generate_token(20)

    def query_client(client_id: str) -> Client | None:
        return issuer.clients.get(client_id)

    def save_token(token: dict[str, Any], oauth_request: Any) -> None:
        with issuer.lock:
            issuer.tokens.append(
                Token(
                    client_id=oauth_request.client.client_id,
                    access_token=token["access_token"],
                    refresh_token=token.get("refresh_token"),
                    scope=token.get("scope", ""),
                    expires_at=time.time() + token["expires_in"],
                )
            )

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_token_generator(
        "default",
        BearerTokenGenerator(
            lambda **_: generate_token(42),
            lambda **_: generate_token(48),
            lambda client, grant_type: issuer.expires_in,
        ),
    )

    class RefreshGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic"]
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
            if issuer.refuse_refresh:
                return None
            for token in issuer.tokens:
                if token.refresh_token == refresh_token and not token.revoked:
                    return token
            return None

        def authenticate_user(self, refresh_token: Token) -> str:
            return "learner"

        def revoke_old_credential(self, refresh_token: Token) -> None:
            refresh_token.revoked = True

    class Registration(ClientRegistrationEndpoint):
        def authenticate_token(self, oauth_request: Any) -> bool:
            return True  # open registration, as the Open Badges API expects

        def get_server_metadata(self) -> dict[str, Any]:
            return {
                "scopes_supported": [READ_SCOPE],
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }

        def save_client(self, client_info: Any, client_metadata: Any, oauth_request: Any) -> Client:
            client = Client(client_info["client_id"], client_info["client_secret"], client_metadata)
            issuer.clients[client.client_id] = client
            return client

    server.register_grant(
        code_grant(issuer.codes, "client_secret_basic"), [CodeChallenge(required=True)]
    )
    server.register_grant(RefreshGrant)
    server.register_endpoint(Registration)

    class Validator(BearerTokenValidator):
        def authenticate_token(self, token_string: str) -> Token | None:
            for token in issuer.tokens:
                if token.access_token == token_string:
                    return token
            return None

    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(Validator())

    @app.before_request
    def record() -> None:
        issuer.requests.append(f"{request.method} {request.full_path.rstrip('?')}")

    @app.get(f"{API}/discovery")
    def discovery() -> Any:
        if isinstance(issuer.discovery, bytes):
            return Response(issuer.discovery, content_type="application/json")
        return jsonify(issuer.discovery if issuer.discovery is not None else issuer.description())

    @app.post("/oauth/register")
    def register() -> Any:
        return server.create_endpoint_response("client_registration")

    @app.get("/oauth/authorize")
    def authorize() -> Any:
        # The holder's decision on the consent screen, without a screen: tests set it.
        user = "learner" if issuer.consent else None
        grant = server.get_consent_grant(end_user=user)
        return server.create_authorization_response(grant=grant, grant_user=user)

    @app.post("/oauth/token")
    def token() -> Any:
        return server.create_token_response()

    @app.get(f"{API}/credentials")
    @require_oauth(READ_SCOPE)
    def credentials() -> Any:
        limit = max(1, min(int(request.args.get("limit", 10)), issuer.max_page))
        offset = max(0, int(request.args.get("offset", 0)))
        page = issuer.credentials[offset : offset + limit]
        body = {
            "credential": [c for c in page if isinstance(c, dict)],
            "compactJwsString": [c for c in page if isinstance(c, str)],
        }
        response = jsonify(body)
        total = len(issuer.credentials)
        response.headers["X-Total-Count"] = str(total)
        if issuer.page_links:
            response.headers["Link"] = _links(
                issuer.url(f"{API}/credentials"), limit, offset, total
            )
        return response

    return app


def _links(url: str, limit: int, offset: int, total: int) -> str:
    def at(start: int) -> str:
        return f"{url}?{urlencode({'limit': limit, 'offset': start})}"

    last = max(0, (total - 1) // limit * limit)
    links = [f'<{at(0)}>; rel="first"', f'<{at(last)}>; rel="last"']
    if offset + limit < total:
        links.append(f'<{at(offset + limit)}>; rel="next"')
    if offset > 0:
        links.append(f'<{at(max(0, offset - limit))}>; rel="prev"')
    return ", ".join(links)


@contextmanager
def running_issuer() -> Iterator[OB3Issuer]:
    """Serve a fresh issuer on an ephemeral loopback port until the block ends."""
    issuer = OB3Issuer()
    with serving_app(build_app(issuer), "ob3-issuer") as base_url:
        issuer.base_url = base_url
        yield issuer


def credential_json(credential: dict[str, Any]) -> bytes:
    """A credential as the wallet stores it after receiving it from the API."""
    return json.dumps(credential, ensure_ascii=False).encode()
