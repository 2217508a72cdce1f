"""Data Integrity proofs: eddsa-rdfc-2022, eddsa-jcs-2022 and Ed25519Signature2020."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from wallet.errors import CredentialFormatError, FetchError, ValidationError
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import RdfDocument, offline_loader, to_rdf
from wallet.verification.context import VerificationContext
from wallet.verification.dids import (
    KeyResolutionError,
    PublicKey,
    ResolvedKey,
    resolve_verification_method,
)
from wallet.verification.jsonld import ContextError, ContextLoader, bundled_urls
from wallet.verification.multibase import decode_multibase
from wallet.verification.report import Check, CheckStatus, Message

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
ED25519_2020 = "Ed25519Signature2020"
SUITES = (RDFC, JCS, ED25519_2020)


@dataclass(frozen=True)
class ProofInput:
    """The parts of a proof that verification reads, taken from the untrusted JSON."""

    suite: str
    options: JsonObject
    proof_value: str
    verification_method: str
    purpose: str


def verify_data_integrity(
    document: JsonObject,
    ctx: VerificationContext,
    loader: ContextLoader | None = None,
    *,
    web_scheme: str = "https",
) -> list[Check]:
    """Checks ``proof``, ``key_resolution``, ``issuer_binding`` (and ``context``,
    ``canonicalization`` when they apply) for a credential secured with a Data Integrity proof."""
    loader = loader or ContextLoader(ctx.fetcher, strict=ctx.strict_contexts)
    try:
        proof = read_proof(document)
    except CredentialFormatError as error:
        return [_check("proof", CheckStatus.FAILED, _BAD_PROOF, error.detail)]
    checks, key = _key_checks(document, proof, ctx, web_scheme)
    if key is None:
        return checks
    return checks + verify_signature(document, proof, key.public_key, loader)


def read_proof(document: JsonObject) -> ProofInput:
    """The single proof of ``document``; ``CredentialFormatError`` names what is missing."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise CredentialFormatError("the credential has no single proof object")
    kind = proof.get("type")
    suite = proof.get("cryptosuite") if kind == "DataIntegrityProof" else kind
    if suite not in SUITES:
        raise CredentialFormatError(f"the proof suite {suite!r} is not supported")
    fields = {
        name: proof.get(name) for name in ("proofValue", "verificationMethod", "proofPurpose")
    }
    for name, value in fields.items():
        if not isinstance(value, str):
            raise CredentialFormatError(f"the proof has no {name}")
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    return ProofInput(
        suite=str(suite),
        options=options,
        proof_value=str(fields["proofValue"]),
        verification_method=str(fields["verificationMethod"]),
        purpose=str(fields["proofPurpose"]),
    )


def _key_checks(
    document: JsonObject, proof: ProofInput, ctx: VerificationContext, web_scheme: str
) -> tuple[list[Check], ResolvedKey | None]:
    """key_resolution and issuer_binding checks, and the key when one was found."""
    if proof.purpose != "assertionMethod":
        return [_check("proof", CheckStatus.FAILED, _WRONG_PURPOSE, proof.purpose)], None
    try:
        resolved = resolve_verification_method(
            proof.verification_method, ctx.fetcher, web_scheme=web_scheme
        )
    except KeyResolutionError as error:
        failed = _check("key_resolution", CheckStatus.FAILED, _NO_KEY, error.detail)
        return [failed, _check("proof", CheckStatus.SKIPPED, _PROOF_NOT_RUN)], None
    except FetchError as error:
        skipped = _check("key_resolution", CheckStatus.SKIPPED, _KEY_UNREACHABLE, error.detail)
        return [skipped, _check("proof", CheckStatus.SKIPPED, _PROOF_NOT_RUN)], None
    checks = [_check("key_resolution", CheckStatus.PASSED, _KEY_FOUND, resolved.id)]
    issuer = issuer_id(document)
    if issuer == resolved.controller:
        checks.append(_check("issuer_binding", CheckStatus.PASSED, _BOUND, issuer))
    else:
        detail = f"issuer {issuer}, key controller {resolved.controller}"
        checks.append(_check("issuer_binding", CheckStatus.FAILED, _NOT_BOUND, detail))
    return checks, resolved


def issuer_id(document: JsonObject) -> str | None:
    """The credential's issuer identifier (``issuer`` or ``issuer.id``)."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def verify_signature(
    document: JsonObject, proof: ProofInput, public_key: PublicKey, loader: ContextLoader
) -> list[Check]:
    """The ``proof`` check, plus ``context``/``canonicalization`` when they apply, for a key."""
    if not isinstance(public_key, Ed25519PublicKey):
        return [_check("proof", CheckStatus.FAILED, _NOT_ED25519)]
    try:
        signature = decode_multibase(proof.proof_value)
    except ValidationError as error:
        return [_check("proof", CheckStatus.FAILED, _BAD_PROOF, error.detail)]
    unsecured = unsecured_document(document)
    config = proof_configuration(document, proof.options)
    if proof.suite == JCS:
        return _verify_jcs(unsecured, config, signature, public_key)
    return _verify_rdfc(unsecured, config, signature, public_key, loader)


def unsecured_document(document: JsonObject) -> JsonObject:
    """The document without its proof: what the issuer signed."""
    return {name: value for name, value in document.items() if name != "proof"}


def proof_configuration(document: JsonObject, options: JsonObject) -> JsonObject:
    """Proof options without ``proofValue``, carrying the document's ``@context``."""
    config = {name: value for name, value in options.items() if name != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def _verify_jcs(
    unsecured: JsonObject, config: JsonObject, signature: bytes, key: Ed25519PublicKey
) -> list[Check]:
    try:
        data = _sha256(rfc8785.dumps(config)) + _sha256(rfc8785.dumps(unsecured))
    except rfc8785.CanonicalizationError as error:
        return [_check("proof", CheckStatus.FAILED, _BAD_PROOF, str(error))]
    return [_signature_check(key, signature, data)]


def _verify_rdfc(
    unsecured: JsonObject,
    config: JsonObject,
    signature: bytes,
    key: Ed25519PublicKey,
    loader: ContextLoader,
) -> list[Check]:
    try:
        config_rdf = _config_rdf(config, loader)
        document_rdf = to_rdf(unsecured, loader)
    except ContextError as error:
        return [
            _check("context", CheckStatus.FAILED, _CONTEXT_REFUSED, error.detail),
            _check("proof", CheckStatus.SKIPPED, _PROOF_NOT_RUN),
        ]
    except CredentialFormatError as error:
        return [_check("proof", CheckStatus.FAILED, _BAD_PROOF, error.detail)]
    checks = _context_checks(config_rdf.remote_contexts + document_rdf.remote_contexts)
    config_hash = _sha256(config_rdf.nquads().encode())
    verdict = _signature_check(key, signature, config_hash + _document_hash(document_rdf))
    if verdict.status is CheckStatus.PASSED:
        return [*checks, verdict]
    retried = _compatibility_retry(key, signature, config_rdf, document_rdf)
    if retried is None and _verifies_unpruned(unsecured, config, signature, key, loader):
        retried = [_check("proof", CheckStatus.PASSED, _VALID)]
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
                _check("canonicalization", CheckStatus.WARNING, _RETRIED, detail, False),
                verdict,
            ]
    return None


def _config_rdf(config: JsonObject, loader: ContextLoader) -> RdfDocument:
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


def _document_hash(document: RdfDocument) -> bytes:
    return _sha256(document.nquads().encode())


def _context_checks(remote: tuple[str, ...]) -> list[Check]:
    if not remote:
        return []
    urls = ", ".join(dict.fromkeys(remote))
    return [_check("context", CheckStatus.WARNING, _REMOTE_CONTEXT, urls, False)]


def _signature_check(key: Ed25519PublicKey, signature: bytes, data: bytes) -> Check:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return _check("proof", CheckStatus.FAILED, _INVALID)
    return _check("proof", CheckStatus.PASSED, _VALID)


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _check(
    code: str,
    status: CheckStatus,
    message: Message,
    detail: str | None = None,
    required: bool = True,
) -> Check:
    return Check(code=code, status=status, message=message, required=required, detail=detail)


_VALID = Message(
    "The issuer's digital signature is valid: the credential has not been changed.",
    "Podpis cyfrowy wystawcy jest prawidłowy: poświadczenie nie zostało zmienione.",
)
_INVALID = Message(
    "The digital signature does not match: the credential was changed or signed with another key.",
    "Podpis cyfrowy się nie zgadza: poświadczenie zmieniono albo podpisano innym kluczem.",
)
_BAD_PROOF = Message(
    "The credential's proof is missing or malformed.",
    "Dowód (podpis) poświadczenia jest nieobecny lub uszkodzony.",
)
_WRONG_PURPOSE = Message(
    "The proof was not made for asserting a credential (wrong proof purpose).",
    "Dowód nie służy do potwierdzania poświadczeń (niewłaściwy cel dowodu).",
)
_PROOF_NOT_RUN = Message(
    "The signature could not be checked.",
    "Nie udało się sprawdzić podpisu.",
)
_NOT_ED25519 = Message(
    "The signing key is not an Ed25519 key, which this proof type requires.",
    "Klucz podpisu nie jest kluczem Ed25519, którego wymaga ten rodzaj dowodu.",
)
_NO_KEY = Message(
    "The issuer's signing key could not be found.",
    "Nie znaleziono klucza podpisu wystawcy.",
)
_KEY_UNREACHABLE = Message(
    "The issuer's signing key could not be fetched right now.",
    "Nie udało się teraz pobrać klucza podpisu wystawcy.",
)
_KEY_FOUND = Message("The issuer's signing key was found.", "Znaleziono klucz podpisu wystawcy.")
_BOUND = Message(
    "The signing key belongs to the issuer named in the credential.",
    "Klucz podpisu należy do wystawcy wskazanego w poświadczeniu.",
)
_NOT_BOUND = Message(
    "The signing key does not belong to the issuer named in the credential.",
    "Klucz podpisu nie należy do wystawcy wskazanego w poświadczeniu.",
)
_REMOTE_CONTEXT = Message(
    "The credential uses a vocabulary file that Plecak does not ship; it was downloaded.",
    "Poświadczenie używa pliku słownika, którego Plecak nie ma u siebie; został pobrany.",
)
_CONTEXT_REFUSED = Message(
    "The credential uses a vocabulary file that could not be used.",
    "Poświadczenie używa pliku słownika, z którego nie można było skorzystać.",
)
_RETRIED = Message(
    "The signature is valid only under an older, non-standard text normalisation.",
    "Podpis jest prawidłowy tylko przy starszej, niestandardowej normalizacji tekstu.",
)
