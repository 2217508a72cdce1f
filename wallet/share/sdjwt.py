"""Real selective disclosure for SD-JWT VCs: a presentation with only the chosen disclosures."""

from __future__ import annotations

from wallet.envelope import CredentialFormat
from wallet.models import Credential, ShareItem
from wallet.verification.sd_jwt import parse_sd_jwt, present_sd_jwt, reconstruct

# Top-level claims each withheld field covers (EUDI learning credential and common names).
GRADE_CLAIMS = frozenset({"assessment_grade", "grade", "result", "score"})
EVIDENCE_CLAIMS = frozenset({"evidence"})
RECIPIENT_CLAIMS = frozenset(
    {"family_name", "given_name", "name", "email", "birth_date", "birthdate", "sub"}
)


def withheld_claims(item: ShareItem) -> frozenset[str]:
    """The claim names the holder chose not to disclose."""
    hidden: set[str] = set()
    if not item.show_grade:
        hidden |= GRADE_CLAIMS
    if not item.show_evidence:
        hidden |= EVIDENCE_CLAIMS
    if not item.show_recipient:
        hidden |= RECIPIENT_CLAIMS
    return frozenset(hidden)


def sd_jwt_presentation(item: ShareItem, credential: Credential) -> str | None:
    """The SD-JWT with only disclosures the holder chose, or ``None`` for other formats.

    No key-binding JWT is attached: Plecak holds no key bound to imported SD-JWT VCs.
    """
    if credential.format is not CredentialFormat.SD_JWT_VC:
        return None
    text = credential.raw.decode("ascii").strip()
    parsed = parse_sd_jwt(text)
    hidden = withheld_claims(item)
    paths = reconstruct(parsed).paths
    reveal = [path for path in paths.values() if path and str(path[0]) not in hidden]
    # Without any reveal the presentation carries no disclosures at all.
    return present_sd_jwt(text, reveal) if reveal else parsed.issuer_token + "~"
