"""Proof sets and chains (VC Data Integrity §4.4, §4.5) with the published vc-di-eddsa vectors."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

from tests.support.di_issuer import SUITE_CONTEXT, TestIssuer, achievement_credential
from tests.support.di_vectors import VECTORS, NoNetwork, load_vector, vector_loader
from tests.support.httpserver import LocalServer
from tests.support.mapped_fetcher import MappedFetcher, controller_document
from wallet.fetching import SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity
from wallet.verification.report import Check, CheckStatus, Report, Verdict

KEYS = json.loads((VECTORS / "multiKeyPairs.json").read_text())
ISSUER = "https://vc.example/issuers/5678"
AT = datetime(2027, 1, 1, tzinfo=UTC)


def _serve_chain_keys(server: LocalServer) -> None:
    """The controller documents the chain's verification methods point at."""
    for number in range(1, 5):
        url = f"{ISSUER}{number}"
        key = KEYS[f"keyPair{min(number, 3)}"]["publicKeyMultibase"]
        document = controller_document(url, {key: key})
        server.serve(url.removeprefix("https://vc.example"), json.dumps(document))


def _serve_issuer(server: LocalServer, listed: list[str]) -> None:
    document = controller_document(ISSUER, {}, assertion=listed)
    server.serve("/issuers/5678", json.dumps(document))


def _verify(document: JsonObject, server: LocalServer) -> list[Check]:
    fetcher = MappedFetcher(
        {"https://vc.example": server.base_url}, SafeFetcher(allow_loopback=True)
    )
    ctx = VerificationContext(fetcher=fetcher, at=AT)
    return verify_data_integrity(document, ctx, vector_loader())


def _of(checks: list[Check], code: str) -> list[CheckStatus]:
    return [check.status for check in checks if check.code == code]


def _first_method(document: JsonObject) -> str:
    proofs = document["proof"]
    assert isinstance(proofs, list) and isinstance(proofs[0], dict)
    return str(proofs[0]["verificationMethod"])


def test_published_proof_chain_every_proof_verifies(http_server: LocalServer) -> None:
    document = load_vector("proof-chain-2.json")
    _serve_chain_keys(http_server)
    _serve_issuer(http_server, [_first_method(document)])
    checks = _verify(document, http_server)
    assert _of(checks, "proof") == [CheckStatus.PASSED] * 4
    assert _of(checks, "key_resolution") == [CheckStatus.PASSED] * 4
    assert _of(checks, "issuer_binding") == [CheckStatus.PASSED]
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_published_proof_chain_without_issuer_link_is_unverifiable(
    http_server: LocalServer,
) -> None:
    _serve_chain_keys(http_server)
    checks = _verify(load_vector("proof-chain-2.json"), http_server)
    assert _of(checks, "proof") == [CheckStatus.PASSED] * 4
    assert _of(checks, "issuer_binding") == [CheckStatus.SKIPPED]
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_published_proof_chain_one_bad_signature_fails(http_server: LocalServer) -> None:
    document = load_vector("proof-chain-2.json")
    _serve_chain_keys(http_server)
    _serve_issuer(http_server, [_first_method(document)])
    proofs = document["proof"]
    assert isinstance(proofs, list) and isinstance(proofs[1], dict)
    proofs[1]["created"] = "2024-01-01T00:00:00Z"
    checks = _verify(document, http_server)
    assert CheckStatus.FAILED in _of(checks, "proof")
    assert Report.of(checks).verdict is Verdict.FAILED


def test_published_proof_chain_removed_earlier_proof_fails(http_server: LocalServer) -> None:
    document = load_vector("proof-chain-2.json")
    _serve_chain_keys(http_server)
    proofs = document["proof"]
    assert isinstance(proofs, list)
    document["proof"] = proofs[1:]  # the third proof names the removed first one
    checks = _verify(document, http_server)
    assert CheckStatus.FAILED in _of(checks, "proof")


def test_published_proof_chain_checks_name_their_proof(http_server: LocalServer) -> None:
    _serve_chain_keys(http_server)
    checks = _verify(load_vector("proof-chain-2.json"), http_server)
    details = [check.detail or "" for check in checks if check.code == "proof"]
    assert details[0].startswith("urn:uuid:26329423")


def test_ed25519signature2020_and_data_integrity_proof_set_verifies() -> None:
    issuer = TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    # Both proofs sign one document, which must define Ed25519Signature2020's terms.
    credential["@context"] = [*credential["@context"], SUITE_CONTEXT]  # type: ignore[misc]
    legacy = issuer.sign(credential, "Ed25519Signature2020")["proof"]
    modern = issuer.sign(credential, "eddsa-rdfc-2022")["proof"]
    both = copy.deepcopy(credential)
    both["proof"] = [legacy, modern]
    checks = verify_data_integrity(both, VerificationContext(NoNetwork(), AT))
    assert _of(checks, "proof") == [CheckStatus.PASSED, CheckStatus.PASSED]
    assert _of(checks, "issuer_binding") == [CheckStatus.PASSED]


def test_proof_set_with_foreign_witness_still_binds_issuer() -> None:
    issuer, witness = TestIssuer.generate(), TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    own = issuer.sign(credential, "eddsa-jcs-2022")["proof"]
    witnessed = witness.sign(credential, "eddsa-jcs-2022")["proof"]
    signed = {**credential, "proof": [witnessed, own]}
    checks = verify_data_integrity(signed, VerificationContext(NoNetwork(), AT))
    assert _of(checks, "proof") == [CheckStatus.PASSED, CheckStatus.PASSED]
    assert _of(checks, "issuer_binding") == [CheckStatus.PASSED]


def test_proof_set_with_unsupported_suite_is_unverifiable() -> None:
    issuer = TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    own = issuer.sign(credential, "eddsa-jcs-2022")["proof"]
    other = {**own, "cryptosuite": "bbs-2023"}  # type: ignore[dict-item]
    signed = {**credential, "proof": [own, other]}
    checks = verify_data_integrity(signed, VerificationContext(NoNetwork(), AT))
    assert _of(checks, "proof") == [CheckStatus.PASSED, CheckStatus.SKIPPED]
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE
