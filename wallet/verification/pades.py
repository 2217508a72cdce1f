"""Signed PDF certificates (PAdES): each signature's integrity, changes, signer, time and trust.

pyHanko validates; this module turns its findings into the wallet's checks. They are kept apart
on purpose: an intact signature says nothing about who signed, and a trusted signer says nothing
about changes made afterwards. Revocation data embedded in the document (its security store)
comes first; without it, the signer's CRL is fetched through the guarded fetcher, which an
offline run refuses.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from wallet.verification.context import VerificationContext
from wallet.verification.pdf_revocation import (
    REVOKED,
    RevocationSource,
    online_context,
    revocation_check,
)
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.revocation_lists import distribution_point_urls

logger = logging.getLogger(__name__)

# A chain that reaches no configured anchor, as pyHanko names it.
_UNKNOWN_ANCHOR = AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND
_ALLOWED_LATER_CHANGES = (ModificationLevel.FORM_FILLING, ModificationLevel.ANNOTATIONS)
_SEVERITY = {
    CheckStatus.PASSED: 0,
    CheckStatus.WARNING: 1,
    CheckStatus.SKIPPED: 2,
    CheckStatus.FAILED: 3,
}


@dataclass(frozen=True)
class SignatureFinding:
    """What pyHanko established about one signature, and when it was made."""

    field: str
    status: PdfSignatureStatus
    signed_at: datetime | None
    proven_time: bool
    checked_at: datetime
    later_fields: frozenset[str]
    revocation: PdfSignatureStatus | None
    revocation_source: RevocationSource | None


_Judge = Callable[[SignatureFinding], Check]


def verify_pdf(data: bytes, ctx: VerificationContext) -> list[Check]:
    """The checks of a PDF certificate; an unsigned PDF gives one skipped check."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        findings = _validate_all(reader, signatures, ctx)
    except (PdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        logger.info("PDF signature could not be read: %s", error)
        return [
            make_check(
                "pdf_integrity",
                CheckStatus.FAILED,
                "The document's signature cannot be read: the file is damaged.",
                "Nie można odczytać podpisu dokumentu: plik jest uszkodzony.",
                detail=str(error)[:300],
            )
        ]
    if not findings:
        return [
            make_check(
                "pdf_integrity",
                CheckStatus.SKIPPED,
                "Not verifiable: the document carries no digital signature.",
                "Nie da się zweryfikować: dokument nie ma podpisu cyfrowego.",
            )
        ]
    return [
        _combined(findings, _integrity),
        _combined(findings, _signer),
        _combined(findings, _modified),
        _combined(findings, _signing_time),
        _combined(findings, _expiry),
        _combined(findings, _trust),
        _combined(findings, _revocation),
    ]


def _validate_all(
    reader: PdfFileReader, signatures: list[EmbeddedPdfSignature], ctx: VerificationContext
) -> list[SignatureFinding]:
    anchors = [asn1_x509.Certificate.load(der) for der in ctx.trust_anchors]
    store = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    findings = []
    for index, signature in enumerate(signatures):
        claimed = signature.self_reported_timestamp
        first = validate_pdf_signature(signature, _context(anchors, None, claimed or ctx.at))
        timestamp = first.timestamp_validity
        proven = timestamp is not None and timestamp.intact and timestamp.valid
        signed_at = timestamp.timestamp if proven and timestamp else claimed
        status = first
        if proven and signed_at is not None and signed_at != claimed:
            # Judge the signer's certificate when the timestamp proves the signature existed.
            status = validate_pdf_signature(signature, _context(anchors, None, signed_at))
        moment = signed_at or ctx.at
        revocation, source = None, None
        if store is not None:
            revocation = validate_pdf_signature(signature, _context(anchors, store, moment))
            source = RevocationSource.EMBEDDED
        elif distribution_point_urls(status.signing_cert):
            online = online_context(anchors, moment, ctx.fetcher)
            revocation = validate_pdf_signature(signature, online)
            source = RevocationSource.ONLINE
        findings.append(
            SignatureFinding(
                field=signature.field_name,
                status=status,
                signed_at=signed_at,
                proven_time=proven,
                checked_at=ctx.at,
                later_fields=frozenset(s.field_name for s in signatures[index + 1 :]),
                revocation=revocation,
                revocation_source=source,
            )
        )
    return findings


def _context(
    anchors: list[asn1_x509.Certificate], store: DocumentSecurityStore | None, moment: datetime
) -> ValidationContext:
    """Path building at ``moment``; with ``store``, its revocation data must cover the path."""
    if store is not None:
        return store.as_validation_context(
            {
                "trust_roots": anchors,
                "allow_fetching": False,
                "moment": moment,
                "revocation_mode": "require",
            }
        )
    return ValidationContext(
        trust_roots=anchors, allow_fetching=False, moment=moment, revocation_mode="soft-fail"
    )


def _combined(findings: list[SignatureFinding], judge: _Judge) -> Check:
    """One check over every signature: the worst finding speaks, every detail is kept."""
    checks = [judge(finding) for finding in findings]
    worst = max(checks, key=lambda check: _SEVERITY[check.status])
    if len(checks) == 1:
        return worst
    details = "; ".join(
        f"{f.field}: {c.detail or c.status.value}" for f, c in zip(findings, checks, strict=True)
    )
    return Check(worst.code, worst.status, worst.message, worst.required, details)


def subject_name(name: asn1_x509.Name) -> str:
    """A certificate name as people read it: "common name (organisation, country)"."""
    parts = name.native
    common = parts.get("common_name") or parts.get("organization_name") or name.human_friendly
    rest = [
        str(parts[key])
        for key in ("organization_name", "country_name")
        if parts.get(key) and parts[key] != common
    ]
    return f"{common} ({', '.join(rest)})" if rest else str(common)


def _integrity(finding: SignatureFinding) -> Check:
    status = finding.status
    if status.intact and status.valid:
        return make_check(
            "pdf_integrity",
            CheckStatus.PASSED,
            "Signature intact: the signed content has not been altered.",
            "Podpis nienaruszony: podpisana treść nie została zmieniona.",
        )
    return make_check(
        "pdf_integrity",
        CheckStatus.FAILED,
        "The signature does not match the document: it was altered after signing.",
        "Podpis nie pasuje do dokumentu: zmieniono go po podpisaniu.",
        detail=f"intact={status.intact}, valid={status.valid}",
    )


def _signer(finding: SignatureFinding) -> Check:
    subject = subject_name(finding.status.signing_cert.subject)
    return make_check(
        "signer",
        CheckStatus.PASSED,
        f"Signed by {subject}, as the certificate states.",
        f"Podpisał: {subject} (według certyfikatu).",
        required=False,
        detail=subject,
    )


def _modified(finding: SignatureFinding) -> Check:
    diff = finding.status.diff_result
    level = getattr(diff, "modification_level", None)
    if level is None or level is ModificationLevel.OTHER or not finding.status.docmdp_ok:
        return make_check(
            "pdf_modified",
            CheckStatus.FAILED,
            "The document was changed after it was signed in a way signing does not allow.",
            "Dokument zmieniono po podpisaniu w sposób, na który podpis nie pozwala.",
            detail=str(diff)[:300],
        )
    changed = frozenset(getattr(diff, "changed_form_fields", ()))
    only_signed_later = bool(changed) and changed <= finding.later_fields
    if level in _ALLOWED_LATER_CHANGES and not only_signed_later:
        return make_check(
            "pdf_modified",
            CheckStatus.WARNING,
            "After signing, only form fields or comments were added, which signing allows.",
            "Po podpisaniu dodano tylko pola formularza lub komentarze, na co podpis pozwala.",
            required=False,
            detail=level.name.lower(),
        )
    return make_check(
        "pdf_modified",
        CheckStatus.PASSED,
        "Nothing was changed after signing.",
        "Po podpisaniu niczego nie zmieniono.",
    )


def _signing_time(finding: SignatureFinding) -> Check:
    stamp = finding.status.timestamp_validity
    when = finding.signed_at.isoformat() if finding.signed_at else None
    if stamp is not None and not finding.proven_time:
        return make_check(
            "signing_time",
            CheckStatus.FAILED,
            "The signature's timestamp is damaged.",
            "Znacznik czasu podpisu jest uszkodzony.",
            detail=finding.field,
        )
    if finding.proven_time:
        return make_check(
            "signing_time",
            CheckStatus.PASSED,
            "A timestamp authority confirms when the document was signed.",
            "Urząd znacznika czasu potwierdza, kiedy podpisano dokument.",
            detail=when,
        )
    return make_check(
        "signing_time",
        CheckStatus.WARNING,
        "Only the signer states when the document was signed; no timestamp confirms it.",
        "Czas podpisania podaje tylko podpisujący; nie potwierdza go znacznik czasu.",
        required=False,
        detail=when,
    )


def _expiry(finding: SignatureFinding) -> Check:
    certificate = finding.status.signing_cert
    not_before = certificate.not_valid_before
    not_after = certificate.not_valid_after
    signed_at = finding.signed_at or finding.status.validation_time
    if signed_at is not None and not not_before <= signed_at <= not_after:
        return make_check(
            "expiry",
            CheckStatus.FAILED,
            "The signer's certificate was not valid when the document was signed.",
            "Certyfikat podpisującego nie był ważny w chwili podpisania dokumentu.",
            detail=f"valid {not_before.isoformat()} to {not_after.isoformat()}",
        )
    # ETSI EN 319 102-1: expired since, with no proof of existence before, is indeterminate.
    if finding.checked_at > not_after and not finding.proven_time:
        return make_check(
            "expiry",
            CheckStatus.SKIPPED,
            "The signer's certificate has expired and no timestamp proves the document was "
            "signed before that.",
            "Certyfikat podpisującego wygasł, a żaden znacznik czasu nie dowodzi, że dokument "
            "podpisano wcześniej.",
            detail=f"expired {not_after.isoformat()}",
        )
    return make_check(
        "expiry",
        CheckStatus.PASSED,
        "The signer's certificate was valid when the document was signed.",
        "Certyfikat podpisującego był ważny w chwili podpisania dokumentu.",
        detail=f"valid until {not_after.isoformat()}",
    )


def _trust(finding: SignatureFinding) -> Check:
    problem = finding.status.trust_problem_indic
    if problem is None:
        path = finding.status.validation_path
        anchor = subject_name(path.trust_anchor.authority.name) if path is not None else None
        return make_check(
            "signer_trust",
            CheckStatus.PASSED,
            "Signer trusted: the certificate leads to an authority in your trust list.",
            "Zaufany podpisujący: certyfikat prowadzi do urzędu z Twojej listy zaufania.",
            detail=anchor,
        )
    if problem is _UNKNOWN_ANCHOR:
        return make_check(
            "signer_trust",
            CheckStatus.SKIPPED,
            "Signer not in your trust list: who signed cannot be confirmed.",
            "Podpisującego nie ma na Twojej liście zaufania: nie da się potwierdzić, kto podpisał.",
            detail=subject_name(finding.status.signing_cert.issuer),
        )
    if problem in REVOKED or problem in (
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.EXPIRED,
    ):
        # Judged by the revocation and expiry checks.
        return make_check(
            "signer_trust",
            CheckStatus.PASSED,
            "The certificate leads to an authority in your trust list.",
            "Certyfikat prowadzi do urzędu z Twojej listy zaufania.",
            detail=str(problem),
        )
    return make_check(
        "signer_trust",
        CheckStatus.FAILED,
        "The signer's certificate chain is broken or not allowed for signing.",
        "Łańcuch certyfikatów podpisującego jest uszkodzony albo niedozwolony do podpisu.",
        detail=str(problem),
    )


def _revocation(finding: SignatureFinding) -> Check:
    return revocation_check(finding.revocation, finding.revocation_source)
