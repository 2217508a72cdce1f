"""Nodes with several types that each carry a type-scoped context keep every term in RDF."""

from __future__ import annotations

from tests.support.di_vectors import VECTORS, NoNetwork, load_vector, vector_loader
from wallet.verification.canonical import offline_loader, to_rdf
from wallet.verification.data_integrity import read_proof, unsecured_document, verify_signature
from wallet.verification.dids import resolve_verification_method
from wallet.verification.report import CheckStatus

EMPLOY_NQUADS = (VECTORS / "employ-canonical-document.nq").read_text()


def test_to_rdf_several_scoped_types_matches_published_nquads() -> None:
    document = unsecured_document(load_vector("eddsa-rdfc-2022-employ.json"))
    assert to_rdf(document, vector_loader()).nquads() == EMPLOY_NQUADS


def test_to_rdf_several_scoped_types_keeps_second_type_terms() -> None:
    document = unsecured_document(load_vector("ecdsa-rdfc-2019-p256-employ.json"))
    text = to_rdf(document, vector_loader()).nquads()
    # residentSince and employmentAuthorizationDocument are defined only by EmployablePerson,
    # the second of the subject's two scoped types.
    assert "<https://w3id.org/citizenship#residentSince>" in text
    assert "<https://w3id.org/citizenship#lprNumber>" in text


def test_to_rdf_unpruned_several_scoped_types_matches_published_nquads() -> None:
    document = unsecured_document(load_vector("eddsa-rdfc-2022-employ.json"))
    assert to_rdf(document, vector_loader(), prune=False).nquads() == EMPLOY_NQUADS


def test_to_rdf_single_scoped_type_unchanged() -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    text = to_rdf(credential, offline_loader()).nquads()
    assert "<https://www.w3.org/2018/credentials#issuer> <did:example:issuer>" in text


def test_published_employ_signature_verifies_after_scoped_fix() -> None:
    document = load_vector("eddsa-rdfc-2022-employ.json")
    proof = read_proof(document)
    key = resolve_verification_method(proof.verification_method, NoNetwork()).public_key
    checks = verify_signature(document, proof, key, vector_loader())
    assert [c.status for c in checks if c.code == "proof"] == [CheckStatus.PASSED]
