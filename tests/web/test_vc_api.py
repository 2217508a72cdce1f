"""The VC API verifier endpoints answer the CCG VC API request shapes, publicly, storing nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.jose_issuer import IssuerKey, did_jwk, new_key, sign_compact
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.fetching import DocumentMapFetcher
from wallet.models import Base
from wallet.vcapi.verification import MAX_REQUEST_BYTES

DATA = Path(__file__).resolve().parent.parent / "data"
# Open Badges 3.0 credentials signed by Digital Bazaar's libraries (an independent implementation).
DB_SAMPLE = DATA / "vc-corpus-sample"
# RFC 9901 Appendix A.3, the SD-JWT VC example with a key binding JWT.
RFC_VECTORS = DATA / "conformance" / "jwt"
PID_METADATA = "https://pid-issuer.bund.de.example/.well-known/jwt-vc-issuer"


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DB_SAMPLE / name).read_text())
    return loaded


def post(client: FlaskClient, path: str, body: Any) -> Any:
    return client.post(path, json=body, headers={"Accept": "application/json"})


def row_counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_credentials_verify_published_credential_is_verified_and_stores_nothing(
    client: FlaskClient, db_session: Session
) -> None:
    before = row_counts(db_session)
    response = post(
        client,
        "/credentials/verify",
        {"verifiableCredential": sample("rdfc-valid-000.json"), "options": {}},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["verified"] is True
    assert {"proof", "key_resolution", "issuer_binding"} <= set(body["checks"])
    assert body["errors"] == [] and body["problemDetails"] == []
    assert row_counts(db_session) == before


def test_credentials_verify_tampered_credential_is_refused_with_proof_error(
    client: FlaskClient,
) -> None:
    response = post(
        client,
        "/credentials/verify",
        {"verifiableCredential": sample("rdfc-tampered-name-000.json")},
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["verified"] is False and body["standing"] == "failed"
    assert "proof" in [error["code"] for error in body["errors"]]
    assert "proof" in [problem["title"] for problem in body["problemDetails"]]


def test_credentials_verify_enveloped_sd_jwt_vc_is_verified(
    app: Flask, client: FlaskClient
) -> None:
    token = (RFC_VECTORS / "rfc9901-a3-sd-jwt-vc-presentation-kb.sd-jwt").read_text()
    entries = {PID_METADATA: "pid-issuer.bund.de.example.jwt-vc-issuer.json"}
    app.extensions["wallet"].fetcher = DocumentMapFetcher(
        RFC_VECTORS / "manifest.json", entries=entries
    )
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/dc+sd-jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }
    response = post(client, "/credentials/verify", {"verifiableCredential": enveloped})
    assert response.status_code == 200, response.get_json()
    assert {"proof", "disclosure", "key_binding"} <= set(response.get_json()["checks"])


@pytest.mark.parametrize(
    ("name", "status", "standing"),
    [
        ("ob3-d1-basic-jwk-header.jwt", 200, "verified"),
        ("tampered-ob3-d1-name.jwt", 400, "failed"),
    ],
)
def test_credentials_verify_enveloped_vc_jwt_gives_its_standing(
    app: Flask, client: FlaskClient, name: str, status: int, standing: str
) -> None:
    # Open Badges 3.0 Appendix D.1 as JWT; its issuer profile publishes the header's key.
    token = (RFC_VECTORS / name).read_text()
    entries = {"https://example.com/issuers/876543": "example.com.issuer-profile.json"}
    app.extensions["wallet"].fetcher = DocumentMapFetcher(
        RFC_VECTORS / "manifest.json", entries=entries
    )
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }
    response = post(client, "/credentials/verify", {"verifiableCredential": enveloped})
    assert response.status_code == status
    assert response.get_json()["standing"] == standing


def test_credentials_verify_unreachable_issuer_key_is_unverifiable_not_failed(
    app: Flask, client: FlaskClient
) -> None:
    token = (RFC_VECTORS / "rfc9901-a3-sd-jwt-vc-presentation-kb.sd-jwt").read_text()
    app.extensions["wallet"].fetcher = DocumentMapFetcher(RFC_VECTORS / "manifest.json", entries={})
    response = post(client, "/credentials/verify", {"verifiableCredential": token})
    body = response.get_json()
    assert response.status_code == 400
    assert body["standing"] == "unverifiable"
    assert [error["code"] for error in body["errors"]] == ["key_resolution"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"options": {}}',
        b'{"verifiableCredential": 7}',
        b'{"verifiableCredential": {}, "options": 1}',
    ],
)
def test_credentials_verify_malformed_request_is_a_parsing_error(
    client: FlaskClient, body: bytes
) -> None:
    response = client.post("/credentials/verify", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["problemDetails"][0]["title"] == "PARSING_ERROR"


def test_credentials_verify_request_over_the_cap_is_refused_with_413(client: FlaskClient) -> None:
    padding = "x" * MAX_REQUEST_BYTES
    response = post(
        client,
        "/credentials/verify",
        {"verifiableCredential": sample("rdfc-valid-000.json"), "pad": padding},
    )
    assert response.status_code == 413
    assert response.get_json()["problemDetails"][0]["title"] == "PAYLOAD_TOO_LARGE"


def test_vc_api_after_the_limit_is_refused_with_429(settings: Settings, database: Database) -> None:
    app = create_app(replace(settings, vc_api_rate_limit="2 per minute"), database=database)
    client = app.test_client()
    request = {"verifiableCredential": sample("rdfc-valid-000.json")}
    statuses = [post(client, "/credentials/verify", request).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = post(client, "/presentations/verify", {"presentation": {}})
    assert refused.status_code == 429
    assert refused.get_json()["problemDetails"][0]["title"] == "RATE_LIMIT_EXCEEDED"


def presentation(*credentials: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
        **extra,
    }


def test_presentations_verify_unsigned_presentation_of_genuine_credential_is_verified(
    client: FlaskClient,
) -> None:
    body = {"verifiablePresentation": presentation(sample("rdfc-valid-000.json")), "options": {}}
    response = post(client, "/presentations/verify", body)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["verified"] is True
    assert [w["code"] for w in answer["warnings"]][:1] == ["presentation_proof"]
    assert answer["credentialResults"] == [{"verified": True, "standing": "verified"}]


def test_presentations_verify_with_tampered_credential_fails(client: FlaskClient) -> None:
    vp = presentation(sample("rdfc-valid-000.json"), sample("jcs-tampered-name-000.json"))
    response = post(client, "/presentations/verify", {"verifiablePresentation": vp})
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["standing"] == "failed"
    assert [r["standing"] for r in answer["credentialResults"]] == ["verified", "failed"]
    assert "verifiableCredential[1].proof" in [e["code"] for e in answer["errors"]]


def test_presentations_verify_holder_proof_not_checked_is_unverifiable(client: FlaskClient) -> None:
    proof = {"type": "DataIntegrityProof", "proofPurpose": "authentication"}
    vp = presentation(sample("rdfc-valid-000.json"), proof=proof)
    response = post(client, "/presentations/verify", {"verifiablePresentation": vp})
    assert response.status_code == 400
    assert response.get_json()["standing"] == "unverifiable"


def test_presentations_verify_empty_presentation_is_a_parsing_error(client: FlaskClient) -> None:
    response = post(client, "/presentations/verify", {"presentation": presentation()})
    assert response.status_code == 400
    assert response.get_json()["problemDetails"][0]["title"] == "PARSING_ERROR"


def test_vc_api_is_public_and_needs_no_csrf_token(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = post(
        client, "/credentials/verify", {"verifiableCredential": sample("rdfc-valid-000.json")}
    )
    assert response.status_code == 200


def enveloped_sd_jwt(name: str) -> dict[str, Any]:
    token = (RFC_VECTORS / name).read_text()
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/dc+sd-jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


@pytest.mark.parametrize(
    ("name", "challenge", "status"),
    [
        # RFC 9901 A.3: the KB-JWT carries nonce 1234567890 for https://verifier.example.org.
        ("rfc9901-a3-sd-jwt-vc-presentation-kb.sd-jwt", "1234567890", 200),
        ("rfc9901-a3-sd-jwt-vc-presentation-kb.sd-jwt", "a-replayed-challenge", 400),
        # RFC 9901 5.1 is issued without a KB-JWT: nothing answers the challenge.
        ("rfc9901-5.1-issued.sd-jwt", "1234567890", 400),
    ],
)
def test_presentations_verify_sd_jwt_key_binding_must_answer_the_challenge(
    app: Flask, client: FlaskClient, name: str, challenge: str, status: int
) -> None:
    entries = {
        PID_METADATA: "pid-issuer.bund.de.example.jwt-vc-issuer.json",
        "https://issuer.example.com/.well-known/jwt-vc-issuer": (
            "issuer.example.com.jwt-vc-issuer.json"
        ),
    }
    app.extensions["wallet"].fetcher = DocumentMapFetcher(
        RFC_VECTORS / "manifest.json", entries=entries
    )
    options = {"challenge": challenge, "domain": "https://verifier.example.org"}
    body = {"presentation": presentation(enveloped_sd_jwt(name)), "options": options}
    response = post(client, "/presentations/verify", body)
    assert response.status_code == status, response.get_json()
    errors = [error["code"] for error in response.get_json()["errors"]]
    assert ("verifiableCredential[0].key_binding" in errors) is (status == 400)


def enveloped_presentation(holder_key: IssuerKey, holder: str, **claims: Any) -> dict[str, Any]:
    vp = presentation(sample("rdfc-valid-000.json"), holder=holder, **claims)
    token = sign_compact({"typ": "vp+jwt", "kid": did_jwk(holder_key) + "#0"}, vp, holder_key)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/vp+jwt,{token}",
        "type": "EnvelopedVerifiablePresentation",
    }


OPTIONS = {"challenge": "c-1", "domain": "https://ats.example"}


def test_presentations_verify_enveloped_vp_jwt_signed_by_its_holder_is_verified(
    client: FlaskClient,
) -> None:
    key = new_key("ES256")
    vp = enveloped_presentation(key, did_jwk(key), nonce="c-1", aud="https://ats.example")
    response = post(
        client, "/presentations/verify", {"verifiablePresentation": vp, "options": OPTIONS}
    )
    assert response.status_code == 200, response.get_json()
    checks = response.get_json()["checks"]
    assert {"presentation_proof", "presentation_holder", "presentation_challenge"} <= set(checks)
    assert "verifiableCredential[0].proof" in checks


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("replayed", "presentation_challenge"),
        ("other_holder", "presentation_holder"),
        ("forged", "presentation_proof"),
    ],
)
def test_presentations_verify_enveloped_vp_jwt_not_the_holders_answer_fails(
    client: FlaskClient, case: str, error: str
) -> None:
    key = new_key("ES256")
    holder = did_jwk(new_key("ES256")) if case == "other_holder" else did_jwk(key)
    nonce = "an-old-challenge" if case == "replayed" else "c-1"
    vp = enveloped_presentation(key, holder, nonce=nonce, aud="https://ats.example")
    if case == "forged":
        head, payload, signature = vp["id"].split(".")
        vp["id"] = ".".join([head, payload, signature[:-4] + "AAAA"])
    response = post(
        client, "/presentations/verify", {"verifiablePresentation": vp, "options": OPTIONS}
    )
    assert response.status_code == 400
    assert response.get_json()["standing"] == "failed"
    assert error in [e["code"] for e in response.get_json()["errors"]]
