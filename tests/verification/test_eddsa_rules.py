"""EdDSA proofs, rule by rule: the exact checks each outcome produces, with their wording.

A refused proof names its reason in the ``proof`` check's detail; a signature that verifies only
under an older canonicaliser's N-Quads, or under a draft suite name, adds a non-required warning.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.verification.test_data_integrity import ASTRAL_TAGS, CONTROL_NAME, NoNetwork
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification import canonical
from wallet.verification.canonical import Escaping, Ordering, offline_loader
from wallet.verification.data_integrity import JCS, RDFC, read_proof, verify_signature
from wallet.verification.jsonld import ContextLoader, MemoryContextStore
from wallet.verification.keys import PublicKey
from wallet.verification.proofs import (
    BAD_PROOF,
    EDDSA_2022,
    INVALID,
    REMOTE_CONTEXT,
    VALID,
    WRONG_KEY_TYPE,
)
from wallet.verification.report import Check, CheckStatus, Message

PASSED = Check("proof", CheckStatus.PASSED, VALID)
MISMATCH = Check("proof", CheckStatus.FAILED, INVALID)
RETRIED = Message(
    "The signature is valid only under an older, non-standard text normalisation.",
    "Podpis jest prawidłowy tylko przy starszej, niestandardowej normalizacji tekstu.",
)
LEGACY = Message(
    "The proof uses the draft name of its signature method (eddsa-2022); it was checked as "
    "eddsa-rdfc-2022.",
    "Dowód używa roboczej nazwy metody podpisu (eddsa-2022); sprawdzono go jako eddsa-rdfc-2022.",
)


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


def _checks(issuer: TestIssuer, signed: JsonObject, key: PublicKey | None = None) -> list[Check]:
    public_key = key if key is not None else issuer.private_key.public_key()
    return verify_signature(signed, read_proof(signed), public_key, offline_loader())


def _refused(detail: str) -> list[Check]:
    return [Check("proof", CheckStatus.FAILED, BAD_PROOF, detail=detail)]


@pytest.mark.parametrize("suite", [RDFC, JCS, EDDSA_2022])
def test_a_key_of_another_kind_is_refused_before_the_signature_is_read(
    issuer: TestIssuer, suite: str
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert _checks(issuer, signed, p256) == [
        Check("proof", CheckStatus.FAILED, WRONG_KEY_TYPE, detail="Ed25519 expected")
    ]


@pytest.mark.parametrize("suite", [RDFC, JCS])
def test_a_proof_value_that_is_not_multibase_names_the_bad_character(
    issuer: TestIssuer, suite: str
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    assert isinstance(signed["proof"], dict)
    signed["proof"]["proofValue"] = "zIII"
    assert _checks(issuer, signed) == _refused("'I' is not a base58 character")


@pytest.mark.parametrize("suite", [RDFC, JCS])
def test_a_valid_signature_gives_one_passed_check(issuer: TestIssuer, suite: str) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    assert _checks(issuer, signed) == [PASSED]


@pytest.mark.parametrize("suite", [RDFC, JCS])
def test_a_changed_credential_gives_one_failed_check(issuer: TestIssuer, suite: str) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), suite)
    signed["name"] = "Advanced Data Literacy"
    assert _checks(issuer, signed) == [MISMATCH]


def test_jcs_refuses_a_number_outside_the_json_safe_integers(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), JCS)
    assert isinstance(signed["credentialSubject"], dict)
    signed["credentialSubject"]["credits"] = 2**60
    assert _checks(issuer, signed) == _refused(
        "1152921504606846976 exceeds safe integer domain for JSON floats"
    )


def test_rdfc_refuses_json_ld_that_has_no_rdf_form(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), RDFC)
    signed["id"] = 5
    assert _checks(issuer, signed) == _refused(
        "the JSON-LD cannot be converted to RDF: @id value must be a string"
    )


def test_the_draft_suite_name_is_checked_as_rdfc_with_a_warning(issuer: TestIssuer) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), EDDSA_2022)
    legacy = Check("cryptosuite", CheckStatus.WARNING, LEGACY, required=False, detail=EDDSA_2022)
    assert _checks(issuer, signed) == [legacy, PASSED]
    signed["name"] = "Advanced Data Literacy"
    assert _checks(issuer, signed) == [legacy, MISMATCH]


@pytest.mark.parametrize(
    ("escaping", "ordering", "detail"),
    [
        (Escaping.LEGACY, Ordering.CODE_POINT, "legacy escaping, code_point order"),
        (Escaping.RDFC, Ordering.UTF16, "rdfc escaping, utf16 order"),
        (Escaping.LEGACY, Ordering.UTF16, "legacy escaping, utf16 order"),
    ],
)
def test_an_old_canonicaliser_variant_names_its_escaping_and_order(
    issuer: TestIssuer, escaping: Escaping, ordering: Ordering, detail: str
) -> None:
    credential = achievement_credential(issuer.did, name=CONTROL_NAME)
    assert isinstance(credential["credentialSubject"], dict)
    achievement = credential["credentialSubject"]["achievement"]
    assert isinstance(achievement, dict)
    achievement["tag"] = list(ASTRAL_TAGS)
    signed = issuer.sign(credential, RDFC, escaping=escaping.value, ordering=ordering.value)
    retried = Check("canonicalization", CheckStatus.WARNING, RETRIED, required=False, detail=detail)
    assert _checks(issuer, signed) == [retried, PASSED]


def test_a_failure_after_context_pruning_is_confirmed_without_it(
    issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = issuer.sign(achievement_credential(issuer.did), RDFC)

    def broken_pruning(document: JsonObject, contexts: JsonValue) -> JsonValue:
        assert isinstance(contexts, list)
        return [{"@vocab": "https://pruned.example/"} for _context in contexts]

    monkeypatch.setattr(canonical, "prune_contexts", broken_pruning)
    assert _checks(issuer, signed) == [PASSED]
    signed["name"] = "Advanced Data Literacy"
    assert _checks(issuer, signed) == [MISMATCH]


def test_a_proof_under_contexts_plecak_does_not_ship_reads_them_through_the_loader(
    issuer: TestIssuer,
) -> None:
    url = "https://contexts.example/plain/v1"
    context: JsonObject = {"@context": {"@vocab": "https://vocab.example/#"}}
    credential: JsonObject = {"@context": url, "name": "Data Literacy", "issuer": issuer.did}
    signed = issuer.sign(credential, RDFC, contexts={url: context})
    store = MemoryContextStore(bodies={url: json.dumps(context).encode()})
    loader = ContextLoader(NoNetwork(), store)
    checks = verify_signature(signed, read_proof(signed), issuer.private_key.public_key(), loader)
    remote = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=url)
    assert checks == [remote, PASSED]


def test_an_old_canonicaliser_variant_keeps_proof_options_under_the_same_escaping(
    issuer: TestIssuer,
) -> None:
    credential = achievement_credential(issuer.did)
    assert isinstance(credential["credentialSubject"], dict)
    achievement = credential["credentialSubject"]["achievement"]
    assert isinstance(achievement, dict)
    achievement["tag"] = list(ASTRAL_TAGS)
    # A control character in the proof options makes them differ between the two escapings.
    signed = issuer.sign(credential, RDFC, created="2026-01-01T00:00:00Z\x01", ordering="utf16")
    detail = "rdfc escaping, utf16 order"
    retried = Check("canonicalization", CheckStatus.WARNING, RETRIED, required=False, detail=detail)
    assert _checks(issuer, signed) == [retried, PASSED]


def test_an_old_canonicaliser_variant_sorts_proof_options_in_its_own_order(
    issuer: TestIssuer,
) -> None:
    # Only the proof options hold astral characters: two domains that sort one way by code
    # point and the other by UTF-16 code unit, so the options alone decide the order.
    credential = achievement_credential(issuer.did)
    domains: JsonValue = list(ASTRAL_TAGS)
    signed = issuer.sign(credential, RDFC, ordering="utf16", proof_options={"domain": domains})
    detail = "rdfc escaping, utf16 order"
    retried = Check("canonicalization", CheckStatus.WARNING, RETRIED, required=False, detail=detail)
    assert _checks(issuer, signed) == [retried, PASSED]
    assert _checks(issuer, issuer.sign(credential, RDFC, proof_options={"domain": domains})) == [
        PASSED
    ]
