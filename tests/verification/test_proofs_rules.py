"""Data Integrity proofs as a credential carries them, rule by rule: what is read from a proof,
what each malformed proof is refused for, and the signed forms built from it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.di_vectors import NoNetwork
from wallet.errors import CredentialFormatError, FetchError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_data_integrity, verify_signature
from wallet.verification.jsonld import ContextLoader, MemoryContextStore
from wallet.verification.proofs import (
    CONTEXT_REFUSED,
    PROOF_NOT_RUN,
    REMOTE_CONTEXT,
    VALID,
    ProofInput,
    UnsupportedSuiteError,
    context_refused,
    make_proof_check,
    proof_configuration,
    proof_objects,
    read_proof,
    read_proof_object,
    remote_context_checks,
    unsecured_document,
)
from wallet.verification.report import Check, CheckStatus

CONTEXT = ["https://www.w3.org/ns/credentials/v2"]
METHOD = "did:example:issuer#key-1"


def _proof(**changes: JsonValue) -> JsonObject:
    proof: JsonObject = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": METHOD,
        "proofPurpose": "assertionMethod",
        "proofValue": "z4Fq",
    }
    for name, value in changes.items():
        if value is None:
            del proof[name]
        else:
            proof[name] = value
    return proof


def _refusal(call: Callable[[], object]) -> str:
    with pytest.raises(CredentialFormatError) as raised:
        call()
    return raised.value.detail


def test_a_proof_is_read_into_its_suite_options_value_method_and_purpose() -> None:
    proof = _proof(id="urn:uuid:proof-1", domain="wallet.example")
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    assert read_proof_object(proof) == ProofInput(
        suite="eddsa-rdfc-2022",
        options=options,
        proof_value="z4Fq",
        verification_method=METHOD,
        purpose="assertionMethod",
        id="urn:uuid:proof-1",
        previous=(),
    )


def test_a_proof_type_other_than_data_integrity_proof_is_its_suite() -> None:
    proof = _proof(type="Ed25519Signature2020", cryptosuite="ecdsa-rdfc-2019")
    assert read_proof_object(proof).suite == "Ed25519Signature2020"
    assert read_proof_object(_proof(cryptosuite="ecdsa-sd-2023")).suite == "ecdsa-sd-2023"


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"type": None}, "the proof names no type or cryptosuite"),
        ({"cryptosuite": None}, "the proof names no type or cryptosuite"),
        ({"cryptosuite": ["eddsa-rdfc-2022"]}, "the proof names no type or cryptosuite"),
        ({"cryptosuite": ""}, "the proof names no type or cryptosuite"),
        ({"type": "", "cryptosuite": "eddsa-rdfc-2022"}, "the proof names no type or cryptosuite"),
        ({"proofValue": None}, "the proof has no proofValue"),
        ({"proofValue": 5}, "the proof has no proofValue"),
        ({"verificationMethod": {"id": METHOD}}, "the proof has no verificationMethod"),
        ({"proofPurpose": None}, "the proof has no proofPurpose"),
        ({"previousProof": [5]}, "previousProof must name proofs by their id"),
        ({"previousProof": {"id": "urn:uuid:a"}}, "previousProof must name proofs by their id"),
        ({"previousProof": ["urn:uuid:a", None]}, "previousProof must name proofs by their id"),
    ],
)
def test_a_malformed_proof_is_refused_naming_what_is_wrong(
    changes: dict[str, JsonValue], detail: str
) -> None:
    proof = _proof()
    for name, value in changes.items():
        if value is None:
            del proof[name]
        else:
            proof[name] = value
    assert _refusal(lambda: read_proof_object(proof)) == detail


@pytest.mark.parametrize("suite", ["bbs-2023", "eddsa-rdfc-2019", "EDDSA-RDFC-2022"])
def test_a_suite_plecak_does_not_implement_is_unsupported_not_malformed(suite: str) -> None:
    with pytest.raises(UnsupportedSuiteError) as raised:
        read_proof_object(_proof(cryptosuite=suite))
    assert raised.value.detail == f"the proof suite {suite!r} is not supported"
    assert raised.value.code == "proof"


@pytest.mark.parametrize(
    ("previous", "names"),
    [
        ("urn:uuid:a", ("urn:uuid:a",)),
        (["urn:uuid:a", "urn:uuid:b"], ("urn:uuid:a", "urn:uuid:b")),
        ([], ()),
    ],
)
def test_previous_proofs_are_named_by_one_id_or_a_list(
    previous: JsonValue, names: tuple[str, ...]
) -> None:
    assert read_proof_object(_proof(previousProof=previous)).previous == names


def test_a_proof_id_that_is_not_text_is_no_id() -> None:
    assert read_proof_object(_proof(id=7)).id is None
    assert read_proof_object(_proof()).id is None


@pytest.mark.parametrize("carried", ["object", "list-of-one"])
def test_the_single_proof_is_an_object_or_a_list_of_one(carried: str) -> None:
    proof = _proof(id="urn:uuid:only")
    document: JsonObject = {"@context": CONTEXT, "proof": proof if carried == "object" else [proof]}
    assert read_proof(document) == read_proof_object(proof)


@pytest.mark.parametrize(
    "proof",
    [None, [], [_proof(), _proof(id="urn:uuid:second")], "z4Fq", ["z4Fq"]],
    ids=["absent", "empty-list", "two", "text", "list-of-text"],
)
def test_a_credential_without_a_single_proof_object_is_refused(proof: JsonValue) -> None:
    document: JsonObject = {"@context": CONTEXT}
    if proof is not None:
        document["proof"] = proof
    assert _refusal(lambda: read_proof(document)) == "the credential has no single proof object"


def test_every_proof_of_a_set_is_listed_in_order() -> None:
    first, second = _proof(id="urn:uuid:a"), _proof(id="urn:uuid:b")
    assert proof_objects({"proof": [first, second]}) == [first, second]
    assert proof_objects({"proof": first}) == [first]


@pytest.mark.parametrize(
    "proof",
    [None, [], "z4Fq", [_proof(), "z4Fq"], [["z4Fq"]]],
    ids=["absent", "empty-list", "text", "object-and-text", "nested-list"],
)
def test_a_proof_that_is_not_objects_is_refused(proof: JsonValue) -> None:
    document: JsonObject = {} if proof is None else {"proof": proof}
    assert _refusal(lambda: proof_objects(document)) == (
        "the credential's proof is not an object or a list of them"
    )


def test_the_unsecured_document_is_the_document_without_its_proof_only() -> None:
    document: JsonObject = {"@context": CONTEXT, "proofs": 1, "name": "x", "proof": _proof()}
    assert unsecured_document(document) == {"@context": CONTEXT, "proofs": 1, "name": "x"}


def test_the_proof_configuration_is_the_options_without_the_value_with_the_context() -> None:
    options = _proof(domain="wallet.example")
    expected = {name: value for name, value in options.items() if name != "proofValue"}
    assert proof_configuration({"@context": CONTEXT}, options) == {**expected, "@context": CONTEXT}
    assert proof_configuration({"name": "x"}, options) == expected


def test_a_proof_check_is_required_with_no_detail_unless_told() -> None:
    assert make_proof_check("proof", CheckStatus.PASSED, VALID) == Check(
        "proof", CheckStatus.PASSED, VALID, required=True, detail=None
    )
    assert make_proof_check("context", CheckStatus.WARNING, VALID, "x", False) == Check(
        "context", CheckStatus.WARNING, VALID, required=False, detail="x"
    )


def test_downloaded_contexts_give_one_warning_naming_each_once() -> None:
    assert remote_context_checks(()) == []
    first, second = "https://contexts.example/a", "https://contexts.example/b"
    detail = f"{first}, {second}"
    warning = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=detail)
    assert remote_context_checks((first, second, first, second)) == [warning]


def test_a_refused_context_fails_the_context_and_leaves_the_signature_unchecked() -> None:
    detail = "the context https://contexts.example/a could not be fetched"
    assert context_refused(FetchError(detail)) == [
        Check("context", CheckStatus.FAILED, CONTEXT_REFUSED, detail=detail),
        Check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN),
    ]


def test_a_credential_under_two_downloaded_contexts_names_both_once() -> None:
    issuer = TestIssuer.generate()
    first, second = "https://contexts.example/a", "https://contexts.example/b"
    contexts: dict[str, JsonObject] = {
        first: {"@context": {"name": "https://vocab.example/#name"}},
        second: {"@context": {"@vocab": "https://vocab.example/#"}},
    }
    credential: JsonObject = {"@context": [first, second], "name": "x", "issuer": issuer.did}
    signed = issuer.sign(credential, "eddsa-rdfc-2022", contexts=contexts)
    store = MemoryContextStore(
        bodies={url: json.dumps(context).encode() for url, context in contexts.items()}
    )
    loader = ContextLoader(NoNetwork(), store)
    public_key = issuer.private_key.public_key()
    detail = f"{first}, {second}"
    warning = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=detail)
    assert verify_signature(signed, read_proof(signed), public_key, loader) == [
        warning,
        Check("proof", CheckStatus.PASSED, VALID),
    ]


def test_a_context_refused_in_strict_mode_leaves_the_signature_unchecked() -> None:
    issuer = TestIssuer.generate()
    url = "https://contexts.example/a"
    context: JsonObject = {"@context": {"@vocab": "https://vocab.example/#"}}
    credential = achievement_credential(issuer.did)
    credential["@context"] = [*credential["@context"], url]  # type: ignore[misc]
    signed = issuer.sign(credential, "eddsa-rdfc-2022", contexts={url: context})
    ctx = VerificationContext(NoNetwork(), datetime(2027, 1, 1, tzinfo=UTC), strict_contexts=True)
    checks = verify_data_integrity(signed, ctx)
    detail = f"the context {url} is not bundled and strict mode refuses it"
    assert checks[1:3] == [
        Check("context", CheckStatus.FAILED, CONTEXT_REFUSED, detail=detail),
        Check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN),
    ]
