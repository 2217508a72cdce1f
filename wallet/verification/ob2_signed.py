"""Signed Open Badges 2.0 verification: a JWS by a key the issuer Profile publishes and owns."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from wallet import importing
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.jose import OB2_ALGORITHMS, algorithm_of, split_compact, verify_signature
from wallet.verification.ob2_documents import (
    BadgeDocuments,
    Unavailable,
    document_warnings,
    fetch_document,
    load_badge_documents,
    revoked_check,
    schema_check,
    strings,
    unavailable_check,
)
from wallet.verification.report import Check, CheckStatus, make_check

# RSA and ECDSA only: "none" and shared-secret HMACs can never prove who signed.
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


@dataclass(frozen=True)
class SignedText:
    """A compact JWS split for verification."""

    alg: str
    signing_input: bytes
    signature: bytes
    assertion: JsonObject
    legacy: bool = False


@dataclass(frozen=True)
class IssuerKey:
    """A key document: its id, the Profile that claims it and the key itself."""

    key_id: str
    owner: str | None
    public_key: PublicKey


def verify_signed(
    secured: str | None, ctx: VerificationContext
) -> tuple[list[Check], JsonObject | None]:
    """Checks for a signed assertion, and the assertion exactly as signed."""
    if secured is None:
        return [_proof(CheckStatus.SKIPPED, "only the JSON was imported, not the signature")], None
    try:
        signed = split_signed(secured)
    except CredentialFormatError as error:
        return [_proof(CheckStatus.FAILED, error.detail)], None
    documents = load_badge_documents(signed.assertion, ctx, legacy=signed.legacy)
    if isinstance(documents, Unavailable):
        codes = ("schema", "key_resolution", "proof", "revocation")
        return [unavailable_check(code, documents) for code in codes], signed.assertion
    checks = [schema_check(signed.assertion, documents), *document_warnings(documents)]
    checks += _key_checks(signed, documents, ctx)
    checks.append(_revocation_check(signed.assertion, documents.issuer, ctx))
    return checks, signed.assertion


def split_signed(text: str) -> SignedText:
    """Decode a compact JWS whose payload is an OB assertion (legacy ones upgraded)."""
    jws = split_compact(text)
    alg = algorithm_of(jws.header, OB2_ALGORITHMS)
    payload = parse_json_object(jws.payload)
    legacy = importing.legacy_version(payload) is not None
    if legacy:
        payload = importing.upgrade_legacy_assertion(payload)
    return SignedText(alg, jws.signing_input, jws.signature, payload, legacy)


def signature_valid(signed: SignedText, key: PublicKey) -> bool:
    """Whether the JWS signature verifies under ``key`` with the header's algorithm."""
    return verify_signature(signed.alg, signed.signing_input, signed.signature, key)


def _key_checks(
    signed: SignedText, documents: BadgeDocuments, ctx: VerificationContext
) -> list[Check]:
    issuer = documents.issuer
    listed = _listed_keys(issuer.get("publicKey"))
    verification = signed.assertion.get("verification", signed.assertion.get("verify"))
    creator = verification.get("creator") if isinstance(verification, dict) else None
    candidates = [creator] if isinstance(creator, str) else sorted(listed)
    if not candidates:
        return [_key_resolution(CheckStatus.FAILED, "the issuer profile lists no publicKey")]
    keys: list[IssuerKey] = []
    for key_id in candidates:
        resolved = _resolve_key(key_id, issuer.get("publicKey"), ctx)
        if isinstance(resolved, Check):
            return [resolved]
        keys.append(resolved)
    checks = [_key_resolution(CheckStatus.PASSED, ", ".join(candidates))]
    checks.append(_binding_check(keys, listed, issuer.get("id")))
    valid = any(signature_valid(signed, key.public_key) for key in keys)
    checks.append(_proof(CheckStatus.PASSED if valid else CheckStatus.FAILED, signed.alg))
    return checks


def _resolve_key(key_id: str, published: JsonValue, ctx: VerificationContext) -> IssuerKey | Check:
    embedded = next(
        (k for k in _as_list(published) if isinstance(k, dict) and k.get("id") == key_id), None
    )
    document = embedded if embedded and "publicKeyPem" in embedded else None
    if document is None:
        retrieved = fetch_document(ctx, key_id)
        if retrieved.document is None:
            reason = retrieved.problem or "no document"
            return unavailable_check("key_resolution", Unavailable(key_id, reason))
        document = retrieved.document
    pem = document.get("publicKeyPem")
    try:
        public_key = (
            serialization.load_pem_public_key(pem.encode()) if isinstance(pem, str) else None
        )
    except (ValueError, TypeError):
        public_key = None
    if not isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return _key_resolution(CheckStatus.FAILED, f"{key_id} holds no usable RSA or EC public key")
    owner = document.get("owner")
    return IssuerKey(key_id, owner if isinstance(owner, str) else None, public_key)


def _binding_check(keys: list[IssuerKey], listed: set[str], issuer_id: JsonValue) -> Check:
    """Two-way link: the Profile lists the key, and the key names the Profile as owner."""
    problems = [
        f"{k.key_id} is not listed in the issuer's publicKey"
        for k in keys
        if k.key_id not in listed
    ]
    problems += [f"{k.key_id} is owned by {k.owner}" for k in keys if k.owner != issuer_id]
    if problems:
        return make_check(
            "issuer_binding",
            CheckStatus.FAILED,
            "The signing key does not belong to the badge's issuer.",
            "Klucz, którym podpisano odznakę, nie należy do jej wystawcy.",
            detail="; ".join(problems),
        )
    return make_check(
        "issuer_binding",
        CheckStatus.PASSED,
        "The signing key belongs to the badge's issuer.",
        "Klucz, którym podpisano odznakę, należy do jej wystawcy.",
    )


def _revocation_check(assertion: JsonObject, issuer: JsonObject, ctx: VerificationContext) -> Check:
    if assertion.get("revoked") is True:
        return revoked_check("revoked: true")
    list_url = issuer.get("revocationList")
    if not isinstance(list_url, str):
        return make_check(
            "revocation",
            CheckStatus.SKIPPED,
            "The issuer publishes no revocation list for its signed badges.",
            "Wystawca nie publikuje listy unieważnionych odznak podpisanych.",
            required=False,
        )
    retrieved = fetch_document(ctx, list_url)
    if retrieved.document is None:
        return unavailable_check("revocation", Unavailable(list_url, retrieved.problem or ""))
    revoked = _revoked_ids(retrieved.document.get("revokedAssertions"))
    identifiers = {v for v in (assertion.get("id"), assertion.get("uid")) if isinstance(v, str)}
    if identifiers & revoked:
        return revoked_check(f"listed in {list_url}")
    return make_check(
        "revocation",
        CheckStatus.PASSED,
        "The issuer has not revoked this badge.",
        "Wystawca nie unieważnił tej odznaki.",
        detail=list_url,
    )


def _revoked_ids(entries: JsonValue) -> set[str]:
    found: set[str] = set()
    for entry in _as_list(entries):
        if isinstance(entry, str):
            found.add(entry)
        elif isinstance(entry, dict):
            found.update(v for v in (entry.get("id"), entry.get("uid")) if isinstance(v, str))
    return found


def _listed_keys(published: JsonValue) -> set[str]:
    listed = set(strings(published))
    for key in _as_list(published):
        key_id = key.get("id") if isinstance(key, dict) else None
        if isinstance(key_id, str):
            listed.add(key_id)
    return listed


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else [value]


def _proof(status: CheckStatus, detail: str) -> Check:
    messages = {
        CheckStatus.PASSED: (
            "The issuer's signature is valid.",
            "Podpis wystawcy jest prawidłowy.",
        ),
        CheckStatus.FAILED: (
            "The signature does not match: the badge was changed or signed by someone else.",
            "Podpis się nie zgadza: odznakę zmieniono albo podpisał ją ktoś inny.",
        ),
        CheckStatus.SKIPPED: (
            "The badge's signature is missing, so it cannot be checked.",
            "Brak podpisu odznaki, więc nie można jej sprawdzić.",
        ),
    }
    en, pl = messages[status]
    return make_check("proof", status, en, pl, detail=detail)


def _key_resolution(status: CheckStatus, detail: str) -> Check:
    if status is CheckStatus.PASSED:
        en, pl = "The issuer's public key was found.", "Znaleziono klucz publiczny wystawcy."
    else:
        en = "The issuer's public key cannot be used to check the signature."
        pl = "Klucza publicznego wystawcy nie można użyć do sprawdzenia podpisu."
    return make_check("key_resolution", status, en, pl, detail=detail)
