"""ECDSA proofs (vc-di-ecdsa): ecdsa-rdfc-2019 and ecdsa-jcs-2019, P-256 or P-384 keys."""

from __future__ import annotations

import hashlib

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from wallet.errors import CredentialFormatError, ValidationError
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import to_rdf
from wallet.verification.eddsa import config_rdf_of
from wallet.verification.jsonld import ContextError, ContextLoader
from wallet.verification.keys import PublicKey
from wallet.verification.multibase import decode_multibase
from wallet.verification.proofs import (
    BAD_PROOF,
    ECDSA_JCS,
    INVALID,
    VALID,
    WRONG_KEY_TYPE,
    ProofInput,
    context_refused,
    make_proof_check,
    remote_context_checks,
)
from wallet.verification.report import Check, CheckStatus, Message

# Curve name → (hash for the proof data and the signature, bytes of one signature half).
_CURVES: dict[str, tuple[type[hashes.SHA256] | type[hashes.SHA384], int]] = {
    "secp256r1": (hashes.SHA256, 32),
    "secp384r1": (hashes.SHA384, 48),
}


def verify_ecdsa(
    unsecured: JsonObject,
    config: JsonObject,
    proof: ProofInput,
    public_key: PublicKey,
    loader: ContextLoader,
) -> list[Check]:
    """The ``proof`` check (and ``context`` notes) of an ECDSA Data Integrity proof."""
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name not in (
        _CURVES
    ):
        return [make_proof_check("proof", CheckStatus.FAILED, WRONG_KEY_TYPE, "P-256 or P-384")]
    try:
        signature = raw_to_der(decode_multibase(proof.proof_value), public_key)
    except ValidationError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    algorithm = _CURVES[public_key.curve.name][0]
    if proof.suite == ECDSA_JCS:
        return _verify_jcs(unsecured, config, signature, public_key)
    sha384 = algorithm is hashes.SHA384
    try:
        config_rdf = (
            to_rdf(config, loader, sha384=True) if sha384 else config_rdf_of(config, loader)
        )
        document_rdf = to_rdf(unsecured, loader, sha384=sha384)
    except ContextError as error:
        return context_refused(error)
    except CredentialFormatError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    data = _digest(config_rdf.nquads().encode(), algorithm) + _digest(
        document_rdf.nquads().encode(), algorithm
    )
    notes = remote_context_checks(config_rdf.remote_contexts + document_rdf.remote_contexts)
    return [*notes, signature_check(public_key, signature, data)]


def _verify_jcs(
    unsecured: JsonObject, config: JsonObject, signature: bytes, key: ec.EllipticCurvePublicKey
) -> list[Check]:
    """ecdsa-jcs-2019; drafts signed the proof configuration without the ``@context`` that
    the final text adds (the document hash covers it either way), so that is tried second."""
    algorithm = _CURVES[key.curve.name][0]
    try:
        document_hash = _digest(rfc8785.dumps(unsecured), algorithm)
        verdict = signature_check(
            key, signature, _digest(rfc8785.dumps(config), algorithm) + document_hash
        )
        if verdict.status is CheckStatus.PASSED or "@context" not in config:
            return [verdict]
        draft = {name: value for name, value in config.items() if name != "@context"}
        retried = signature_check(
            key, signature, _digest(rfc8785.dumps(draft), algorithm) + document_hash
        )
    except rfc8785.CanonicalizationError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, str(error))]
    if retried.status is not CheckStatus.PASSED:
        return [verdict]
    note = make_proof_check("proof_configuration", CheckStatus.WARNING, _DRAFT_CONFIG, None, False)
    return [note, retried]


def raw_to_der(raw: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    """An IEEE P1363 ``r || s`` signature as the DER form ``cryptography`` verifies."""
    size = _CURVES[key.curve.name][1]
    if len(raw) != 2 * size:
        raise ValidationError(f"an ECDSA {key.curve.name} signature is {2 * size} bytes")
    r = int.from_bytes(raw[:size], "big")
    s = int.from_bytes(raw[size:], "big")
    return encode_dss_signature(r, s)


def signature_check(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> Check:
    """PASSED when ``signature`` (DER) signs ``data`` under ``key`` with the curve's hash."""
    algorithm = _CURVES[key.curve.name][0]
    try:
        key.verify(signature, data, ec.ECDSA(algorithm()))
    except InvalidSignature:
        return make_proof_check("proof", CheckStatus.FAILED, INVALID)
    return make_proof_check("proof", CheckStatus.PASSED, VALID)


def _digest(data: bytes, algorithm: type[hashes.SHA256] | type[hashes.SHA384]) -> bytes:
    name = "sha256" if algorithm is hashes.SHA256 else "sha384"
    return hashlib.new(name, data).digest()


_DRAFT_CONFIG = Message(
    "The signature follows a draft of its signature method (proof options signed without "
    "their @context).",
    "Podpis odpowiada wersji roboczej metody podpisu (opcje dowodu podpisane bez @context).",
)
