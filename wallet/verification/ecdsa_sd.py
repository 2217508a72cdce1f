"""ecdsa-sd-2023: verify a derived (selectively disclosed) proof, vc-di-ecdsa §3.5."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from wallet.errors import CredentialFormatError, ValidationError
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import to_rdf
from wallet.verification.cbor import CborValue, decode_cbor
from wallet.verification.ecdsa import raw_to_der, signature_check
from wallet.verification.eddsa import config_rdf_of
from wallet.verification.jsonld import ContextError, ContextLoader
from wallet.verification.keys import public_key_from_multikey
from wallet.verification.multibase import decode_base64url, encode_base58, encode_base64url
from wallet.verification.proofs import (
    BAD_PROOF,
    INVALID,
    context_refused,
    make_proof_check,
    remote_context_checks,
)
from wallet.verification.report import Check, CheckStatus

DERIVED_HEADER = b"\xd9\x5d\x01"
BASE_HEADER = b"\xd9\x5d\x00"
# A blank node label, or a whole literal: text inside a literal is never a label.
_LABEL = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![^ ])_:(c14n[0-9]+)(?= )')


@dataclass(frozen=True)
class DerivedProof:
    """The parts of a derived proof value (parseDerivedProofValue)."""

    base_signature: bytes
    public_key: bytes
    signatures: tuple[bytes, ...]
    label_map: dict[str, str]
    mandatory_indexes: tuple[int, ...]


def verify_derived_proof(
    unsecured: JsonObject,
    config: JsonObject,
    proof_value: str,
    issuer_key: ec.EllipticCurvePublicKey,
    loader: ContextLoader,
) -> list[Check]:
    """The ``proof`` check of a disclosed credential: the base signature over the mandatory
    statements, and one signature per disclosed non-mandatory statement."""
    try:
        derived = parse_derived_proof_value(proof_value)
        proof_key = public_key_from_multikey("z" + encode_base58(derived.public_key))
        base_signature = raw_to_der(derived.base_signature, issuer_key)
    except (CredentialFormatError, ValidationError) as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    if not isinstance(proof_key, ec.EllipticCurvePublicKey) or proof_key.curve.name != (
        "secp256r1"
    ):
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, "proof key not P-256")]
    try:
        config_rdf = config_rdf_of(config, loader)
        document_rdf = to_rdf(unsecured, loader)
        statements = sorted(_relabel(line, derived.label_map) + "\n" for line in document_rdf.lines)
    except ContextError as error:
        return context_refused(error)
    except CredentialFormatError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    notes = remote_context_checks(config_rdf.remote_contexts + document_rdf.remote_contexts)
    proof_hash = hashlib.sha256(config_rdf.nquads().encode()).digest()
    keys = (issuer_key, proof_key)
    return [*notes, _verify_statements(derived, statements, proof_hash, keys, base_signature)]


def _verify_statements(
    derived: DerivedProof,
    statements: list[str],
    proof_hash: bytes,
    keys: tuple[ec.EllipticCurvePublicKey, ec.EllipticCurvePublicKey],
    base_signature: bytes,
) -> Check:
    """The base signature (issuer key) over the mandatory statements, then one signature
    (the proof's ephemeral key) per other statement."""
    issuer_key, proof_key = keys
    mandatory_set = set(derived.mandatory_indexes)
    if any(index >= len(statements) for index in mandatory_set):
        return make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, "index out of range")
    mandatory = [line for i, line in enumerate(statements) if i in mandatory_set]
    optional = [line for i, line in enumerate(statements) if i not in mandatory_set]
    if len(optional) != len(derived.signatures):
        detail = f"{len(derived.signatures)} signatures for {len(optional)} statements"
        return make_proof_check("proof", CheckStatus.FAILED, INVALID, detail)
    mandatory_hash = hashlib.sha256("".join(mandatory).encode()).digest()
    signed = proof_hash + derived.public_key + mandatory_hash
    base = signature_check(issuer_key, base_signature, signed)
    if base.status is not CheckStatus.PASSED:
        return base
    for signature, statement in zip(derived.signatures, optional, strict=True):
        try:
            der = raw_to_der(signature, proof_key)
        except ValidationError as error:
            return make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)
        check = signature_check(proof_key, der, statement.encode())
        if check.status is not CheckStatus.PASSED:
            return check
    return base


def parse_derived_proof_value(proof_value: str) -> DerivedProof:
    """The components of a derived ``proofValue``; ``CredentialFormatError`` if it is not one."""
    if not proof_value.startswith("u"):
        raise CredentialFormatError("an ecdsa-sd-2023 proof value is base64url ('u')")
    data = decode_base64url(proof_value[1:])
    if data.startswith(BASE_HEADER):
        raise CredentialFormatError("this is a base proof, which only the holder may keep")
    if not data.startswith(DERIVED_HEADER):
        raise CredentialFormatError("the proof value is not an ecdsa-sd-2023 derived proof")
    components = decode_cbor(data[len(DERIVED_HEADER) :])
    if not isinstance(components, list) or len(components) != 5:
        raise CredentialFormatError("a derived proof value holds five components")
    base_signature, public_key, signatures, label_map, indexes = components
    return DerivedProof(
        base_signature=_bytes(base_signature),
        public_key=_bytes(public_key),
        signatures=tuple(_bytes(item) for item in _list(signatures)),
        label_map=_label_map(label_map),
        mandatory_indexes=tuple(_index(item) for item in _list(indexes)),
    )


def _relabel(line: str, label_map: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group()
        label = label_map.get(match.group(1))
        if label is None:
            raise CredentialFormatError(f"the label map has no entry for {match.group(1)}")
        return "_:" + label

    return _LABEL.sub(replace, line)


def _label_map(value: CborValue) -> dict[str, str]:
    if not isinstance(value, dict):
        raise CredentialFormatError("the label map is not a CBOR map")
    labels: dict[str, str] = {}
    for key, label in value.items():
        if not isinstance(key, int) or isinstance(key, bool):
            raise CredentialFormatError("a compressed label map is keyed by numbers")
        labels[f"c14n{key}"] = "u" + encode_base64url(_bytes(label))
    return labels


def _bytes(value: CborValue) -> bytes:
    if not isinstance(value, bytes):
        raise CredentialFormatError("a derived proof component is not a byte string")
    return value


def _list(value: CborValue) -> list[CborValue]:
    if not isinstance(value, list):
        raise CredentialFormatError("a derived proof component is not an array")
    return value


def _index(value: CborValue) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CredentialFormatError("a mandatory index is not a non-negative integer")
    return value
