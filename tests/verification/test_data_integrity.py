"""Data Integrity proofs: published vectors, generated credentials and canonicalisation traps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from wallet.fetching import Fetched, SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import Escaping, Ordering, offline_loader, to_rdf
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import (
    ED25519_2020,
    JCS,
    RDFC,
    read_proof,
    verify_data_integrity,
    verify_signature,
)
from wallet.verification.jsonld import ContextLoader, MemoryContextStore
from wallet.verification.multibase import decode_multibase
from wallet.verification.report import Check, CheckStatus, Report, Verdict

DATA = Path(__file__).parent.parent / "data" / "di"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
VECTORS = {RDFC: "signedDataInt.json", JCS: "signedJCS.json", ED25519_2020: "signedEdSig.json"}
SUITES = [RDFC, JCS, ED25519_2020]


class NoNetwork:
    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise AssertionError(f"unexpected fetch of {url}")


def _context(fetcher: object = None) -> VerificationContext:
    return VerificationContext(
        fetcher=fetcher or NoNetwork(),  # type: ignore[arg-type]
        at=datetime(2027, 1, 1, tzinfo=UTC),
    )


def _statuses(checks: list[Check]) -> dict[str, CheckStatus]:
    return {check.code: check.status for check in checks}


def _vector(suite: str) -> JsonObject:
    loaded = json.loads((DATA / VECTORS[suite]).read_text())
    assert isinstance(loaded, dict)
    return loaded


def _vector_loader() -> ContextLoader:
    body = (DATA / "credentials-examples-v2.jsonld").read_bytes()
    return ContextLoader(NoNetwork(), MemoryContextStore(bodies={EXAMPLES_CONTEXT: body}))


def _vector_contexts() -> dict[str, JsonObject]:
    return {EXAMPLES_CONTEXT: json.loads((DATA / "credentials-examples-v2.jsonld").read_text())}


def _vector_key() -> Ed25519PublicKey:
    keys = json.loads((DATA / "keyPair.json").read_text())
    return Ed25519PublicKey.from_public_bytes(decode_multibase(keys["publicKeyMultibase"])[2:])


@pytest.mark.parametrize("suite", SUITES)
def test_spec_vector_signature_verifies(suite: str) -> None:
    document = _vector(suite)
    checks = verify_signature(document, read_proof(document), _vector_key(), _vector_loader())
    assert _statuses(checks)["proof"] is CheckStatus.PASSED


@pytest.mark.parametrize("suite", SUITES)
def test_spec_vector_tampered_fails(suite: str) -> None:
    document = _vector(suite)
    document["name"] = "Alumni Credential (edited)"
    checks = verify_signature(document, read_proof(document), _vector_key(), _vector_loader())
    assert _statuses(checks)["proof"] is CheckStatus.FAILED


def test_spec_vector_remote_context_reported_as_warning() -> None:
    document = _vector(RDFC)
    checks = verify_signature(document, read_proof(document), _vector_key(), _vector_loader())
    context = next(check for check in checks if check.code == "context")
    assert (context.status, context.required) == (CheckStatus.WARNING, False)
    assert context.detail == EXAMPLES_CONTEXT


@pytest.mark.parametrize("suite", SUITES)
def test_signer_reproduces_spec_proof_value(suite: str) -> None:
    keys = json.loads((DATA / "keyPair.json").read_text())
    published = _vector(suite)
    proof = published.pop("proof")
    assert isinstance(proof, dict)
    signed = TestIssuer.from_multibase(keys["privateKeyMultibase"]).sign(
        published,
        suite,
        created=str(proof["created"]),
        verification_method=str(proof["verificationMethod"]),
        contexts=_vector_contexts(),
    )
    assert isinstance(signed["proof"], dict)
    assert signed["proof"]["proofValue"] == proof["proofValue"]


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


@pytest.mark.parametrize("suite", SUITES)
def test_verify_generated_credential_passes(issuer: TestIssuer, suite: str) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    assert _statuses(verify_data_integrity(signed, _context())) == {
        "key_resolution": CheckStatus.PASSED,
        "issuer_binding": CheckStatus.PASSED,
        "proof": CheckStatus.PASSED,
    }


@pytest.mark.parametrize("suite", SUITES)
def test_verify_tampered_credential_fails_proof(issuer: TestIssuer, suite: str) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    signed["name"] = "Advanced Data Literacy"
    assert _statuses(verify_data_integrity(signed, _context()))["proof"] is CheckStatus.FAILED


@pytest.mark.parametrize("suite", SUITES)
def test_verify_signed_by_other_key_fails_proof(issuer: TestIssuer, suite: str) -> None:
    rogue = TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    signed = rogue.sign(credential, suite, verification_method=issuer.method_id)
    statuses = _statuses(verify_data_integrity(signed, _context()))
    assert statuses["proof"] is CheckStatus.FAILED
    assert statuses["issuer_binding"] is CheckStatus.PASSED


def test_verify_key_of_other_issuer_fails_issuer_binding(issuer: TestIssuer) -> None:
    other = TestIssuer.generate()
    signed = other.sign(achievement_credential(issuer.did), RDFC)
    statuses = _statuses(verify_data_integrity(signed, _context()))
    assert statuses["issuer_binding"] is CheckStatus.FAILED
    assert statuses["proof"] is CheckStatus.PASSED


def test_verify_authentication_purpose_fails_proof(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS, proof_purpose="authentication")
    assert _statuses(verify_data_integrity(signed, _context()))["proof"] is CheckStatus.FAILED


def test_verify_unknown_cryptosuite_skips_proof(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    assert isinstance(signed["proof"], dict)
    signed["proof"]["cryptosuite"] = "bbs-2023"
    checks = verify_data_integrity(signed, _context())
    assert _statuses(checks) == {"proof": CheckStatus.SKIPPED}
    assert Report.of(checks).verdict is Verdict.UNVERIFIABLE


def test_verify_ecdsa_suite_with_ed25519_key_fails_proof(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    assert isinstance(signed["proof"], dict)
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert _statuses(verify_data_integrity(signed, _context()))["proof"] is CheckStatus.FAILED


def test_verify_unresolvable_did_fails_key_resolution(issuer: TestIssuer) -> None:
    signed = issuer.sign(
        achievement_credential(issuer.did), RDFC, verification_method="did:key:z6MkBroken#x"
    )
    statuses = _statuses(verify_data_integrity(signed, _context()))
    assert statuses["key_resolution"] is CheckStatus.FAILED
    assert statuses["proof"] is CheckStatus.SKIPPED


def test_verify_did_web_issuer_passes(http_server: LocalServer, issuer: TestIssuer) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": issuer.public_multibase,
    }
    document = {"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]}
    http_server.serve("/.well-known/did.json", json.dumps(document))
    signed = issuer.sign(achievement_credential(did), RDFC, verification_method=f"{did}#key-1")
    ctx = _context(SafeFetcher(allow_loopback=True))
    statuses = _statuses(verify_data_integrity(signed, ctx, web_scheme="http"))
    assert set(statuses.values()) == {CheckStatus.PASSED}


def test_verify_did_web_unreachable_skips_key_resolution(issuer: TestIssuer) -> None:
    did = "did:web:127.0.0.1%3A9"
    signed = issuer.sign(achievement_credential(did), RDFC, verification_method=f"{did}#key-1")
    ctx = _context(SafeFetcher(allow_loopback=True, timeout=1.0))
    checks = verify_data_integrity(signed, ctx, web_scheme="http")
    key = next(check for check in checks if check.code == "key_resolution")
    assert (key.status, key.required) == (CheckStatus.SKIPPED, True)


CONTROL_NAME = "Data\x01Literacy\tlevel\b2\x7f"
ASTRAL_TAGS = ["x\ufb01", "x\U0001f600"]


def _with_traps(issuer: TestIssuer) -> JsonObject:
    credential = achievement_credential(issuer.did, name=CONTROL_NAME)
    subject = credential["credentialSubject"]
    assert isinstance(subject, dict) and isinstance(subject["achievement"], dict)
    subject["achievement"]["tag"] = list(ASTRAL_TAGS)
    return credential


def test_control_characters_spec_escaping_passes_without_warning(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did, name=CONTROL_NAME), RDFC)
    statuses = _statuses(verify_data_integrity(signed, _context()))
    assert statuses["proof"] is CheckStatus.PASSED
    assert "canonicalization" not in statuses


def test_control_characters_canonical_escapes_are_rdfc() -> None:
    credential = achievement_credential("did:example:issuer", name=CONTROL_NAME)
    text = to_rdf(credential, offline_loader()).nquads()
    assert '"Data\\u0001Literacy\\tlevel\\b2\\u007F"' in text


@pytest.mark.parametrize(
    ("escaping", "ordering"),
    [
        (Escaping.LEGACY, Ordering.CODE_POINT),
        (Escaping.RDFC, Ordering.UTF16),
        (Escaping.LEGACY, Ordering.UTF16),
    ],
)
def test_javascript_canonicaliser_variant_passes_with_warning(
    issuer: TestIssuer, escaping: Escaping, ordering: Ordering
) -> None:
    credential = _with_traps(issuer)
    rdf = to_rdf(credential, offline_loader())
    assert rdf.nquads(escaping, ordering) != rdf.nquads()  # the variant really differs
    signed = issuer.sign(credential, RDFC, escaping=escaping.value, ordering=ordering.value)
    statuses = _statuses(verify_data_integrity(signed, _context()))
    assert statuses["proof"] is CheckStatus.PASSED
    assert statuses["canonicalization"] is CheckStatus.WARNING


def test_javascript_canonicaliser_variant_tampered_still_fails(issuer: TestIssuer) -> None:
    signed = issuer.sign(_with_traps(issuer), RDFC, ordering="utf16")
    signed["name"] = "Other"
    statuses = _statuses(verify_data_integrity(signed, _context()))
    assert statuses["proof"] is CheckStatus.FAILED
    assert "canonicalization" not in statuses


def test_direction_in_value_signed_and_verified(issuer: TestIssuer) -> None:
    name = {"@value": "محو الأمية", "@language": "ar", "@direction": "rtl"}
    signed = issuer.sign(achievement_credential(issuer.did, name=name), RDFC)
    assert _statuses(verify_data_integrity(signed, _context()))["proof"] is CheckStatus.PASSED


def test_direction_in_value_tampered_direction_text_fails(issuer: TestIssuer) -> None:
    name = {"@value": "محو الأمية", "@language": "ar", "@direction": "rtl"}
    signed = issuer.sign(achievement_credential(issuer.did, name=name), RDFC)
    signed["name"] = {"@value": "محو", "@language": "ar", "@direction": "rtl"}
    assert _statuses(verify_data_integrity(signed, _context()))["proof"] is CheckStatus.FAILED


def test_strict_contexts_refuse_unbundled_context(issuer: TestIssuer) -> None:
    credential = achievement_credential(issuer.did)
    credential["@context"] = [*credential["@context"], EXAMPLES_CONTEXT]  # type: ignore[misc]
    signed = issuer.sign(credential, RDFC, contexts=_vector_contexts())
    ctx = VerificationContext(NoNetwork(), datetime(2027, 1, 1, tzinfo=UTC), strict_contexts=True)
    statuses = _statuses(verify_data_integrity(signed, ctx))
    assert statuses["context"] is CheckStatus.FAILED
    assert statuses["proof"] is CheckStatus.SKIPPED
