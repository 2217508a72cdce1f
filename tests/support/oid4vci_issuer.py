"""An OpenID4VCI credential issuer on 127.0.0.1 for tests.

It publishes issuer and authorization server metadata, makes credential offers (by value or
by reference, pre-authorized with or without a transaction code, or for the authorization
code flow through Authlib's server side with PKCE), hands out nonces, checks the holder's JWT
proof independently (``tests/support/oid4vci_proofs.py``, not Plecak's verifier), and
issues an SD-JWT VC, a VC-JWT and a Data Integrity credential bound to the proved key, each
signed by keys of its own. Tests steer it through attributes.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, Response, jsonify, request

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import serving_app
from tests.support.jose_issuer import (
    IssuerKey,
    SdJwtBuilder,
    b64url,
    did_jwk,
    issue_sd_jwt,
    new_key,
    sign_compact,
)
from tests.support.oauth_codes import AuthorizationCode, code_grant
from tests.support.oid4vci_proofs import verify_proof

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
SD_JWT = "LearningCredential"
JWT_VC = "OpenBadgeJwt"
DI_VC = "OpenBadgeDataIntegrity"
CALLBACK = "http://127.0.0.1:5000/connect/offer/callback"


@dataclass
class PreCode:
    configuration_ids: list[str]
    tx_code: str | None
    expires_at: float


@dataclass
class Client:
    """Any client id is a public client whose only redirect URI is the one tests expect."""

    client_id: str
    redirect_uri: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class OID4VCIIssuer:
    """The issuer's state, and the switches tests turn."""

    base_url: str = ""
    key: IssuerKey = field(default_factory=lambda: new_key("EdDSA"))
    di_issuer: TestIssuer = field(default_factory=TestIssuer.generate)
    consent: bool = True
    redirect_uri: str = CALLBACK
    metadata: Any = None  # replaces the issuer metadata (dict, or raw bytes) when set
    redirects: dict[str, str] = field(default_factory=dict)  # path → Location of a 307
    single_credential: bool = False  # answer as drafts did: one ``credential``, no list
    repeat: bool = False  # send the last credential issued again instead of a new one
    stale_nonces: int = 0  # answer invalid_nonce to this many proofs that are otherwise good
    defer: bool = False  # answer 202 with a transaction_id, as for a deferred issuance
    deny_after: int | None = None  # refuse every request once this many credentials are out
    datasets: dict[str, list[str]] = field(default_factory=dict)  # configuration → identifiers
    openid_configuration_only: bool = False  # server metadata only where OpenID Connect has it
    pushed_only: bool = False  # require pushed authorization requests (RFC 9126)
    tamper: bool = False  # change a VC-JWT's claims after signing them
    drafts: bool = False  # speak as drafts before 1.0: c_nonce with the token, one ``proof``
    credential_requests: list[dict[str, Any]] = field(default_factory=list)
    pushed: dict[str, dict[str, str]] = field(default_factory=dict)  # request_uri → parameters
    pre_codes: dict[str, PreCode] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    access: dict[str, list[str]] = field(default_factory=dict)  # token → configuration ids
    nonces: set[str] = field(default_factory=set)
    proofs: list[dict[str, Any]] = field(default_factory=list)  # checked headers and claims
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    authorizations: list[dict[str, str]] = field(default_factory=list)  # authorize queries
    issued: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def did(self) -> str:
        return did_jwk(self.key)

    def url(self, path: str) -> str:
        return self.base_url + path

    def description(self) -> dict[str, Any]:
        """The credential issuer metadata, as OpenID4VCI 1.0 section 12.2 lays it out."""
        jwt_proof = {"jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}}
        nonces = {} if self.drafts else {"nonce_endpoint": self.url("/nonce")}
        return nonces | {
            "credential_issuer": self.base_url,
            "credential_endpoint": self.url("/credential"),
            "display": [{"name": "Uniwersytet Testowy", "locale": "pl"}],
            "credential_configurations_supported": {
                SD_JWT: {
                    "format": "dc+sd-jwt",
                    "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
                    "scope": "learning",
                    "cryptographic_binding_methods_supported": ["jwk"],
                    "proof_types_supported": jwt_proof,
                    "credential_metadata": {"display": [{"name": "Learning credential"}]},
                },
                JWT_VC: {
                    "format": "jwt_vc_json",
                    "scope": "openbadge",
                    "credential_definition": {
                        "type": ["VerifiableCredential", "OpenBadgeCredential"]
                    },
                    "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                    "proof_types_supported": jwt_proof,
                },
                DI_VC: {
                    "format": "ldp_vc",
                    "scope": "openbadge_di",
                    "credential_definition": {
                        "@context": ["https://www.w3.org/ns/credentials/v2"],
                        "type": ["VerifiableCredential", "OpenBadgeCredential"],
                    },
                    "cryptographic_binding_methods_supported": ["did:key"],
                    "proof_types_supported": jwt_proof,
                },
            },
        }

    def server_metadata(self) -> dict[str, Any]:
        pushed = {
            "pushed_authorization_request_endpoint": self.url("/par"),
            "require_pushed_authorization_requests": True,
        }
        return (pushed if self.pushed_only else {}) | {
            "issuer": self.base_url,
            "token_endpoint": self.url("/token"),
            "authorization_endpoint": self.url("/authorize"),
            "grant_types_supported": ["authorization_code", PRE_AUTHORIZED],
            "code_challenge_methods_supported": ["S256"],
            "pre-authorized_grant_anonymous_access_supported": True,
        }

    def offer(
        self,
        *configuration_ids: str,
        tx_code: str | None = None,
        pre_authorized: bool = True,
        authorization_server: str | None = None,
        by_reference: bool = False,
        lifetime: float = 300,
    ) -> str:
        """A new offer link (``openid-credential-offer://``) for ``configuration_ids``."""
        ids = list(configuration_ids or (SD_JWT,))
        document: dict[str, Any] = {
            "credential_issuer": self.base_url,
            "credential_configuration_ids": ids,
        }
        if pre_authorized:
            code = generate_token(32)
            self.pre_codes[code] = PreCode(ids, tx_code, time.time() + lifetime)
            grant: dict[str, Any] = {"pre-authorized_code": code}
            if tx_code is not None:
                grant["tx_code"] = {
                    "input_mode": "numeric" if tx_code.isdigit() else "text",
                    "length": len(tx_code),
                    "description": "Kod wysłaliśmy SMS-em.",
                }
            if authorization_server is not None:
                grant["authorization_server"] = authorization_server
            document["grants"] = {PRE_AUTHORIZED: grant}
        else:
            document["grants"] = {"authorization_code": {"issuer_state": generate_token(16)}}
        if by_reference:
            name = generate_token(16)
            self.offers[name] = document
            return "openid-credential-offer://?credential_offer_uri=" + quote(
                self.url(f"/offers/{name}"), safe=""
            )
        return "openid-credential-offer://?credential_offer=" + quote(json.dumps(document), safe="")

    def new_nonce(self) -> str:
        value = generate_token(22)
        with self.lock:
            self.nonces.add(value)
        return value

    def expire_offers(self) -> None:
        for code in self.pre_codes.values():
            code.expires_at = 0

    def credential(
        self, configuration_id: str, holder_jwk: dict[str, Any], holder_did: str | None
    ) -> Any:
        """A credential of ``configuration_id`` bound to the holder's key, signed by this issuer."""
        subject = holder_did or "urn:holder:by-key"
        if configuration_id == SD_JWT:
            builder = SdJwtBuilder()
            claims = builder.conceal(
                {
                    "issuing_authority": "Uniwersytet Testowy",
                    "issuing_country": "PL",
                    "achievement_title": "Analiza danych",
                    "given_name": "Ola",
                    "family_name": "Nowak",
                },
                "given_name",
                "family_name",
            )
            claims |= {
                "iss": self.did,
                "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
                "iat": int(time.time()),
                "cnf": {"jwk": holder_jwk},
                "_sd_alg": "sha-256",
            }
            return issue_sd_jwt(
                claims, builder.disclosures, self.key, header={"kid": self.did + "#0"}
            )
        badge = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": f"urn:uuid:{secrets.token_hex(4)}-0000-4000-8000-{secrets.token_hex(6)}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "validFrom": "2025-01-01T12:00:00Z",
            "name": "Praca zespołowa",
            "credentialSubject": {
                "id": subject,
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "urn:uuid:a1",
                    "type": ["Achievement"],
                    "name": "Praca zespołowa",
                },
            },
        }
        if configuration_id == JWT_VC:
            badge["issuer"] = {"id": self.did, "type": ["Profile"], "name": "Uniwersytet Testowy"}
            token = sign_compact({"typ": "vc+jwt", "kid": self.did + "#0"}, badge, self.key)
            if self.tamper:
                header, _claims, signature = token.split(".")
                forged = b64url(json.dumps({**badge, "name": "Forged"}).encode())
                token = f"{header}.{forged}.{signature}"
            return token
        credential = achievement_credential(
            self.di_issuer.did,
            id=badge["id"],
            name="Statystyka",
            credentialSubject={**badge["credentialSubject"]},
        )
        return self.di_issuer.sign(credential, "eddsa-rdfc-2022")


def check_proof(token: str, issuer: OID4VCIIssuer) -> tuple[dict[str, Any], str | None]:
    """The holder's JWK and DID if ``token`` is a valid proof for this issuer, which it records.

    ``ValueError`` if it is not (each nonce is good for one proof).
    """

    def take_nonce(nonce: object) -> bool:
        with issuer.lock:
            if nonce not in issuer.nonces:
                return False
            issuer.nonces.discard(str(nonce))
            return True

    proof = verify_proof(token, audience=issuer.base_url, take_nonce=take_nonce)
    with issuer.lock:
        issuer.proofs.append({"header": proof.header, "claims": proof.claims})
    return proof.jwk, proof.did


def build_app(issuer: OID4VCIIssuer) -> Flask:
    """The issuer's Flask app."""
    app = Flask("oid4vci_test_issuer")
    app.config["SECRET_KEY"] = generate_token(20)

    def save_token(token: dict[str, Any], oauth_request: Any) -> None:
        scopes = str(token.get("scope", "")).split()
        configurations = issuer.description()["credential_configurations_supported"]
        ids = [i for i, c in configurations.items() if c["scope"] in scopes]
        issuer.access[token["access_token"]] = ids

    server = AuthorizationServer(
        app,
        query_client=lambda client_id: Client(client_id, issuer.redirect_uri),
        save_token=save_token,
    )
    server.register_token_generator(
        "default", BearerTokenGenerator(lambda **_: generate_token(42), None, lambda c, g: 600)
    )

    server.register_grant(code_grant(issuer.codes, "none"), [CodeChallenge(required=True)])

    @app.before_request
    def record() -> Any:
        issuer.requests.append(f"{request.method} {request.path}")
        target = issuer.redirects.get(request.path)
        if target is not None:
            return Response(status=307, headers={"Location": target})
        return None

    @app.get("/.well-known/openid-credential-issuer")
    def metadata() -> Any:
        if isinstance(issuer.metadata, bytes):
            return Response(issuer.metadata, content_type="application/json")
        return jsonify(issuer.metadata if issuer.metadata is not None else issuer.description())

    @app.get("/.well-known/oauth-authorization-server")
    def server_metadata() -> Any:
        if issuer.openid_configuration_only:
            return jsonify(error="not_found"), 404
        return jsonify(issuer.server_metadata())

    @app.get("/.well-known/openid-configuration")
    def openid_configuration() -> Any:
        return jsonify(issuer.server_metadata())

    @app.get("/offers/<name>")
    def offer(name: str) -> Any:
        document = issuer.offers.get(name)
        return jsonify(document) if document else (jsonify(error="not_found"), 404)

    def consent() -> Any:
        issuer.authorizations.append(dict(request.args))
        user = "learner" if issuer.consent else None
        grant = server.get_consent_grant(end_user=user)
        return server.create_authorization_response(grant=grant, grant_user=user)

    @app.get("/authorize")
    def authorize() -> Any:
        request_uri = request.args.get("request_uri")
        if request_uri is None:
            if issuer.pushed_only:
                return "pushed authorization requests only", 400
            return consent()
        pushed = issuer.pushed.pop(request_uri, None)
        if pushed is None or pushed.get("client_id") != request.args.get("client_id"):
            return "unknown request_uri", 400
        # The pushed parameters stand for the query, as RFC 9126 section 4 has it.
        with app.test_request_context("/authorize?" + urlencode(pushed)):
            return consent()

    @app.post("/par")
    def par() -> Any:
        request_uri = "urn:ietf:params:oauth:request_uri:" + generate_token(24)
        issuer.pushed[request_uri] = dict(request.form)
        return jsonify(request_uri=request_uri, expires_in=60), 201

    @app.post("/token")
    def token() -> Any:
        if request.form.get("grant_type") != PRE_AUTHORIZED:
            return server.create_token_response()
        with issuer.lock:
            code = issuer.pre_codes.get(request.form.get("pre-authorized_code", ""))
            sent = request.form.get("tx_code")
            if code is None or code.expires_at < time.time():
                return jsonify(error="invalid_grant"), 400
            if (code.tx_code is None) != (sent is None):
                return jsonify(error="invalid_request"), 400
            if sent != code.tx_code:
                return jsonify(error="invalid_grant"), 400
            del issuer.pre_codes[request.form["pre-authorized_code"]]
            access = generate_token(42)
            issuer.access[access] = code.configuration_ids
        details = [
            {
                "type": "openid_credential",
                "credential_configuration_id": configuration_id,
                "credential_identifiers": issuer.datasets[configuration_id],
            }
            for configuration_id in code.configuration_ids
            if configuration_id in issuer.datasets
        ]
        extra: dict[str, Any] = {"authorization_details": details} if details else {}
        if issuer.drafts:
            extra["c_nonce"] = issuer.new_nonce()
        response = jsonify(access_token=access, token_type="Bearer", expires_in=600, **extra)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/nonce")
    def nonce() -> Any:
        response = jsonify(c_nonce=issuer.new_nonce())
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/credential")
    def credential() -> Any:
        authorization = request.headers.get("Authorization", "")
        allowed = issuer.access.get(authorization.removeprefix("Bearer "))
        if not authorization.startswith("Bearer ") or allowed is None:
            return jsonify(error="invalid_token"), 401
        body = request.get_json(silent=True) or {}
        issuer.credential_requests.append(body)
        configuration_id = body.get("credential_configuration_id")
        dataset = body.get("credential_identifier")
        if dataset is not None:
            # The two ways of naming what is asked for exclude each other (section 8.2).
            if configuration_id is not None:
                return jsonify(error="invalid_credential_request"), 400
            named = [c for c, ids in issuer.datasets.items() if dataset in ids]
            if not named:
                return jsonify(error="unknown_credential_identifier"), 400
            configuration_id = named[0]
        elif configuration_id in issuer.datasets:
            return jsonify(error="invalid_credential_request"), 400
        if configuration_id not in allowed:
            return jsonify(error="unknown_credential_configuration"), 400
        if issuer.drafts:
            proof = body.get("proof", {})
            proofs = [proof.get("jwt")] if proof.get("proof_type") == "jwt" else []
            if "format" not in body:
                return jsonify(error="invalid_credential_request"), 400
        else:
            proofs = body.get("proofs", {}).get("jwt", [])
        if len(proofs) != 1:
            return jsonify(error="invalid_proof"), 400
        try:
            holder_jwk, holder_did = check_proof(proofs[0], issuer)
        except (ValueError, KeyError) as error:
            return jsonify(error="invalid_proof", error_description=str(error)), 400
        if issuer.stale_nonces > 0:
            issuer.stale_nonces -= 1
            return jsonify(error="invalid_nonce"), 400
        if issuer.defer:
            return jsonify(transaction_id=generate_token(12), interval=60), 202
        if issuer.deny_after is not None and len(issuer.issued) >= issuer.deny_after:
            return jsonify(error="credential_request_denied"), 400
        if issuer.repeat and issuer.issued:
            issued: Any = issuer.issued[-1]
        else:
            issued = issuer.credential(configuration_id, holder_jwk, holder_did)
            issuer.issued.append(issued if isinstance(issued, str) else json.dumps(issued))
        if issuer.drafts:
            return jsonify(credential=issued, c_nonce=issuer.new_nonce())
        if issuer.single_credential:
            return jsonify(credential=issued)
        return jsonify(credentials=[{"credential": issued}])

    return app


@contextmanager
def running_oid4vci_issuer() -> Iterator[OID4VCIIssuer]:
    """Serve a fresh issuer on an ephemeral loopback port until the block ends."""
    issuer = OID4VCIIssuer()
    with serving_app(build_app(issuer), "oid4vci-issuer") as base_url:
        issuer.base_url = base_url
        yield issuer
