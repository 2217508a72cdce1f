"""JAdES-sealed European Digital Credentials: the JWS JSON seal and its certificate trust.

Two checks are kept apart on purpose: ``proof`` says the seal matches the leaf certificate's key;
``trust`` says whether that certificate chains to a configured anchor. A chain that builds to
no configured anchor is a WARNING, not a failure: EDC seals come from many national trust lists
and the wallet may simply not know that list; the seal is still intact.

The certificate is judged at the signing time when a signature time-stamp (``sigTst``) proves
the seal existed then (ETSI EN 319 102-1, proof of existence), else at ``ctx.at``. A leaf not
yet valid, a chain that is broken, or a time-stamp after the certificate expired FAILS; a
certificate that has since expired with no proof of existence is INDETERMINATE: the ``trust``
check is skipped and the verdict unverifiable.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    ValidationError,
)

from wallet.errors import CredentialFormatError, WalletError
from wallet.jsonvalues import JsonObject, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.jose import (
    JADES_ALGORITHMS,
    algorithm_of,
    certificate_sha256,
    certificates_from_x5c,
    leaf_key,
    proof_check,
    verify_signature,
)
from wallet.verification.multibase import decode_base64url
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.timestamps import verify_timestamp_token

# Header parameters a seal may list in ``crit``: RFC 7797's b64 and those JAdES defines.
UNDERSTOOD_CRITICAL = frozenset(
    {"b64", "sigT", "adoTst", "x5t#S256", "x5t#o", "sigX5ts", "srCms", "sigPl", "srAts", "sigPId"}
)


@dataclass(frozen=True)
class JadesSeal:
    """One signature of a JWS JSON serialisation and the bytes it covers."""

    protected: JsonObject
    signing_input: bytes
    payload: bytes
    signature: bytes
    unprotected: JsonObject | None = None


def read_jades(document: str | bytes) -> JadesSeal:
    """Parse a general or flattened JWS JSON serialisation with one signature."""
    data = parse_json_object(document)
    signatures = data.get("signatures", [data])
    if not isinstance(signatures, list) or len(signatures) != 1:
        raise CredentialFormatError("the seal must carry exactly one signature")
    entry = signatures[0]
    payload = data.get("payload")
    if not isinstance(entry, dict) or not isinstance(payload, str):
        raise CredentialFormatError("the seal has no payload or signature")
    encoded = entry.get("protected")
    signature = entry.get("signature")
    if not isinstance(encoded, str) or not isinstance(signature, str):
        raise CredentialFormatError("the seal has no protected header or signature value")
    protected = parse_json_object(decode_base64url(encoded))
    _check_critical(protected)
    unencoded = protected.get("b64") is False
    header = entry.get("header")
    return JadesSeal(
        protected=protected,
        # RFC 7797: with b64 false the payload goes into the signing input as it stands.
        signing_input=encoded.encode("ascii") + b"." + payload.encode("utf-8"),
        payload=payload.encode("utf-8") if unencoded else decode_base64url(payload),
        signature=decode_base64url(signature),
        unprotected=header if isinstance(header, dict) else None,
    )


def decode_jades(document: str | bytes) -> JsonObject:
    """The sealed credential JSON, for the normaliser (not a verification)."""
    return parse_json_object(read_jades(document).payload)


def verify_jades(document: str | bytes, ctx: VerificationContext) -> list[Check]:
    """Checks of a JAdES seal: ``format``, ``key_resolution``, ``proof`` and ``trust``."""
    try:
        seal = read_jades(document)
        alg = algorithm_of(seal.protected, JADES_ALGORITHMS)
        parse_json_object(seal.payload)
    except CredentialFormatError as error:
        return [
            make_check(
                "format",
                CheckStatus.FAILED,
                "This is not a readable sealed European Digital Credential.",
                "To nie jest czytelne opieczętowane Europejskie Poświadczenie Cyfrowe.",
                detail=error.message,
            )
        ]
    try:
        certificates = certificates_from_x5c(seal.protected.get("x5c"))
        key = leaf_key(certificates)
        _check_thumbprint(seal.protected, certificates[0])
    except WalletError as error:
        return [
            make_check(
                "key_resolution",
                CheckStatus.FAILED,
                "The seal does not carry a usable certificate.",
                "Pieczęć nie zawiera użytecznego certyfikatu.",
                detail=error.message,
            )
        ]
    subject = certificates[0].subject.rfc4514_string()
    valid = verify_signature(alg, seal.signing_input, seal.signature, key)
    checks = [
        make_check(
            "key_resolution",
            CheckStatus.PASSED,
            "The seal's certificate was read.",
            "Odczytano certyfikat pieczęci.",
            detail=subject,
        ),
        proof_check(valid, detail=subject),
    ]
    existence = signature_timestamp(seal) if valid else None
    if existence is not None:
        checks.append(existence.check)
    signed_at = existence.time if existence is not None else None
    return [*checks, trust_check(certificates, ctx, signed_at=signed_at)]


def trust_check(
    certificates: tuple[x509.Certificate, ...],
    ctx: VerificationContext,
    *,
    signed_at: datetime | None = None,
) -> Check:
    """``trust``: the leaf is valid when it signed and chains to one of ``ctx.trust_anchors``.

    ``signed_at`` is a proven time of existence (a verified signature time-stamp); without it
    the certificate is judged at ``ctx.at``.
    """
    leaf = certificates[0]
    moment = signed_at or ctx.at
    subject = leaf.subject.rfc4514_string()
    if moment < leaf.not_valid_before_utc:
        return _trust(CheckStatus.FAILED, "validity", detail=subject)
    if moment > leaf.not_valid_after_utc:
        if signed_at is None:
            detail = f"{subject} expired {leaf.not_valid_after_utc.isoformat()}"
            return _trust(CheckStatus.SKIPPED, "expired_no_poe", detail=detail)
        return _trust(
            CheckStatus.FAILED, "validity", detail=f"time-stamped after {subject} expired"
        )
    if not ctx.trust_anchors:
        return _trust(CheckStatus.SKIPPED, "no_anchors", required=False)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in ctx.trust_anchors],
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(
        _der(leaf),
        intermediate_certs=[_der(c) for c in certificates[1:]],
        validation_context=context,
    )
    try:
        asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except PathBuildingError as error:
        return _trust(CheckStatus.WARNING, "unknown_anchor", required=False, detail=str(error))
    except (ExpiredError, NotYetValidError) as error:
        return _trust(CheckStatus.FAILED, "validity", detail=str(error))
    except (PathValidationError, ValidationError) as error:
        return _trust(CheckStatus.FAILED, "broken", detail=str(error))
    at = f"at the time-stamp {moment.isoformat()}" if signed_at else None
    return _trust(CheckStatus.PASSED, "trusted", detail=at)


@dataclass(frozen=True)
class Existence:
    """A signature time-stamp's outcome: its ``timestamp`` check and the time it proves."""

    check: Check
    time: datetime | None


def signature_timestamp(seal: JadesSeal) -> Existence | None:
    """The seal's first ``sigTst`` token verified over its signature value; None if it has none.

    A token that does not verify proves nothing: it is a warning, and the seal is then judged
    as if it had no time-stamp.
    """
    token = _signature_timestamp_token(seal.unprotected)
    if token is None:
        return None
    try:
        proof = verify_timestamp_token(token, seal.signature)
    except CredentialFormatError as error:
        check = make_check(
            "timestamp",
            CheckStatus.WARNING,
            "The seal's time-stamp does not match it, so it proves nothing about when it was made.",
            "Znacznik czasu pieczęci do niej nie pasuje, więc nie dowodzi, kiedy ją złożono.",
            required=False,
            detail=error.message,
        )
        return Existence(check, None)
    check = make_check(
        "timestamp",
        CheckStatus.PASSED,
        "A time-stamping authority confirms when the seal was made.",
        "Urząd znacznika czasu potwierdza, kiedy złożono pieczęć.",
        detail=f"{proof.time.isoformat()} by {proof.authority}",
    )
    return Existence(check, proof.time)


def _signature_timestamp_token(header: JsonObject | None) -> bytes | None:
    """The DER of the first ``etsiU`` ``sigTst`` token (etsiU items clear or base64url JSON)."""
    items = header.get("etsiU") if header else None
    for item in items if isinstance(items, list) else []:
        component = item
        if isinstance(item, str):
            try:
                component = parse_json_object(decode_base64url(item))
            except (CredentialFormatError, ValueError):
                continue
        sig_tst = component.get("sigTst") if isinstance(component, dict) else None
        tokens = sig_tst.get("tstTokens") if isinstance(sig_tst, dict) else None
        first = tokens[0] if isinstance(tokens, list) and tokens else None
        value = first.get("val") if isinstance(first, dict) else None
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error:
                return b""
    return None


_TRUST_MESSAGES = {
    "trusted": (
        "The seal's certificate chains to a trusted authority.",
        "Certyfikat pieczęci prowadzi do zaufanego urzędu.",
    ),
    "no_anchors": (
        "No trust list is configured, so who stands behind the seal was not checked.",
        "Nie skonfigurowano listy zaufania, więc nie sprawdzono, kto stoi za pieczęcią.",
    ),
    "unknown_anchor": (
        "The seal is intact, but its certificate does not lead to an authority this wallet trusts.",
        "Pieczęć jest nienaruszona, ale jej certyfikat nie prowadzi do zaufanego urzędu.",
    ),
    "expired_no_poe": (
        "The seal's certificate has expired and nothing proves the seal was made before that.",
        "Certyfikat pieczęci wygasł i nic nie dowodzi, że pieczęć złożono przed tą datą.",
    ),
    "validity": (
        "The seal's certificate was not valid at the time checked.",
        "Certyfikat pieczęci nie był ważny w sprawdzanym momencie.",
    ),
    "broken": (
        "The seal's certificate chain is broken or not allowed for sealing.",
        "Łańcuch certyfikatów pieczęci jest uszkodzony albo niedozwolony.",
    ),
}


def _trust(
    status: CheckStatus, reason: str, *, required: bool = True, detail: str | None = None
) -> Check:
    en, pl = _TRUST_MESSAGES[reason]
    return make_check("trust", status, en, pl, required=required, detail=detail)


def _check_critical(protected: JsonObject) -> None:
    critical = protected.get("crit", [])
    if not isinstance(critical, list) or not all(isinstance(n, str) for n in critical):
        raise CredentialFormatError("crit must be a list of header names")
    for name in critical:
        if name not in UNDERSTOOD_CRITICAL:
            raise CredentialFormatError(f"critical header {name!r} is not understood")
        if name not in protected:
            raise CredentialFormatError(f"critical header {name!r} is missing")
    if "sigD" in protected:
        raise CredentialFormatError("detached payloads (sigD) are not supported")
    if "b64" in protected and "b64" not in critical:
        raise CredentialFormatError("b64 must be listed in crit")


def _check_thumbprint(protected: JsonObject, leaf: x509.Certificate) -> None:
    expected = protected.get("x5t#S256")
    if expected is None:
        return
    if not isinstance(expected, str) or not hmac.compare_digest(expected, certificate_sha256(leaf)):
        raise CredentialFormatError("x5t#S256 does not match the leaf certificate")


def _der(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
