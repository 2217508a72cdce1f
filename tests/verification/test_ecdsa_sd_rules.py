"""ecdsa-sd-2023 derived proofs, rule by rule: the exact checks each outcome produces.

A refused proof value names its reason in the ``proof`` check's detail; a statement that does
not match its signature fails the check. Derived proofs come from the published vectors and
from ``EcdsaIssuer.derive``, which lets a test change each of the five components.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.di_issuer import achievement_credential
from tests.support.di_vectors import NoNetwork, load_vector, vector_loader
from tests.support.ecdsa_issuer import (
    DERIVED_HEADER,
    EcdsaIssuer,
    base64url,
    cbor,
    multikey_bytes,
)
from tests.verification.test_ecdsa import P256
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import offline_loader
from wallet.verification.data_integrity import read_proof, verify_signature
from wallet.verification.jsonld import ContextLoader, MemoryContextStore
from wallet.verification.keys import public_key_from_multikey
from wallet.verification.proofs import (
    BAD_PROOF,
    CONTEXT_REFUSED,
    INVALID,
    PROOF_NOT_RUN,
    REMOTE_CONTEXT,
    VALID,
)
from wallet.verification.report import Check, CheckStatus

PASSED = Check("proof", CheckStatus.PASSED, VALID)
MISMATCH = Check("proof", CheckStatus.FAILED, INVALID)
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
NOT_BYTES = "a derived proof component is not a byte string"
NOT_ARRAY = "a derived proof component is not an array"
BAD_INDEX = "a mandatory index is not a non-negative integer"
Components = list[object]
Change = Callable[[Components], None]
Mandatory = Callable[[str], bool]


@pytest.fixture(scope="module")
def issuer() -> EcdsaIssuer:
    return EcdsaIssuer.generate()


def _checks(
    issuer: EcdsaIssuer, signed: JsonObject, loader: ContextLoader | None = None
) -> list[Check]:
    return verify_signature(
        signed, read_proof(signed), issuer.public_key, loader or offline_loader()
    )


def _refused(detail: str) -> list[Check]:
    return [Check("proof", CheckStatus.FAILED, BAD_PROOF, detail=detail)]


def _credential(issuer: EcdsaIssuer) -> JsonObject:
    return achievement_credential(issuer.did)


def _with_proof_value(signed: JsonObject, value: str) -> JsonObject:
    assert isinstance(signed["proof"], dict)
    signed["proof"]["proofValue"] = value
    return signed


def _name_is_mandatory(statement: str) -> bool:
    return "schema.org/name" in statement


def _derive(issuer: EcdsaIssuer, change: Change) -> JsonObject:
    """A derived proof whose components ``change`` alters."""
    return issuer.derive(_credential(issuer), mandatory=_name_is_mandatory, tamper=change)


def _replace(index: int, value: object) -> Change:
    def change(components: Components) -> None:
        components[index] = value

    return change


def test_published_derived_vector_passes() -> None:
    document = load_vector("ecdsa-sd-2023-derived.json")
    key = public_key_from_multikey(P256)
    assert verify_signature(document, read_proof(document), key, vector_loader()) == [PASSED]


def test_published_derived_vector_names_the_context_it_downloaded() -> None:
    document = load_vector("ecdsa-sd-2023-derived-prc.json")
    key = public_key_from_multikey(P256)
    remote = Check(
        "context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=CITIZENSHIP
    )
    checks = verify_signature(document, read_proof(document), key, vector_loader())
    assert checks == [remote, PASSED]


@pytest.mark.parametrize(
    "mandatory",
    [lambda statement: False, _name_is_mandatory, lambda statement: True],
    ids=["none-mandatory", "names-mandatory", "all-mandatory"],
)
def test_a_valid_derived_proof_gives_one_passed_check(
    issuer: EcdsaIssuer, mandatory: Mandatory
) -> None:
    signed = issuer.derive(_credential(issuer), mandatory=mandatory)
    assert _checks(issuer, signed) == [PASSED]


@pytest.mark.parametrize(
    "mandatory", [_name_is_mandatory, lambda statement: False], ids=["mandatory", "disclosed"]
)
def test_a_changed_statement_gives_one_failed_check(
    issuer: EcdsaIssuer, mandatory: Mandatory
) -> None:
    signed = issuer.derive(_credential(issuer), mandatory=mandatory)
    signed["name"] = "Advanced Data Literacy"
    assert _checks(issuer, signed) == [MISMATCH]


def test_a_base_signature_by_another_key_gives_one_failed_check(issuer: EcdsaIssuer) -> None:
    signed = EcdsaIssuer.generate().derive(_credential(issuer), mandatory=_name_is_mandatory)
    assert _checks(issuer, signed) == [MISMATCH]


def test_a_statement_signature_by_another_key_gives_one_failed_check(issuer: EcdsaIssuer) -> None:
    other = EcdsaIssuer.generate()

    def resign_first(components: Components) -> None:
        signatures = components[2]
        assert isinstance(signatures, list)
        signatures[0] = other.sign_raw(b"another statement")

    assert _checks(issuer, _derive(issuer, resign_first)) == [MISMATCH]


def test_a_literal_that_reads_like_a_blank_node_label_is_kept(issuer: EcdsaIssuer) -> None:
    credential = _credential(issuer)
    assert isinstance(credential["credentialSubject"], dict)
    achievement = credential["credentialSubject"]["achievement"]
    assert isinstance(achievement, dict)
    achievement["criteria"] = {"narrative": 'Quote "_:c14n0 " and _:c14n9 here.'}
    achievement["description"] = "Also _:c14n0 here."
    signed = issuer.derive(credential, mandatory=_name_is_mandatory)
    assert _checks(issuer, signed) == [PASSED]


def test_blank_nodes_are_relabelled_in_the_subject_and_object_of_a_statement(
    issuer: EcdsaIssuer,
) -> None:
    # Thirteen blank nodes: labels of two digits, at the start of a line and after a space.
    context: JsonObject = {"@vocab": "https://vocab.example/#"}
    parts = [{"name": f"part {i}", "level": {"value": str(i)}} for i in range(6)]
    credential: JsonObject = {"@context": [context], "name": "x", "part": parts}
    assert _checks(issuer, issuer.derive(credential)) == [PASSED]


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("z" + "1" * 20, "an ecdsa-sd-2023 proof value is base64url ('u')"),
        ("u!!!!", "value is not valid base64url"),
        (
            "u" + base64url(b"\xd9\x5d\x00" + cbor([])),
            "this is a base proof, which only the holder may keep",
        ),
        (
            "u" + base64url(b"\xd9\x5d\x02" + cbor([])),
            "the proof value is not an ecdsa-sd-2023 derived proof",
        ),
        ("u" + base64url(b"\xd9\x5d"), "the proof value is not an ecdsa-sd-2023 derived proof"),
        (
            "u" + base64url(DERIVED_HEADER + cbor([b"", b"", [], {}])),
            "a derived proof value holds five components",
        ),
        (
            "u" + base64url(DERIVED_HEADER + cbor([b"", b"", [], {}, [], []])),
            "a derived proof value holds five components",
        ),
        (
            "u" + base64url(DERIVED_HEADER + cbor({0: b""})),
            "a derived proof value holds five components",
        ),
        (
            "u" + base64url(DERIVED_HEADER + cbor([b""])[:-1] + b"\x41"),
            "a CBOR string runs past the end",
        ),
    ],
    ids=[
        "multibase-z",
        "not-base64url",
        "base-proof",
        "other-header",
        "short-header",
        "four-components",
        "six-components",
        "a-map",
        "truncated-cbor",
    ],
)
def test_a_proof_value_that_is_no_derived_proof_names_why(
    issuer: EcdsaIssuer, value: str, detail: str
) -> None:
    signed = _with_proof_value(issuer.derive(_credential(issuer)), value)
    assert _checks(issuer, signed) == _refused(detail)


@pytest.mark.parametrize(
    ("index", "value", "detail"),
    [
        (0, 7, NOT_BYTES),
        (1, "key", NOT_BYTES),
        (2, b"signatures", NOT_ARRAY),
        (2, [7], NOT_BYTES),
        (3, [b"label"], "the label map is not a CBOR map"),
        (3, {"0": b"label"}, "a compressed label map is keyed by numbers"),
        (3, {b"\x00": b"label"}, "a compressed label map is keyed by numbers"),
        (3, {0: "label"}, NOT_BYTES),
        (4, {0: 0}, NOT_ARRAY),
        (4, [-1], BAD_INDEX),
        (4, [True], BAD_INDEX),
        (4, ["0"], BAD_INDEX),
        (4, [b"\x00"], BAD_INDEX),
    ],
)
def test_a_component_of_the_wrong_kind_names_why(
    issuer: EcdsaIssuer, index: int, value: object, detail: str
) -> None:
    assert _checks(issuer, _derive(issuer, _replace(index, value))) == _refused(detail)


@pytest.mark.parametrize(
    ("key", "detail"),
    [
        (b"\x80\x24" + bytes(33), "the EC point is malformed or not on the curve"),
        (b"\x01\x02", "the multikey is not an Ed25519, P-256 or P-384 public key"),
        (b"\xed\x01" + bytes(32), "proof key not P-256"),
        (
            multikey_bytes(ec.generate_private_key(ec.SECP384R1()).public_key()),
            "proof key not P-256",
        ),
    ],
    ids=["off-curve", "other-codec", "Ed25519", "P-384"],
)
def test_a_proof_key_that_is_no_p256_key_names_why(
    issuer: EcdsaIssuer, key: bytes, detail: str
) -> None:
    assert _checks(issuer, _derive(issuer, _replace(1, key))) == _refused(detail)


@pytest.mark.parametrize("size", [63, 65])
def test_a_base_signature_of_another_length_is_refused(issuer: EcdsaIssuer, size: int) -> None:
    signed = _derive(issuer, _replace(0, b"\x01" * size))
    assert _checks(issuer, signed) == _refused("an ECDSA secp256r1 signature is 64 bytes")


@pytest.mark.parametrize("size", [63, 65])
def test_a_statement_signature_of_another_length_is_refused(issuer: EcdsaIssuer, size: int) -> None:
    def shorten_last(components: Components) -> None:
        signatures = components[2]
        assert isinstance(signatures, list)
        signatures[-1] = b"\x01" * size

    assert _checks(issuer, _derive(issuer, shorten_last)) == _refused(
        "an ECDSA secp256r1 signature is 64 bytes"
    )


def _statement_count(components: Components) -> int:
    signatures, indexes = components[2], components[4]
    assert isinstance(signatures, list) and isinstance(indexes, list)
    return len(signatures) + len(indexes)


def test_a_mandatory_index_past_the_statements_is_refused(issuer: EcdsaIssuer) -> None:
    def past_the_end(components: Components) -> None:
        components[4] = [0, _statement_count(components)]

    assert _checks(issuer, _derive(issuer, past_the_end)) == _refused("index out of range")


def test_the_last_statement_can_be_mandatory(issuer: EcdsaIssuer) -> None:
    # Statements about blank nodes (relabelled "_:u…") sort after those about IRIs ("<…").
    signed = issuer.derive(_credential(issuer), mandatory=lambda line: line.startswith("_:"))
    assert _checks(issuer, signed) == [PASSED]


def test_a_repeated_mandatory_index_counts_once(issuer: EcdsaIssuer) -> None:
    def repeat(components: Components) -> None:
        indexes = components[4]
        assert isinstance(indexes, list) and indexes
        indexes.append(indexes[0])

    assert _checks(issuer, _derive(issuer, repeat)) == [PASSED]


@pytest.mark.parametrize("change", [-1, 1], ids=["one-missing", "one-extra"])
def test_a_signature_count_unlike_the_statements_names_both(
    issuer: EcdsaIssuer, change: int
) -> None:
    counts: list[int] = []

    def recount(components: Components) -> None:
        signatures = components[2]
        assert isinstance(signatures, list)
        counts.append(len(signatures))
        components[2] = signatures[:-1] if change < 0 else [*signatures, signatures[0]]

    signed = _derive(issuer, recount)
    detail = f"{counts[0] + change} signatures for {counts[0]} statements"
    assert _checks(issuer, signed) == [Check("proof", CheckStatus.FAILED, INVALID, detail=detail)]


def test_a_label_map_without_an_entry_names_the_label(issuer: EcdsaIssuer) -> None:
    def forget_first(components: Components) -> None:
        label_map = components[3]
        assert isinstance(label_map, dict) and 0 in label_map
        del label_map[0]

    detail = "the label map has no entry for c14n0"
    assert _checks(issuer, _derive(issuer, forget_first)) == _refused(detail)


def test_a_label_map_of_other_labels_gives_one_failed_check(issuer: EcdsaIssuer) -> None:
    def relabel(components: Components) -> None:
        label_map = components[3]
        assert isinstance(label_map, dict)
        components[3] = {number: b"other" + label for number, label in label_map.items()}

    assert _checks(issuer, _derive(issuer, relabel)) == [MISMATCH]


def test_json_ld_that_has_no_rdf_form_is_refused(issuer: EcdsaIssuer) -> None:
    signed = issuer.derive(_credential(issuer))
    signed["id"] = 5
    assert _checks(issuer, signed) == _refused(
        "the JSON-LD cannot be converted to RDF: @id value must be a string"
    )


def test_proof_options_that_have_no_rdf_form_are_refused(issuer: EcdsaIssuer) -> None:
    signed = issuer.derive(_credential(issuer))
    assert isinstance(signed["proof"], dict)
    signed["proof"]["id"] = 5
    assert _checks(issuer, signed) == _refused(
        "the JSON-LD cannot be converted to RDF: @id value must be a string"
    )


def test_a_context_that_cannot_be_used_leaves_the_signature_unchecked(
    issuer: EcdsaIssuer,
) -> None:
    url = "https://contexts.example/plain/v1"
    signed = issuer.derive(_credential(issuer))
    signed["@context"] = url
    strict = ContextLoader(NoNetwork(), strict=True)
    detail = f"the context {url} is not bundled and strict mode refuses it"
    assert _checks(issuer, signed, strict) == [
        Check("context", CheckStatus.FAILED, CONTEXT_REFUSED, detail=detail),
        Check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN),
    ]


def test_a_context_plecak_does_not_ship_is_named(issuer: EcdsaIssuer) -> None:
    url = "https://contexts.example/plain/v1"
    context: JsonObject = {"@context": {"@vocab": "https://vocab.example/#"}}
    credential = {**_credential(issuer), "@context": url}
    body = json.dumps(context).encode()
    signed = issuer.derive(credential, contexts={url: context})
    loader = ContextLoader(NoNetwork(), MemoryContextStore(bodies={url: body}))
    remote = Check("context", CheckStatus.WARNING, REMOTE_CONTEXT, required=False, detail=url)
    assert _checks(issuer, signed, loader) == [remote, PASSED]
