"""Data Integrity proofs: single proofs, proof sets and proof chains, EdDSA and ECDSA suites."""

from __future__ import annotations

from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.asymmetric import ec

from wallet.errors import CredentialFormatError, FetchError
from wallet.jsonvalues import JsonObject
from wallet.verification.context import VerificationContext
from wallet.verification.controller import Binding, link_issuer, resolve_key
from wallet.verification.dids import (
    KeyResolutionError,
    PublicKey,
    ResolvedKey,
    UnsupportedMethodError,
)
from wallet.verification.ecdsa import verify_ecdsa
from wallet.verification.ecdsa_sd import verify_derived_proof
from wallet.verification.eddsa import verify_eddsa
from wallet.verification.jsonld import ContextLoader
from wallet.verification.proofs import (
    BAD_PROOF,
    ECDSA_SD,
    ECDSA_SUITES,
    ED25519_2020,
    JCS,
    PROOF_NOT_RUN,
    RDFC,
    WRONG_KEY_TYPE,
    ProofInput,
    UnsupportedSuiteError,
    make_proof_check,
    proof_configuration,
    proof_objects,
    read_proof,
    read_proof_object,
    unsecured_document,
)
from wallet.verification.report import Check, CheckStatus, Message

__all__ = [
    "ED25519_2020",
    "JCS",
    "RDFC",
    "ProofInput",
    "issuer_id",
    "proof_configuration",
    "read_proof",
    "unsecured_document",
    "verify_data_integrity",
    "verify_signature",
]


@dataclass(frozen=True)
class _ProofOutcome:
    """The checks of one proof and how its key relates to the issuer."""

    checks: list[Check]
    binding: Binding | None
    reason: str


def verify_data_integrity(
    document: JsonObject,
    ctx: VerificationContext,
    loader: ContextLoader | None = None,
    *,
    web_scheme: str = "https",
) -> list[Check]:
    """Checks ``proof``, ``key_resolution``, ``issuer_binding`` (and ``context``,
    ``canonicalization``, ``cryptosuite`` when they apply) of every proof of ``document``.

    Several proofs form a set (or, with ``previousProof``, a chain): every one must verify,
    and one proof by a key of the issuer binds the credential to its issuer.
    """
    loader = loader or ContextLoader(ctx.fetcher, strict=ctx.strict_contexts)
    try:
        proofs = proof_objects(document)
    except CredentialFormatError as error:
        return [make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)]
    unsecured = unsecured_document(document)
    by_id = {str(proof["id"]): proof for proof in proofs if isinstance(proof.get("id"), str)}
    outcomes = [
        _verify_one(unsecured, proof, by_id, ctx, loader, web_scheme, len(proofs) > 1)
        for proof in proofs
    ]
    checks = [check for outcome in outcomes for check in outcome.checks]
    binding = _issuer_binding(outcomes)
    return checks if binding is None else [*checks, binding]


def _verify_one(
    unsecured: JsonObject,
    proof: JsonObject,
    by_id: dict[str, JsonObject],
    ctx: VerificationContext,
    loader: ContextLoader,
    web_scheme: str,
    in_set: bool,
) -> _ProofOutcome:
    label = _label(proof) if in_set else None
    try:
        parsed = read_proof_object(proof)
        secured = _chained_input(unsecured, parsed, by_id)
    except UnsupportedSuiteError as error:
        skipped = make_proof_check("proof", CheckStatus.SKIPPED, _UNSUPPORTED, error.detail)
        return _ProofOutcome(_labelled([skipped], label), None, error.detail)
    except CredentialFormatError as error:
        failed = make_proof_check("proof", CheckStatus.FAILED, BAD_PROOF, error.detail)
        return _ProofOutcome(_labelled([failed], label), None, error.detail)
    if parsed.purpose != "assertionMethod":
        wrong = make_proof_check("proof", CheckStatus.FAILED, _WRONG_PURPOSE, parsed.purpose)
        return _ProofOutcome(_labelled([wrong], label), None, parsed.purpose)
    checks, key = _key_checks(parsed, ctx, web_scheme)
    if key is None:
        # key_resolution already says why; there is no key to link to the issuer.
        return _ProofOutcome(_labelled(checks, label), None, "no key")
    checks += _verify_input(secured, parsed, key.public_key, loader)
    link = link_issuer(issuer_id(unsecured), key, ctx.fetcher, web_scheme=web_scheme)
    return _ProofOutcome(_labelled(checks, label), link.binding, link.reason)


def _chained_input(
    unsecured: JsonObject, proof: ProofInput, by_id: dict[str, JsonObject]
) -> JsonObject:
    """What a proof signed: the document, plus the proofs it names in ``previousProof``."""
    if not proof.previous:
        return unsecured
    missing = [name for name in proof.previous if name not in by_id]
    if missing:
        raise CredentialFormatError(f"previousProof names an absent proof: {missing[0]}")
    return {**unsecured, "proof": [by_id[name] for name in proof.previous]}


def _key_checks(
    proof: ProofInput, ctx: VerificationContext, web_scheme: str
) -> tuple[list[Check], ResolvedKey | None]:
    """The key_resolution check, and the key when one was found."""
    try:
        resolved = resolve_key(proof.verification_method, ctx.fetcher, web_scheme=web_scheme)
    except UnsupportedMethodError as error:
        skipped = make_proof_check("key_resolution", CheckStatus.SKIPPED, _NO_KEY, error.detail)
        return [skipped, make_proof_check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN)], None
    except KeyResolutionError as error:
        failed = make_proof_check("key_resolution", CheckStatus.FAILED, _NO_KEY, error.detail)
        return [failed, make_proof_check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN)], None
    except FetchError as error:
        skipped = make_proof_check(
            "key_resolution", CheckStatus.SKIPPED, _KEY_UNREACHABLE, error.detail
        )
        return [skipped, make_proof_check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN)], None
    return [make_proof_check("key_resolution", CheckStatus.PASSED, _KEY_FOUND, resolved.id)], (
        resolved
    )


def _issuer_binding(outcomes: list[_ProofOutcome]) -> Check | None:
    """Met by any proof with an issuer's key; failed only when every key was disproved."""
    judged = [outcome for outcome in outcomes if outcome.binding is not None]
    if not judged:
        return None
    for outcome in judged:
        if outcome.binding is Binding.PROVEN:
            return make_proof_check("issuer_binding", CheckStatus.PASSED, _BOUND, outcome.reason)
    unknown = [outcome for outcome in judged if outcome.binding is Binding.UNKNOWN]
    if unknown:
        reason = unknown[0].reason
        return make_proof_check("issuer_binding", CheckStatus.SKIPPED, _NOT_LINKED, reason)
    reason = judged[0].reason
    return make_proof_check("issuer_binding", CheckStatus.FAILED, _NOT_BOUND, reason)


def issuer_id(document: JsonObject) -> str | None:
    """The credential's issuer identifier (``issuer`` or ``issuer.id``)."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def verify_signature(
    document: JsonObject, proof: ProofInput, public_key: PublicKey, loader: ContextLoader
) -> list[Check]:
    """The ``proof`` check, plus ``context``/``canonicalization`` when they apply, for a key
    and a single-proof ``document``."""
    return _verify_input(unsecured_document(document), proof, public_key, loader)


def _verify_input(
    secured: JsonObject, proof: ProofInput, public_key: PublicKey, loader: ContextLoader
) -> list[Check]:
    """Verify ``proof`` over ``secured``: the document without proofs, or with the proofs a
    chained proof names."""
    config = proof_configuration(secured, proof.options)
    if proof.suite == ECDSA_SD:
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            return [make_proof_check("proof", CheckStatus.FAILED, WRONG_KEY_TYPE, "P-256")]
        if public_key.curve.name != "secp256r1":
            # No published vector settles the hashes for other curves: do not guess.
            detail = f"ecdsa-sd-2023 with a {public_key.curve.name} key"
            return [make_proof_check("proof", CheckStatus.SKIPPED, _UNSUPPORTED, detail)]
        return verify_derived_proof(secured, config, proof.proof_value, public_key, loader)
    if proof.suite in ECDSA_SUITES:
        return verify_ecdsa(secured, config, proof, public_key, loader)
    return verify_eddsa(secured, config, proof, public_key, loader)


def _label(proof: JsonObject) -> str:
    proof_id = proof.get("id")
    method = proof.get("verificationMethod")
    return str(proof_id) if isinstance(proof_id, str) else f"proof by {method}"


def _labelled(checks: list[Check], label: str | None) -> list[Check]:
    """In a proof set, each check names the proof it belongs to."""
    if label is None:
        return checks
    return [
        replace(check, detail=f"{label}: {check.detail}" if check.detail else label)
        for check in checks
    ]


_UNSUPPORTED = Message(
    "The credential is signed with a method Plecak cannot check yet.",
    "Poświadczenie podpisano metodą, której Plecak jeszcze nie umie sprawdzić.",
)
_WRONG_PURPOSE = Message(
    "The proof was not made for asserting a credential (wrong proof purpose).",
    "Dowód nie służy do potwierdzania poświadczeń (niewłaściwy cel dowodu).",
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
_NOT_LINKED = Message(
    "It could not be confirmed that the signing key belongs to the issuer named in the credential.",
    "Nie udało się potwierdzić, że klucz podpisu należy do wystawcy wskazanego w poświadczeniu.",
)
