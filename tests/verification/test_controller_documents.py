"""http(s) verification methods and issuer binding, with controller documents on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.di_vectors import VECTORS, load_vector, vector_loader
from tests.support.httpserver import LocalServer
from tests.support.mapped_fetcher import MappedFetcher, controller_document
from wallet.fetching import SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity
from wallet.verification.report import Check, CheckStatus, Report, Verdict

P256 = json.loads((VECTORS / "p256KeyPair.json").read_text())["publicKeyMultibase"]
P384 = json.loads((VECTORS / "p384KeyPair.json").read_text())["publicKeyMultibase"]
ISSUER = "https://vc.example/issuers/5678"
SAILING = "https://vc.example/windsurf/racecommittee"
AT = datetime(2027, 1, 1, tzinfo=UTC)


def _ctx(server: LocalServer) -> VerificationContext:
    fetcher = MappedFetcher(
        {"https://vc.example": server.base_url}, SafeFetcher(allow_loopback=True)
    )
    return VerificationContext(fetcher=fetcher, at=AT)


def _serve(server: LocalServer, document: dict[str, object]) -> None:
    url = str(document["id"])
    server.serve(url.removeprefix("https://vc.example"), json.dumps(document))


def _verify(document: JsonObject, server: LocalServer) -> list[Check]:
    return verify_data_integrity(document, _ctx(server), vector_loader())


def _statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {check.code: check.status for check in checks}


@pytest.mark.parametrize("name", ["ecdsa-jcs-2019-p256.json", "ecdsa-jcs-2019-p384.json"])
def test_https_method_in_issuer_controller_document_verifies(
    http_server: LocalServer, name: str
) -> None:
    _serve(http_server, controller_document(ISSUER, {P256: P256, P384: P384}))
    checks = _verify(load_vector(name), http_server)
    statuses = _statuses(checks)
    assert statuses["key_resolution"] is CheckStatus.PASSED
    assert statuses["issuer_binding"] is CheckStatus.PASSED
    assert statuses["proof"] is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_https_method_unreachable_is_unverifiable(http_server: LocalServer) -> None:
    checks = _verify(load_vector("ecdsa-jcs-2019-p256.json"), http_server)
    key = next(check for check in checks if check.code == "key_resolution")
    assert (key.status, key.required) == (CheckStatus.SKIPPED, True)
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_https_method_only_for_authentication_fails(http_server: LocalServer) -> None:
    document = controller_document(ISSUER, {P256: P256}, assertion=[])
    document["authentication"] = [f"{ISSUER}#{P256}"]
    _serve(http_server, document)
    checks = _verify(load_vector("ecdsa-jcs-2019-p256.json"), http_server)
    assert _statuses(checks)["key_resolution"] is CheckStatus.FAILED
    assert Report.of(checks).verdict is Verdict.FAILED


def test_https_method_with_foreign_controller_fails(http_server: LocalServer) -> None:
    document = controller_document(ISSUER, {P256: P256})
    methods = document["verificationMethod"]
    assert isinstance(methods, list)
    methods[0]["controller"] = "https://vc.example/issuers/other"
    _serve(http_server, document)
    checks = _verify(load_vector("ecdsa-jcs-2019-p256.json"), http_server)
    assert _statuses(checks)["key_resolution"] is CheckStatus.FAILED


def test_https_method_document_with_other_id_fails(http_server: LocalServer) -> None:
    document = controller_document(ISSUER, {P256: P256})
    document["id"] = "https://vc.example/issuers/9999"
    http_server.serve("/issuers/5678", json.dumps(document))
    checks = _verify(load_vector("ecdsa-jcs-2019-p256.json"), http_server)
    assert _statuses(checks)["key_resolution"] is CheckStatus.FAILED


def test_https_method_with_wrong_key_type_fails_proof(http_server: LocalServer) -> None:
    ed25519 = TestIssuer.generate().public_multibase
    _serve(http_server, controller_document(ISSUER, {P256: ed25519}))
    checks = _verify(load_vector("ecdsa-jcs-2019-p256.json"), http_server)
    assert _statuses(checks)["proof"] is CheckStatus.FAILED


def test_urn_method_is_unverifiable(http_server: LocalServer) -> None:
    document = load_vector("ecdsa-jcs-2019-p256.json")
    proof = document["proof"]
    assert isinstance(proof, dict)
    proof["verificationMethod"] = "urn:uuid:0f2b9b7c-4a1e-4a45-8c3e-1f1a2b3c4d5e#key-1"
    checks = _verify(document, http_server)
    assert _statuses(checks)["key_resolution"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


@pytest.mark.parametrize(
    "name", ["eddsa-rdfc-2022-employ.json", "ecdsa-rdfc-2019-p256-employ.json"]
)
def test_issuer_did_key_other_than_signer_fails_binding(
    http_server: LocalServer, name: str
) -> None:
    checks = _verify(load_vector(name), http_server)
    statuses = _statuses(checks)
    assert statuses["proof"] is CheckStatus.PASSED
    assert statuses["issuer_binding"] is CheckStatus.FAILED
    assert http_server.requests == []  # a did:key issuer is decided without the network


def test_issuer_without_controller_document_is_unverifiable(http_server: LocalServer) -> None:
    checks = _verify(load_vector("ecdsa-sd-2023-derived.json"), http_server)
    statuses = _statuses(checks)
    assert statuses["proof"] is CheckStatus.PASSED
    assert statuses["issuer_binding"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_issuer_profile_that_is_no_controller_document_is_unverifiable(
    http_server: LocalServer,
) -> None:
    profile = {"id": SAILING, "type": "Profile", "name": "Race committee"}
    _serve(http_server, profile)
    checks = _verify(load_vector("ecdsa-sd-2023-derived.json"), http_server)
    assert _statuses(checks)["issuer_binding"] is CheckStatus.SKIPPED


def test_issuer_controller_document_listing_did_key_binds(http_server: LocalServer) -> None:
    signer = f"did:key:{P256}#{P256}"
    _serve(http_server, controller_document(SAILING, {}, assertion=[signer]))
    checks = _verify(load_vector("ecdsa-sd-2023-derived.json"), http_server)
    assert _statuses(checks)["issuer_binding"] is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_issuer_controller_document_not_listing_key_fails(http_server: LocalServer) -> None:
    _serve(http_server, controller_document(SAILING, {"key-1": P384}))
    checks = _verify(load_vector("ecdsa-sd-2023-derived.json"), http_server)
    assert _statuses(checks)["issuer_binding"] is CheckStatus.FAILED


def test_did_web_issuer_listing_did_key_binds(http_server: LocalServer) -> None:
    issuer = TestIssuer.generate()
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    document = {"id": did, "assertionMethod": [issuer.method_id]}
    http_server.serve("/.well-known/did.json", json.dumps(document))
    signed = issuer.sign(achievement_credential(did), "eddsa-rdfc-2022")
    ctx = VerificationContext(fetcher=SafeFetcher(allow_loopback=True), at=AT)
    statuses = _statuses(verify_data_integrity(signed, ctx, web_scheme="http"))
    assert statuses["issuer_binding"] is CheckStatus.PASSED


def test_did_web_issuer_unreachable_is_unverifiable() -> None:
    issuer = TestIssuer.generate()
    signed = issuer.sign(achievement_credential("did:web:127.0.0.1%3A9"), "eddsa-rdfc-2022")
    ctx = VerificationContext(fetcher=SafeFetcher(allow_loopback=True, timeout=1.0), at=AT)
    statuses = _statuses(verify_data_integrity(signed, ctx, web_scheme="http"))
    assert statuses["proof"] is CheckStatus.PASSED
    assert statuses["issuer_binding"] is CheckStatus.SKIPPED


def test_did_web_issuer_not_listing_did_key_fails(http_server: LocalServer) -> None:
    issuer, other = TestIssuer.generate(), TestIssuer.generate()
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    document = {"id": did, "assertionMethod": [other.method_id]}
    http_server.serve("/.well-known/did.json", json.dumps(document))
    signed = issuer.sign(achievement_credential(did), "eddsa-rdfc-2022")
    ctx = VerificationContext(fetcher=SafeFetcher(allow_loopback=True), at=AT)
    checks = verify_data_integrity(signed, ctx, web_scheme="http")
    assert _statuses(checks)["issuer_binding"] is CheckStatus.FAILED
    assert Report.of(checks).verdict is Verdict.FAILED


def test_https_method_of_unsupported_key_type_is_unverifiable(http_server: LocalServer) -> None:
    document = controller_document(ISSUER, {P256: P256})
    methods = document["verificationMethod"]
    assert isinstance(methods, list)
    methods[0]["type"] = "EcdsaSecp256k1VerificationKey2019"
    _serve(http_server, document)
    checks = _verify(load_vector("ecdsa-jcs-2019-p256.json"), http_server)
    assert _statuses(checks)["key_resolution"] is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_plain_http_method_is_unverifiable(http_server: LocalServer) -> None:
    issuer = http_server.url("/issuers/1")
    _serve(http_server, controller_document(ISSUER, {P256: P256}))
    document = load_vector("ecdsa-jcs-2019-p256.json")
    proof = document["proof"]
    assert isinstance(proof, dict)
    proof["verificationMethod"] = f"{issuer}#{P256}"
    checks = _verify(document, http_server)
    assert _statuses(checks)["key_resolution"] is CheckStatus.SKIPPED
    assert http_server.requests == []
