"""EdDSA proofs: eddsa-rdfc-2022 (draft name eddsa-2022), eddsa-jcs-2022, Ed25519Signature2020."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from wallet.errors import CredentialFormatError, ValidationError
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import RdfDocument, offline_loader, to_rdf
from wallet.verification.jsonld import ContextError, ContextLoader, bundled_urls
from wallet.verification.keys import PublicKey
from wallet.verification.multibase import decode_multibase
from wallet.verification.proofs import (
    BAD_PROOF,
    EDDSA_2022,
    INVALID,
    JCS,
    VALID,
    WRONG_KEY_TYPE,
    ProofInput,
    context_refused,
    make_proof_check,
    remote_context_checks,
)
from wallet.verification.report import Check, CheckStatus, Message


def verify_eddsa(
    unsecured: JsonObject,
    config: JsonObject,
    proof: ProofInput,
    public_key: PublicKey,
    loader: ContextLoader,
) -> list[Check]:
    """The ``proof`` check (and ``context``/``canonicalization``/``cryptosuite`` notes)."""
    if not isinstance(public_key, Ed25519PublicKey):
        return [make_proof_check("proof", CheckStatus.FAILED, WRONG_KEY_TYPE, "Ed25519 expected")]
    try:
        signature = decode_multibase(proof.proof_value)
    except ValidationError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    if proof.suite == JCS:
        return _verify_jcs(unsecured, config, signature, public_key)
    checks = _verify_rdfc(unsecured, config, signature, public_key, loader)
    if proof.suite == EDDSA_2022:
        legacy = make_proof_check("cryptosuite", CheckStatus.WARNING, _LEGACY, EDDSA_2022, False)
        return [legacy, *checks]
    return checks


def _verify_jcs(
    unsecured: JsonObject, config: JsonObject, signature: bytes, key: Ed25519PublicKey
) -> list[Check]:
    try:
        data = _sha256(rfc8785.dumps(config)) + _sha256(rfc8785.dumps(unsecured))
    except rfc8785.CanonicalizationError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, str(error))]
    return [_signature_check(key, signature, data)]


def _verify_rdfc(
    unsecured: JsonObject,
    config: JsonObject,
    signature: bytes,
    key: Ed25519PublicKey,
    loader: ContextLoader,
) -> list[Check]:
    try:
        config_rdf = config_rdf_of(config, loader)
        document_rdf = to_rdf(unsecured, loader)
    except ContextError as error:
        return context_refused(error)
    except CredentialFormatError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    checks = remote_context_checks(config_rdf.remote_contexts + document_rdf.remote_contexts)
    config_hash = _sha256(config_rdf.nquads().encode())
    document_hash = _sha256(document_rdf.nquads().encode())
    verdict = _signature_check(key, signature, config_hash + document_hash)
    if verdict.status is CheckStatus.PASSED:
        return [*checks, verdict]
    retried = _compatibility_retry(key, signature, config_rdf, document_rdf)
    if retried is None and _verifies_unpruned(unsecured, config, signature, key, loader):
        retried = [make_proof_check("proof", CheckStatus.PASSED, VALID)]
    return [*checks, *(retried if retried is not None else [verdict])]


def _verifies_unpruned(
    unsecured: JsonObject,
    config: JsonObject,
    signature: bytes,
    key: Ed25519PublicKey,
    loader: ContextLoader,
) -> bool:
    """Before failing, confirm without context pruning, so the speed-up never decides alone."""
    config_text = to_rdf(config, loader, prune=False).nquads()
    document_text = to_rdf(unsecured, loader, prune=False).nquads()
    data = _sha256(config_text.encode()) + _sha256(document_text.encode())
    return _signature_check(key, signature, data).status is CheckStatus.PASSED


def _compatibility_retry(
    key: Ed25519PublicKey, signature: bytes, config: RdfDocument, document: RdfDocument
) -> list[Check] | None:
    """Try the N-Quads variants known JavaScript canonicalisers produced."""
    variants = dict.fromkeys(config.variants() + document.variants())
    for escaping, ordering in variants:
        data = _sha256(config.nquads(escaping, ordering).encode()) + _sha256(
            document.nquads(escaping, ordering).encode()
        )
        verdict = _signature_check(key, signature, data)
        if verdict.status is CheckStatus.PASSED:
            detail = f"{escaping.value} escaping, {ordering.value} order"
            return [
                make_proof_check("canonicalization", CheckStatus.WARNING, _RETRIED, detail, False),
                verdict,
            ]
    return None


def config_rdf_of(config: JsonObject, loader: ContextLoader) -> RdfDocument:
    """Proof configurations repeat per issuer and proof shape; bundled ones are cached."""
    contexts = config.get("@context")
    urls = contexts if isinstance(contexts, list) else [contexts]
    if all(isinstance(url, str) and url in bundled_urls() for url in urls):
        return _cached_config_rdf(json.dumps(config, sort_keys=True))
    return to_rdf(config, loader)


@lru_cache(maxsize=4096)
def _cached_config_rdf(config_json: str) -> RdfDocument:
    loaded = json.loads(config_json)
    assert isinstance(loaded, dict)
    return to_rdf(loaded, offline_loader())


def _signature_check(key: Ed25519PublicKey, signature: bytes, data: bytes) -> Check:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return make_proof_check("proof", CheckStatus.FAILED, INVALID)
    return make_proof_check("proof", CheckStatus.PASSED, VALID)


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


_RETRIED = Message(
    "The signature is valid only under an older, non-standard text normalisation.",
    "Podpis jest prawidłowy tylko przy starszej, niestandardowej normalizacji tekstu.",
)
_LEGACY = Message(
    "The proof uses the draft name of its signature method (eddsa-2022); it was checked as "
    "eddsa-rdfc-2022.",
    "Dowód używa roboczej nazwy metody podpisu (eddsa-2022); sprawdzono go jako eddsa-rdfc-2022.",
)
