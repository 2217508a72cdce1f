"""Whether a PDF signer's certificate was revoked: from the document's own data, or online."""

from __future__ import annotations

import enum
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from wallet.fetching import Fetcher
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.revocation_lists import guarded_fetchers

REVOKED = (
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
)


class RevocationSource(enum.Enum):
    """Where the revocation data came from."""

    EMBEDDED = "embedded"
    ONLINE = "online"


def online_context(
    anchors: list[asn1_x509.Certificate], moment: datetime, fetcher: Fetcher
) -> ValidationContext:
    """Path validation at ``moment`` that must fetch the CRLs, through ``fetcher`` only."""
    return ValidationContext(
        trust_roots=anchors,
        moment=moment,
        allow_fetching=True,
        fetchers=guarded_fetchers(fetcher),
        revocation_mode="hard-fail",
    )


def revocation_check(status: PdfSignatureStatus | None, source: RevocationSource | None) -> Check:
    """The ``revocation`` check from a validation that had to establish revocation."""
    if status is None or source is None:
        return make_check(
            "revocation",
            CheckStatus.SKIPPED,
            "Neither the document nor the certificate gives revocation data to check.",
            "Ani dokument, ani certyfikat nie podają danych o unieważnieniu do sprawdzenia.",
            required=False,
        )
    problem = status.trust_problem_indic
    if problem in REVOKED:
        return make_check(
            "revocation",
            CheckStatus.FAILED,
            "The signer's certificate was revoked.",
            "Certyfikat podpisującego został unieważniony.",
            detail=str(problem),
        )
    if problem is None and source is RevocationSource.EMBEDDED:
        return make_check(
            "revocation",
            CheckStatus.PASSED,
            "Revocation data in the document shows the certificate was not revoked.",
            "Dane o unieważnieniu w dokumencie pokazują, że certyfikatu nie unieważniono.",
        )
    if problem is None:
        return make_check(
            "revocation",
            CheckStatus.PASSED,
            "The issuer's revocation list, fetched now, does not list the certificate.",
            "Pobrana teraz lista unieważnień wystawcy nie zawiera tego certyfikatu.",
        )
    if source is RevocationSource.EMBEDDED:
        return make_check(
            "revocation",
            CheckStatus.SKIPPED,
            "The revocation data in the document does not cover the signer's certificate.",
            "Dane o unieważnieniu w dokumencie nie obejmują certyfikatu podpisującego.",
            required=False,
            detail=str(problem),
        )
    return make_check(
        "revocation",
        CheckStatus.SKIPPED,
        "The issuer's revocation list could not be fetched, so revocation was not checked.",
        "Nie udało się pobrać listy unieważnień wystawcy, więc tego nie sprawdzono.",
        required=False,
        detail=str(problem),
    )
