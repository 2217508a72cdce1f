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

import base64
import binascii
import hmac
from dataclasses import dataclass

from cryptography import x509

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
from wallet.verification.seal_trust import Existence, timestamp_existence, trust_check

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
    existence = signature_timestamp(seal, ctx) if valid else None
    if existence is not None:
        checks.append(existence.check)
    signed_at = existence.time if existence is not None else None
    return [*checks, trust_check(certificates, ctx, signed_at=signed_at)]


def signature_timestamp(seal: JadesSeal, ctx: VerificationContext) -> Existence | None:
    """The seal's first ``sigTst`` token judged over its signature value; None if it has none."""
    token = _signature_timestamp_token(seal.unprotected)
    if token is None:
        return None
    return timestamp_existence(token, seal.signature, ctx)


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
