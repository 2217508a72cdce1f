"""JAdES-sealed European Digital Credentials: the JWS JSON seal and its certificate trust.

Two checks are kept apart on purpose: ``proof`` says the seal matches the leaf certificate's key;
``trust`` says whether that certificate chains to a configured anchor. A chain that builds to
no configured anchor is a WARNING, not a failure: EDC seals come from many national trust lists
and the wallet may simply not know that list; the seal is still intact. A leaf certificate that
is expired (or not yet valid) at ``ctx.at``, or a chain that is broken, FAILS.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass

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
    return JadesSeal(
        protected=protected,
        # RFC 7797: with b64 false the payload goes into the signing input as it stands.
        signing_input=encoded.encode("ascii") + b"." + payload.encode("utf-8"),
        payload=payload.encode("utf-8") if unencoded else decode_base64url(payload),
        signature=decode_base64url(signature),
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
                detail=error.detail,
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
                detail=error.detail,
            )
        ]
    subject = certificates[0].subject.rfc4514_string()
    valid = verify_signature(alg, seal.signing_input, seal.signature, key)
    return [
        make_check(
            "key_resolution",
            CheckStatus.PASSED,
            "The seal's certificate was read.",
            "Odczytano certyfikat pieczęci.",
            detail=subject,
        ),
        proof_check(valid, detail=subject),
        trust_check(certificates, ctx),
    ]


def trust_check(certificates: tuple[x509.Certificate, ...], ctx: VerificationContext) -> Check:
    """``trust``: the leaf is valid at ``ctx.at`` and chains to one of ``ctx.trust_anchors``."""
    leaf = certificates[0]
    if not leaf.not_valid_before_utc <= ctx.at <= leaf.not_valid_after_utc:
        return _trust(CheckStatus.FAILED, "validity", detail=leaf.subject.rfc4514_string())
    if not ctx.trust_anchors:
        return _trust(CheckStatus.SKIPPED, "no_anchors", required=False)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in ctx.trust_anchors],
        moment=ctx.at,
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
    return _trust(CheckStatus.PASSED, "trusted")


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
