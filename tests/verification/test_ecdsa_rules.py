"""ECDSA proofs, rule by rule: the exact checks each outcome of ecdsa-rdfc-2019 and
ecdsa-jcs-2019 produces, with their wording.

A refused proof names its reason in the ``proof`` check's detail; an ecdsa-jcs-2019 signature
over the proof options without their ``@context`` (as drafts signed) adds a non-required
warning. Signatures come from the published vectors and from ``EcdsaIssuer``.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.di_issuer import achievement_credential, base58_encode, jcs
from tests.support.di_vectors import NoNetwork, load_vector, vector_loader
from tests.support.ecdsa_issuer import JCS, RDFC, EcdsaIssuer, twofold_signature
from tests.verification.test_ecdsa import P256, P384
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import offline_loader
from wallet.verification.data_integrity import read_proof, verify_signature
from wallet.verification.ecdsa import verify_ecdsa
from wallet.verification.jsonld import ContextLoader, MemoryContextStore
from wallet.verification.keys import PublicKey, public_key_from_multikey
from wallet.verification.proofs import (
    BAD_PROOF,
    CONTEXT_REFUSED,
    INVALID,
    PROOF_NOT_RUN,
    REMOTE_CONTEXT,
    VALID,
    WRONG_KEY_TYPE,
    proof_configuration,
    unsecured_document,
)
from wallet.verification.report import Check, CheckStatus, Message

PASSED = Check("proof", CheckStatus.PASSED, VALID)
MISMATCH = Check("proof", CheckStatus.FAILED, INVALID)
DRAFT = Check(
    "proof_configuration",
    CheckStatus.WARNING,
    Message(
        "The signature follows a draft of its signature method (proof options signed without "
        "their @context).",
        "Podpis odpowiada wersji roboczej metody podpisu (opcje dowodu podpisane bez @context).",
    ),
    required=False,
)
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
SUITES = [RDFC, JCS]
CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
# A vocabulary that keeps every term, so nested objects become several blank nodes.
VOCAB: JsonObject = {"@vocab": "https://vocab.example/#"}


@pytest.fixture(scope="module", params=sorted(CURVES))
def issuer(request: pytest.FixtureRequest) -> EcdsaIssuer:
    return EcdsaIssuer.generate(CURVES[request.param])


def _checks(signed: JsonObject, key: PublicKey, loader: ContextLoader | None = None) -> list[Check]:
    return verify_signature(signed, read_proof(signed), key, loader or offline_loader())


def _refused(detail: str) -> list[Check]:
    return [Check("proof", CheckStatus.FAILED, BAD_PROOF, detail=detail)]


def _with_proof_value(signed: JsonObject, value: str) -> JsonObject:
    assert isinstance(signed["proof"], dict)
    signed["proof"]["proofValue"] = value
    return signed


def _nested(*names: str) -> list[JsonObject]:
    """Objects without ids, each holding another: blank nodes whose labels depend on the
    hash RDFC-1.0 runs with."""
    return [{"name": name, "level": {"value": str(i)}} for i, name in enumerate(names)]


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "key",
    [
        Ed25519PrivateKey.generate().public_key(),
        ec.generate_private_key(ec.SECP521R1()).public_key(),
        ec.generate_private_key(ec.SECP256K1()).public_key(),
    ],
    ids=["Ed25519", "P-521", "secp256k1"],
)
def test_a_key_of_another_kind_is_refused_before_the_signature_is_read(
    suite: str, key: PublicKey
) -> None:
    issuer = EcdsaIssuer.generate()
    signed = _with_proof_value(issuer.sign(achievement_credential(issuer.did), suite), "zIII")
    assert _checks(signed, key) == [
        Check("proof", CheckStatus.FAILED, WRONG_KEY_TYPE, detail="P-256 or P-384")
    ]


@pytest.mark.parametrize("suite", SUITES)
def test_a_proof_value_that_is_not_multibase_names_the_bad_character(
    issuer: EcdsaIssuer, suite: str
) -> None:
    signed = _with_proof_value(issuer.sign(achievement_credential(issuer.did), suite), "zIII")
    assert _checks(signed, issuer.public_key) == _refused("'I' is not a base58 character")


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    ("curve", "size", "detail"),
    [
        ("P-256", 63, "an ECDSA secp256r1 signature is 64 bytes"),
        ("P-256", 65, "an ECDSA secp256r1 signature is 64 bytes"),
        ("P-256", 96, "an ECDSA secp256r1 signature is 64 bytes"),
        ("P-384", 95, "an ECDSA secp384r1 signature is 96 bytes"),
        ("P-384", 64, "an ECDSA secp384r1 signature is 96 bytes"),
    ],
)
def test_a_signature_of_another_length_names_the_length_of_the_curve(
    suite: str, curve: str, size: int, detail: str
) -> None:
    issuer = EcdsaIssuer.generate(CURVES[curve])
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    signed = _with_proof_value(signed, "z" + base58_encode(b"\x01" * size))
    assert _checks(signed, issuer.public_key) == _refused(detail)


@pytest.mark.parametrize("suite", SUITES)
def test_a_valid_signature_gives_one_passed_check(issuer: EcdsaIssuer, suite: str) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    assert _checks(signed, issuer.public_key) == [PASSED]


@pytest.mark.parametrize("suite", SUITES)
def test_a_changed_credential_gives_one_failed_check(issuer: EcdsaIssuer, suite: str) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    signed["name"] = "Advanced Data Literacy"
    assert _checks(signed, issuer.public_key) == [MISMATCH]


@pytest.mark.parametrize("suite", SUITES)
def test_a_signature_by_another_key_of_the_curve_gives_one_failed_check(
    issuer: EcdsaIssuer, suite: str
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    other = EcdsaIssuer.generate(issuer.private_key.curve)
    assert _checks(signed, other.public_key) == [MISMATCH]


@pytest.mark.parametrize(
    ("name", "key"),
    [("ecdsa-rdfc-2019-p256-employ.json", P256), ("ecdsa-rdfc-2019-p384-employ.json", P384)],
)
def test_published_rdfc_vector_passes_naming_the_context_it_downloaded(name: str, key: str) -> None:
    remote = Check(
        "context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=CITIZENSHIP
    )
    checks = _checks(load_vector(name), public_key_from_multikey(key), vector_loader())
    assert checks == [remote, PASSED]


@pytest.mark.parametrize(
    ("name", "key"), [("ecdsa-jcs-2019-p256.json", P256), ("ecdsa-jcs-2019-p384.json", P384)]
)
def test_published_jcs_vector_signed_its_options_without_context_as_drafts_did(
    name: str, key: str
) -> None:
    document = load_vector(name)
    assert _checks(document, public_key_from_multikey(key)) == [DRAFT, PASSED]
    document["name"] = "Other Credential"
    assert _checks(document, public_key_from_multikey(key)) == [MISMATCH]


def test_jcs_options_signed_without_their_context_pass_with_a_warning(
    issuer: EcdsaIssuer,
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS, config_context=False)
    assert _checks(signed, issuer.public_key) == [DRAFT, PASSED]
    signed["name"] = "Advanced Data Literacy"
    assert _checks(signed, issuer.public_key) == [MISMATCH]


def test_rdfc_options_signed_without_their_context_are_not_retried(
    issuer: EcdsaIssuer,
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), RDFC, config_context=False)
    assert _checks(signed, issuer.public_key) == [MISMATCH]


def test_jcs_signature_valid_for_both_configurations_is_read_as_final() -> None:
    # A key chosen for the signature makes it verify under the final configuration and the
    # draft one: the final one decides, with no warning.
    document = achievement_credential("https://issuer.example")
    options: JsonObject = {
        "type": "DataIntegrityProof",
        "cryptosuite": JCS,
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": "https://issuer.example/keys/1",
        "proofPurpose": "assertionMethod",
    }
    document_hash = hashlib.sha256(jcs(document)).digest()
    final = hashlib.sha256(jcs({**options, "@context": document["@context"]})).digest()
    draft = hashlib.sha256(jcs(options)).digest()
    key, signature = twofold_signature(final + document_hash, draft + document_hash)
    signed = {**document, "proof": {**options, "proofValue": "z" + base58_encode(signature)}}
    assert _checks(signed, key) == [PASSED]


def test_jcs_document_without_context_is_checked_once(issuer: EcdsaIssuer) -> None:
    credential: JsonObject = {"name": "Data Literacy", "issuer": issuer.did}
    signed = issuer.sign(credential, JCS)
    assert _checks(signed, issuer.public_key) == [PASSED]
    signed["name"] = "Advanced Data Literacy"
    assert _checks(signed, issuer.public_key) == [MISMATCH]


def test_jcs_refuses_a_number_outside_the_json_safe_integers(issuer: EcdsaIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    assert isinstance(signed["credentialSubject"], dict)
    signed["credentialSubject"]["credits"] = 2**60
    assert _checks(signed, issuer.public_key) == _refused(
        "1152921504606846976 exceeds safe integer domain for JSON floats"
    )


def test_jcs_refuses_such_a_number_in_the_proof_options(issuer: EcdsaIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    assert isinstance(signed["proof"], dict)
    signed["proof"]["nonce"] = 2**60
    assert _checks(signed, issuer.public_key) == _refused(
        "1152921504606846976 exceeds safe integer domain for JSON floats"
    )


def test_rdfc_refuses_json_ld_that_has_no_rdf_form(issuer: EcdsaIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), RDFC)
    signed["id"] = 5
    assert _checks(signed, issuer.public_key) == _refused(
        "the JSON-LD cannot be converted to RDF: @id value must be a string"
    )


def test_rdfc_refuses_proof_options_that_have_no_rdf_form(issuer: EcdsaIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), RDFC)
    assert isinstance(signed["proof"], dict)
    signed["proof"]["id"] = 5
    assert _checks(signed, issuer.public_key) == _refused(
        "the JSON-LD cannot be converted to RDF: @id value must be a string"
    )


def test_rdfc_context_that_cannot_be_used_leaves_the_signature_unchecked(
    issuer: EcdsaIssuer,
) -> None:
    url = "https://contexts.example/plain/v1"
    context: JsonObject = {"@context": VOCAB}
    signed = issuer.sign({"@context": url, "name": "Data Literacy"}, RDFC, contexts={url: context})
    strict = ContextLoader(NoNetwork(), strict=True)
    detail = f"the context {url} is not bundled and strict mode refuses it"
    assert _checks(signed, issuer.public_key, strict) == [
        Check("context", CheckStatus.FAILED, CONTEXT_REFUSED, detail=detail),
        Check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN),
    ]


def test_rdfc_under_contexts_plecak_does_not_ship_reads_them_through_the_loader(
    issuer: EcdsaIssuer,
) -> None:
    url = "https://contexts.example/plain/v1"
    context: JsonObject = {"@context": VOCAB}
    signed = issuer.sign({"@context": url, "name": "Data Literacy"}, RDFC, contexts={url: context})
    loader = ContextLoader(
        NoNetwork(), MemoryContextStore(bodies={url: json.dumps(context).encode()})
    )
    remote = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=url)
    assert _checks(signed, issuer.public_key, loader) == [remote, PASSED]


def test_rdfc_names_the_contexts_of_the_proof_options_and_of_the_document(
    issuer: EcdsaIssuer,
) -> None:
    # Without a document @context, the proof configuration keeps the proof's own.
    options_url, document_url = "https://contexts.example/options", "https://contexts.example/doc"
    bodies = {url: json.dumps({"@context": VOCAB}).encode() for url in (options_url, document_url)}
    loader = ContextLoader(NoNetwork(), MemoryContextStore(bodies=bodies))
    signed = issuer.sign(achievement_credential(issuer.did), RDFC)
    proof = read_proof(signed)
    config = proof_configuration({}, {**proof.options, "@context": options_url})
    document: JsonObject = {"@context": document_url, "name": "Data Literacy"}
    checks = verify_ecdsa(document, config, proof, issuer.public_key, loader)
    detail = f"{options_url}, {document_url}"
    remote = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=detail)
    assert checks == [remote, MISMATCH]


def test_rdfc_canonicalises_blank_nodes_with_the_hash_of_the_curve(issuer: EcdsaIssuer) -> None:
    # P-384 runs RDFC-1.0 with SHA-384, P-256 with SHA-256; the labels of several nested
    # blank nodes differ between the two, in the document and in the proof options.
    credential: JsonObject = {"@context": [VOCAB], "name": "x", "skill": _nested("a", "b")}
    signed = issuer.sign(credential, RDFC, proof_options={"evidence": _nested("c", "d")})
    assert _checks(signed, issuer.public_key) == [PASSED]


def test_verify_ecdsa_checks_the_configuration_and_document_it_is_given(
    issuer: EcdsaIssuer,
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), RDFC)
    proof = read_proof(signed)
    unsecured = unsecured_document(signed)
    config = proof_configuration(unsecured, proof.options)
    loader = offline_loader()
    assert verify_ecdsa(unsecured, config, proof, issuer.public_key, loader) == [PASSED]
    changed = {**config, "created": "2026-01-02T00:00:00Z"}
    assert verify_ecdsa(unsecured, changed, proof, issuer.public_key, loader) == [MISMATCH]
