"""Data Integrity proofs, rule by rule: the exact checks each outcome produces, with their wording.

A proof that cannot be read, is of a suite Plecak does not implement, is made for another purpose
or names a key that cannot be had yields its own checks and no issuer binding; in a proof set each
check names its proof, and one proof by a key of the issuer binds the credential to its issuer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.di_vectors import NoNetwork, load_vector, vector_loader
from tests.support.mapped_fetcher import controller_document
from wallet.errors import FetchError
from wallet.fetching import Fetched, Fetcher
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import (
    JCS,
    RDFC,
    issuer_id,
    read_proof,
    verify_data_integrity,
    verify_signature,
)
from wallet.verification.proofs import (
    BAD_PROOF,
    PROOF_NOT_RUN,
    REMOTE_CONTEXT,
    VALID,
    WRONG_KEY_TYPE,
)
from wallet.verification.report import Check, CheckStatus, Message

AT = datetime(2027, 1, 1, tzinfo=UTC)
UNSUPPORTED = Message(
    "The credential is signed with a method Plecak cannot check yet.",
    "Poświadczenie podpisano metodą, której Plecak jeszcze nie umie sprawdzić.",
)
WRONG_PURPOSE = Message(
    "The proof was not made for asserting a credential (wrong proof purpose).",
    "Dowód nie służy do potwierdzania poświadczeń (niewłaściwy cel dowodu).",
)
NO_KEY = Message(
    "The issuer's signing key could not be found.",
    "Nie znaleziono klucza podpisu wystawcy.",
)
KEY_UNREACHABLE = Message(
    "The issuer's signing key could not be fetched right now.",
    "Nie udało się teraz pobrać klucza podpisu wystawcy.",
)
KEY_FOUND = Message("The issuer's signing key was found.", "Znaleziono klucz podpisu wystawcy.")
BOUND = Message(
    "The signing key belongs to the issuer named in the credential.",
    "Klucz podpisu należy do wystawcy wskazanego w poświadczeniu.",
)
NOT_BOUND = Message(
    "The signing key does not belong to the issuer named in the credential.",
    "Klucz podpisu nie należy do wystawcy wskazanego w poświadczeniu.",
)
NOT_LINKED = Message(
    "It could not be confirmed that the signing key belongs to the issuer named in the credential.",
    "Nie udało się potwierdzić, że klucz podpisu należy do wystawcy wskazanego w poświadczeniu.",
)
PASSED = Check("proof", CheckStatus.PASSED, VALID)
NOT_RUN = Check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN)


@dataclass
class Documents:
    """A fetcher serving JSON from memory, one answer per request (the last one repeats).

    An answer of ``None`` is a server that does not answer; a URL not listed answers 404.
    """

    answers: dict[str, list[JsonValue]]
    asked: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.asked.append(url)
        if url not in self.answers:
            return Fetched(url, 404, "text/plain", b"")
        queue = self.answers[url]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if answer is None:
            raise FetchError(f"{url} did not answer")
        return Fetched(url, 200, "application/json", json.dumps(answer).encode())


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


def _verify(document: JsonObject, fetcher: Fetcher | None = None, **kwargs: str) -> list[Check]:
    ctx = VerificationContext(fetcher=fetcher or NoNetwork(), at=AT)
    return verify_data_integrity(document, ctx, **kwargs)  # type: ignore[arg-type]


def _proof(signed: JsonObject) -> JsonObject:
    proof = signed["proof"]
    assert isinstance(proof, dict)
    return proof


def _found(signer: TestIssuer) -> Check:
    return Check("key_resolution", CheckStatus.PASSED, KEY_FOUND, detail=signer.method_id)


def _refused(detail: str) -> list[Check]:
    return [Check("proof", CheckStatus.FAILED, BAD_PROOF, detail=detail)]


def _not_bound(issuer: TestIssuer, signer: TestIssuer) -> Check:
    detail = f"{issuer.did} does not list {signer.method_id} as its key"
    return Check("issuer_binding", CheckStatus.FAILED, NOT_BOUND, detail=detail)


@pytest.mark.parametrize("suite", [RDFC, JCS])
def test_a_proof_by_the_issuers_key_gives_key_signature_and_binding(
    issuer: TestIssuer, suite: str
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=issuer.did)
    assert _verify(signed) == [_found(issuer), PASSED, bound]


@pytest.mark.parametrize(
    "proof",
    [None, [], "z4Fq", [{"type": "DataIntegrityProof"}, "z4Fq"]],
    ids=["absent", "empty-list", "text", "list-with-text"],
)
def test_a_proof_that_is_not_an_object_or_a_list_of_them_is_refused(
    issuer: TestIssuer, proof: JsonValue
) -> None:
    credential = achievement_credential(issuer.did)
    if proof is not None:
        credential["proof"] = proof
    assert _verify(credential) == _refused(
        "the credential's proof is not an object or a list of them"
    )


def test_a_suite_plecak_does_not_implement_is_skipped_with_its_name(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    _proof(signed)["cryptosuite"] = "bbs-2023"
    detail = "the proof suite 'bbs-2023' is not supported"
    assert _verify(signed) == [Check("proof", CheckStatus.SKIPPED, UNSUPPORTED, detail=detail)]


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"type": 5}, "the proof names no type or cryptosuite"),
        ({"cryptosuite": ""}, "the proof names no type or cryptosuite"),
        ({"proofValue": None}, "the proof has no proofValue"),
        ({"verificationMethod": None}, "the proof has no verificationMethod"),
        ({"proofPurpose": None}, "the proof has no proofPurpose"),
        (
            {"previousProof": "urn:uuid:absent"},
            "previousProof names an absent proof: urn:uuid:absent",
        ),
        ({"previousProof": ["urn:uuid:a", 7]}, "previousProof must name proofs by their id"),
    ],
)
def test_a_proof_missing_a_part_is_refused_naming_it(
    issuer: TestIssuer, changes: dict[str, JsonValue], detail: str
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    proof = _proof(signed)
    for name, value in changes.items():
        if value is None:
            del proof[name]
        else:
            proof[name] = value
    assert _verify(signed) == _refused(detail)


@pytest.mark.parametrize("purpose", ["authentication", "assertion", ""])
def test_a_proof_for_another_purpose_fails_naming_it_and_resolves_no_key(
    issuer: TestIssuer, purpose: str
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS, proof_purpose=purpose)
    assert _verify(signed) == [Check("proof", CheckStatus.FAILED, WRONG_PURPOSE, detail=purpose)]


def test_a_key_of_an_unsupported_did_method_is_skipped_and_the_proof_not_run(
    issuer: TestIssuer,
) -> None:
    method = "did:example:issuer#key-1"
    signed = issuer.sign(achievement_credential(issuer.did), JCS, verification_method=method)
    detail = "the DID method of 'did:example:issuer' is not supported (example)"
    skipped = Check("key_resolution", CheckStatus.SKIPPED, NO_KEY, detail=detail)
    assert _verify(signed) == [skipped, NOT_RUN]


def test_a_key_its_document_contradicts_fails_and_the_proof_is_not_run(
    issuer: TestIssuer,
) -> None:
    method = "did:key:z6MkBroken#x"
    signed = issuer.sign(achievement_credential(issuer.did), JCS, verification_method=method)
    detail = (
        "the did:key is not a usable key: the multikey is not an Ed25519, P-256 or P-384 public key"
    )
    failed = Check("key_resolution", CheckStatus.FAILED, NO_KEY, detail=detail)
    assert _verify(signed) == [failed, NOT_RUN]


def test_a_key_that_cannot_be_fetched_is_skipped_and_the_proof_not_run(
    issuer: TestIssuer,
) -> None:
    method = "https://issuer.example/keys#key-1"
    signed = issuer.sign(achievement_credential(issuer.did), JCS, verification_method=method)
    fetcher = Documents({"https://issuer.example/keys": [None]})
    detail = "https://issuer.example/keys did not answer"
    skipped = Check("key_resolution", CheckStatus.SKIPPED, KEY_UNREACHABLE, detail=detail)
    assert _verify(signed, fetcher) == [skipped, NOT_RUN]


def test_a_selective_disclosure_proof_needs_a_p256_key(issuer: TestIssuer) -> None:
    document = load_vector("ecdsa-sd-2023-derived.json")
    proof = read_proof(document)
    ed25519 = issuer.private_key.public_key()
    assert verify_signature(document, proof, ed25519, vector_loader()) == [
        Check("proof", CheckStatus.FAILED, WRONG_KEY_TYPE, detail="P-256")
    ]
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    detail = "ecdsa-sd-2023 with a secp384r1 key"
    assert verify_signature(document, proof, p384, vector_loader()) == [
        Check("proof", CheckStatus.SKIPPED, UNSUPPORTED, detail=detail)
    ]


@pytest.mark.parametrize(
    ("credential_issuer", "named"),
    [
        ("did:example:issuer", "did:example:issuer"),
        ({"id": "did:example:issuer", "name": "Politechnika"}, "did:example:issuer"),
        ({"name": "Politechnika"}, None),
        ({"id": 5}, None),
        (5, None),
        (["did:example:issuer"], None),
    ],
)
def test_the_issuer_id_is_a_string_issuer_or_issuer_id(
    credential_issuer: JsonValue, named: str | None
) -> None:
    assert issuer_id({"issuer": credential_issuer}) == named
    assert issuer_id({}) is None


@pytest.mark.parametrize("credential_issuer", [None, {"name": "Politechnika"}, 5])
def test_a_credential_naming_no_issuer_id_leaves_the_binding_unconfirmed(
    issuer: TestIssuer, credential_issuer: JsonValue
) -> None:
    credential = achievement_credential(issuer.did)
    del credential["issuer"]
    if credential_issuer is not None:
        credential["issuer"] = credential_issuer
    signed = issuer.sign(credential, JCS)
    detail = "the credential names no issuer id"
    unknown = Check("issuer_binding", CheckStatus.SKIPPED, NOT_LINKED, detail=detail)
    assert _verify(signed) == [_found(issuer), PASSED, unknown]


def test_a_key_of_another_did_fails_the_binding_naming_both(issuer: TestIssuer) -> None:
    other = TestIssuer.generate()
    signed = other.sign(achievement_credential(issuer.did), JCS)
    assert _verify(signed) == [_found(other), PASSED, _not_bound(issuer, other)]


WEB_ISSUER = "https://issuer.example/org"


def _listing(url: str, *signers: TestIssuer) -> JsonValue:
    """The controller document at ``url`` listing the signers' did:key methods for assertions."""
    return controller_document(url, {}, assertion=[signer.method_id for signer in signers])


def _lists(url: str, signer: TestIssuer) -> Check:
    detail = f"{url} lists {signer.method_id}"
    return Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=detail)


def _proof_set(credential: JsonObject, *signers: TestIssuer) -> JsonObject:
    return {**credential, "proof": [_proof(signer.sign(credential, JCS)) for signer in signers]}


def _member(signer: TestIssuer, label: str | None = None) -> list[Check]:
    """The checks of a verified proof of a set: each names the proof (by id, else its key)."""
    named = label or f"proof by {signer.method_id}"
    detail = f"{named}: {signer.method_id}"
    found = Check("key_resolution", CheckStatus.PASSED, KEY_FOUND, detail=detail)
    return [found, Check("proof", CheckStatus.PASSED, VALID, detail=named)]


def test_in_a_proof_set_each_check_names_its_proof_by_id_or_key(issuer: TestIssuer) -> None:
    credential = achievement_credential(issuer.did)
    named = _proof(issuer.sign(credential, JCS, proof_options={"id": "urn:uuid:first"}))
    numbered = _proof(issuer.sign(credential, JCS, proof_options={"id": 7}))
    plain = _proof(issuer.sign(credential, JCS))
    signed = {**credential, "proof": [named, numbered, plain]}
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=issuer.did)
    assert _verify(signed) == [
        *_member(issuer, "urn:uuid:first"),
        *_member(issuer),
        *_member(issuer),
        bound,
    ]


def test_in_a_proof_set_a_refusal_names_its_proof(issuer: TestIssuer) -> None:
    credential = achievement_credential(issuer.did)
    unread = {**_proof(issuer.sign(credential, JCS)), "cryptosuite": "bbs-2023"}
    skipped = Check(
        "proof",
        CheckStatus.SKIPPED,
        UNSUPPORTED,
        detail=f"proof by {issuer.method_id}: the proof suite 'bbs-2023' is not supported",
    )
    purpose = _proof(issuer.sign(credential, JCS, proof_purpose="authentication"))
    wrong = Check(
        "proof",
        CheckStatus.FAILED,
        WRONG_PURPOSE,
        detail=f"proof by {issuer.method_id}: authentication",
    )
    assert _verify({**credential, "proof": [unread, purpose]}) == [skipped, wrong]
    not_run = Check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN, detail="urn:uuid:unknown-key")
    method = "did:example:issuer#key-1"
    unknown = _proof(
        issuer.sign(
            credential,
            JCS,
            verification_method=method,
            proof_options={"id": "urn:uuid:unknown-key"},
        )
    )
    no_key = Check(
        "key_resolution",
        CheckStatus.SKIPPED,
        NO_KEY,
        detail="urn:uuid:unknown-key: the DID method of 'did:example:issuer' is not supported "
        "(example)",
    )
    assert _verify({**credential, "proof": [unread, unknown]}) == [skipped, no_key, not_run]


def test_a_previous_proof_is_named_only_by_a_string_id(issuer: TestIssuer) -> None:
    credential = achievement_credential(issuer.did)
    numbered = _proof(issuer.sign(credential, JCS, proof_options={"id": 7}))
    chained = _proof(issuer.sign(credential, JCS, proof_options={"previousProof": "7"}))
    refused = Check(
        "proof",
        CheckStatus.FAILED,
        BAD_PROOF,
        detail=f"proof by {issuer.method_id}: previousProof names an absent proof: 7",
    )
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=issuer.did)
    assert _verify({**credential, "proof": [numbered, chained]}) == [
        *_member(issuer),
        refused,
        bound,
    ]


def test_one_proof_by_the_issuers_key_binds_a_set_with_a_witness(issuer: TestIssuer) -> None:
    witness = TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=issuer.did)
    assert _verify(_proof_set(credential, witness, issuer)) == [
        *_member(witness),
        *_member(issuer),
        bound,
    ]


def test_a_set_of_keys_none_of_the_issuer_fails_the_binding_naming_the_first(
    issuer: TestIssuer,
) -> None:
    first, second = TestIssuer.generate(), TestIssuer.generate()
    credential = achievement_credential(issuer.did)
    assert _verify(_proof_set(credential, first, second)) == [
        *_member(first),
        *_member(second),
        _not_bound(issuer, first),
    ]


def test_a_set_whose_proofs_find_no_key_has_no_binding(issuer: TestIssuer) -> None:
    credential = achievement_credential(issuer.did)
    unread = {**_proof(issuer.sign(credential, JCS)), "cryptosuite": "bbs-2023"}
    checks = _verify({**credential, "proof": [unread, unread]})
    assert [check.code for check in checks] == ["proof", "proof"]
    own = _proof(issuer.sign(credential, JCS))
    checks = _verify({**credential, "proof": [unread, own]})
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=issuer.did)
    assert checks[1:] == [*_member(issuer), bound]


def _web_issued(*signers: TestIssuer) -> JsonObject:
    credential = achievement_credential(WEB_ISSUER)
    return _proof_set(credential, *signers)


def _unreachable(url: str) -> Check:
    detail = f"the issuer's document could not be used: {url} did not answer"
    return Check("issuer_binding", CheckStatus.SKIPPED, NOT_LINKED, detail=detail)


def test_an_issuer_document_that_does_not_answer_leaves_the_binding_unconfirmed() -> None:
    witness, signer = TestIssuer.generate(), TestIssuer.generate()
    # The issuer's server answers the first proof's request and fails the second's.
    documents = Documents({WEB_ISSUER: [_listing(WEB_ISSUER), None]})
    assert _verify(_web_issued(witness, signer), documents) == [
        *_member(witness),
        *_member(signer),
        _unreachable(WEB_ISSUER),
    ]
    documents = Documents({WEB_ISSUER: [None, {"id": "https://elsewhere.example/"}]})
    assert _verify(_web_issued(witness, signer), documents)[-1] == _unreachable(WEB_ISSUER)


def test_an_issuer_document_listing_the_key_binds_after_one_that_failed() -> None:
    witness, signer = TestIssuer.generate(), TestIssuer.generate()
    documents = Documents({WEB_ISSUER: [None, _listing(WEB_ISSUER, signer)]})
    assert _verify(_web_issued(witness, signer), documents) == [
        *_member(witness),
        *_member(signer),
        _lists(WEB_ISSUER, signer),
    ]
    assert documents.asked == [WEB_ISSUER, WEB_ISSUER]


def test_an_http_issuer_document_is_read_only_over_the_scheme_given() -> None:
    signer = TestIssuer.generate()
    url = "http://issuer.example/org"
    signed = signer.sign(achievement_credential(url), JCS)
    documents = Documents({url: [_listing(url, signer)]})
    assert _verify(signed, documents, web_scheme="http") == [
        _found(signer),
        PASSED,
        _lists(url, signer),
    ]
    detail = (
        f"the issuer's document could not be used: {url} is not https; its keys cannot be trusted"
    )
    refused = Check("issuer_binding", CheckStatus.SKIPPED, NOT_LINKED, detail=detail)
    assert _verify(signed, documents) == [_found(signer), PASSED, refused]


def _did_web(host: str, signer: TestIssuer) -> tuple[str, JsonValue]:
    did = f"did:web:{host}"
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": signer.public_multibase,
    }
    return did, {"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]}


@pytest.mark.parametrize(("scheme", "given"), [("https", {}), ("http", {"web_scheme": "http"})])
def test_a_did_web_key_is_read_over_the_scheme_given_https_by_default(
    issuer: TestIssuer, scheme: str, given: dict[str, str]
) -> None:
    # did:web over plain http is allowed for loopback hosts only.
    did, document = _did_web("127.0.0.1%3A8443", issuer)
    url = f"{scheme}://127.0.0.1:8443/.well-known/did.json"
    documents = Documents({url: [document]})
    signed = issuer.sign(achievement_credential(did), JCS, verification_method=f"{did}#key-1")
    found = Check("key_resolution", CheckStatus.PASSED, KEY_FOUND, detail=f"{did}#key-1")
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=did)
    assert _verify(signed, documents, **given) == [found, PASSED, bound]
    assert documents.asked == [url]


def test_an_http_verification_method_is_refused_unless_http_is_allowed(issuer: TestIssuer) -> None:
    url = "http://issuer.example/keys"
    document = controller_document(url, {"key-1": issuer.public_multibase})
    signed = issuer.sign(achievement_credential(url), JCS, verification_method=f"{url}#key-1")
    documents = Documents({url: [document]})
    found = Check("key_resolution", CheckStatus.PASSED, KEY_FOUND, detail=f"{url}#key-1")
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=url)
    assert _verify(signed, documents, web_scheme="http") == [found, PASSED, bound]
    detail = f"{url}#key-1 is not https; its keys cannot be trusted"
    skipped = Check("key_resolution", CheckStatus.SKIPPED, NO_KEY, detail=detail)
    assert _verify(signed, documents) == [skipped, NOT_RUN]


def test_a_context_plecak_does_not_ship_is_fetched_through_the_verification_fetcher(
    issuer: TestIssuer,
) -> None:
    url = "https://contexts.example/plain/v1"
    context: JsonObject = {"@context": {"@vocab": "https://vocab.example/#"}}
    credential: JsonObject = {"@context": url, "name": "Data Literacy", "issuer": issuer.did}
    signed = issuer.sign(credential, RDFC, contexts={url: context})
    documents = Documents({url: [context]})
    remote = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=url)
    bound = Check("issuer_binding", CheckStatus.PASSED, BOUND, detail=issuer.did)
    assert _verify(signed, documents) == [_found(issuer), remote, PASSED, bound]
    assert documents.asked == [url]
