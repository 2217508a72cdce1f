"""Trust in sealed credentials (JAdES, XAdES): the certificate, its anchor, and when it signed.

``trust`` asks whether the sealing certificate chains to one of ``ctx.trust_anchors`` and was
valid when the seal was made. A chain to no configured anchor is a WARNING, not a failure: EDC
seals come from many national trust lists and the wallet may not know that list.

When is "when the seal was made"? ETSI EN 319 102-1: a signature time-stamp by a trusted
time-stamping authority is a proof of existence at its time; then the certificate is judged at
that time. Without one, it is judged at ``ctx.at``: a certificate that has expired since is
INDETERMINATE (the ``trust`` check is skipped, the verdict unverifiable), not a forgery. A
certificate not yet valid, a broken chain, or a time-stamp after expiry FAILS.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from wallet.errors import CredentialFormatError
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.timestamps import verify_timestamp_token

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509


class Chain(enum.Enum):
    """How a certificate chain fared against the configured anchors at one moment."""

    TRUSTED = "trusted"
    UNKNOWN_ANCHOR = "unknown_anchor"
    INVALID_AT_MOMENT = "validity"
    BROKEN = "broken"


@dataclass(frozen=True)
class Existence:
    """A signature time-stamp's outcome: its ``timestamp`` check and the time it proves."""

    check: Check
    time: datetime | None


def validate_chain(
    certificates: tuple[x509.Certificate, ...], anchors: tuple[bytes, ...], moment: datetime
) -> tuple[Chain, str | None]:
    """Whether ``certificates[0]`` chains through the rest to one of ``anchors`` at ``moment``."""
    # Loaded only when a chain is built: the path validator and asyncio slow every start-up.
    import asyncio

    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        ExpiredError,
        NotYetValidError,
        PathBuildingError,
        PathValidationError,
        ValidationError,
    )

    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in anchors],
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(
        _der(certificates[0]),
        intermediate_certs=[_der(c) for c in certificates[1:]],
        validation_context=context,
    )
    try:
        asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except PathBuildingError as error:
        return Chain.UNKNOWN_ANCHOR, str(error)
    except (ExpiredError, NotYetValidError) as error:
        return Chain.INVALID_AT_MOMENT, str(error)
    except (PathValidationError, ValidationError) as error:
        return Chain.BROKEN, str(error)
    return Chain.TRUSTED, None


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
        detail = f"time-stamped after {subject} expired"
        return _trust(CheckStatus.FAILED, "validity", detail=detail)
    if not ctx.trust_anchors:
        return _trust(CheckStatus.SKIPPED, "no_anchors", required=False)
    outcome, problem = validate_chain(certificates, ctx.trust_anchors, moment)
    if outcome is Chain.UNKNOWN_ANCHOR:
        return _trust(CheckStatus.WARNING, outcome.value, required=False, detail=problem)
    if outcome is not Chain.TRUSTED:
        return _trust(CheckStatus.FAILED, outcome.value, detail=problem)
    at = f"at the time-stamp {moment.isoformat()}" if signed_at else None
    return _trust(CheckStatus.PASSED, "trusted", detail=at)


def timestamp_existence(token: bytes, message: bytes, ctx: VerificationContext) -> Existence:
    """The ``timestamp`` check of a signature time-stamp over ``message``, and what it proves.

    A token proves existence only when it verifies and its authority chains to a configured
    anchor at the time it states; otherwise the seal is judged as if it had no time-stamp.
    """
    try:
        proof = verify_timestamp_token(token, message)
    except CredentialFormatError as error:
        return Existence(_timestamp(CheckStatus.WARNING, "invalid", error.detail), None)
    detail = f"{proof.time.isoformat()} by {proof.authority}"
    if not ctx.trust_anchors:
        return Existence(_timestamp(CheckStatus.SKIPPED, "no_anchors", detail), None)
    outcome, problem = validate_chain(proof.certificates, ctx.trust_anchors, proof.time)
    if outcome is not Chain.TRUSTED:
        reason = f"{detail}: {problem or outcome.value}"
        return Existence(_timestamp(CheckStatus.WARNING, "untrusted", reason), None)
    return Existence(_timestamp(CheckStatus.PASSED, "proven", detail), proof.time)


_TIMESTAMP_MESSAGES = {
    "proven": (
        "A trusted time-stamping authority confirms when the seal was made.",
        "Zaufany urząd znacznika czasu potwierdza, kiedy złożono pieczęć.",
    ),
    "invalid": (
        "The seal's time-stamp does not match it, so it proves nothing about when it was made.",
        "Znacznik czasu pieczęci do niej nie pasuje, więc nie dowodzi, kiedy ją złożono.",
    ),
    "untrusted": (
        "The seal's time-stamp comes from an authority this wallet does not trust.",
        "Znacznik czasu pieczęci pochodzi od urzędu, któremu portfel nie ufa.",
    ),
    "no_anchors": (
        "No trust list is configured, so the seal's time-stamp was not relied on.",
        "Nie skonfigurowano listy zaufania, więc nie oparto się na znaczniku czasu pieczęci.",
    ),
}


def _timestamp(status: CheckStatus, reason: str, detail: str) -> Check:
    en, pl = _TIMESTAMP_MESSAGES[reason]
    return make_check("timestamp", status, en, pl, required=False, detail=detail)


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


def _der(certificate: x509.Certificate) -> asn1_x509.Certificate:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
