"""DIDAuth: a presentation signed by a DID's authentication key, over Plecak's challenge.

The holder proves control of a DID (did:key, did:jwk, did:web) by signing a verifiable
presentation over the challenge and domain Plecak shows: a Data Integrity proof with
``proofPurpose: authentication`` and ``challenge``/``domain``, or a VP-JWT with ``nonce`` and
``aud``. The key must be listed under ``authentication`` in the DID's own document, so a key
the presentation names for itself never confirms a DID.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.errors import N_, CredentialFormatError, FetchError, ValidationError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.models import DidChallenge, HolderIdentifier, IdentifierKind
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import verify_signature as verify_di_signature
from wallet.verification.dids import KeyResolutionError, ResolvedKey, resolve_verification_method
from wallet.verification.jose import algorithm_of, split_compact
from wallet.verification.jose import verify_signature as verify_jws_signature
from wallet.verification.jsonld import ContextLoader
from wallet.verification.proofs import (
    UnsupportedSuiteError,
    proof_objects,
    read_proof_object,
)
from wallet.verification.report import CheckStatus

from .challenges import open_challenge

MAX_PRESENTATION_BYTES = 256 * 1024
SUPPORTED_METHODS = ("did:key:", "did:jwk:", "did:web:")
MAX_DID_LENGTH = 512  # what an identifier column holds
_PURPOSE = "authentication"


class DidAuthError(ValidationError):
    """The presentation does not prove control of a DID for this challenge; code says why."""

    code = "didauth"


@dataclass(frozen=True)
class SignedAnswer:
    """What a presentation claims: the DID, the key it names and the challenge it answers."""

    did: str
    method: str
    challenge: JsonValue
    domains: tuple[JsonValue, ...]
    expires: datetime | None = None


def confirm_did(
    session: Session,
    user_id: int,
    challenge_value: str,
    presentation: str,
    ctx: VerificationContext,
) -> HolderIdentifier:
    """Confirm the DID that signed ``presentation`` over the holder's challenge; caller commits.

    Raises ``DidAuthError`` (or the challenge's own error) naming the problem; on any error
    nothing is written.
    """
    challenge = open_challenge(session, user_id, challenge_value, ctx.at)
    text = presentation.strip()
    if not text:
        raise DidAuthError(N_("Paste or upload the signed presentation."), code="empty")
    if len(text.encode()) > MAX_PRESENTATION_BYTES:
        raise DidAuthError(N_("The presentation is too large."), code="too_large")
    jwt = _jwt_of(text)
    if jwt is not None:
        answer, key = _check_jwt(jwt, ctx)
    else:
        answer, key = _check_data_integrity(_json_of(text), ctx)
    _check_answer(answer, challenge, ctx.at)
    if key.controller != answer.did:
        raise DidAuthError(_NOT_THE_DIDS_KEY, code="controller", detail=key.controller)
    return _confirm(session, user_id, answer.did, challenge, ctx.at)


def _json_of(text: str) -> JsonObject:
    try:
        return parse_json_object(text.encode(), max_bytes=MAX_PRESENTATION_BYTES)
    except CredentialFormatError as error:
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail=error.detail) from None


def _jwt_of(text: str) -> str | None:
    """The compact VP-JWT in ``text``: bare, or in an ``EnvelopedVerifiablePresentation``."""
    if not text.startswith("{"):
        return text
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("type") not in (
        "EnvelopedVerifiablePresentation",
        ["EnvelopedVerifiablePresentation"],
    ):
        return None
    media, _, token = str(document.get("id", "")).partition(",")
    if media != "data:application/vp+jwt":
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail="not a vp+jwt")
    return token


def _check_data_integrity(
    document: JsonObject, ctx: VerificationContext
) -> tuple[SignedAnswer, ResolvedKey]:
    types = document.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail="no presentation type")
    try:
        proofs = [read_proof_object(proof) for proof in proof_objects(document)]
    except (CredentialFormatError, UnsupportedSuiteError) as error:
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail=error.detail) from None
    chosen = [proof for proof in proofs if proof.purpose == _PURPOSE]
    if len(proofs) != 1 or not chosen:
        raise DidAuthError(
            N_("The presentation needs one proof made for authentication."),
            code="proof_purpose",
        )
    proof = chosen[0]
    did = proof.verification_method.split("#", 1)[0]
    _require_holder(document.get("holder"), did)
    domain = proof.options.get("domain")
    answer = SignedAnswer(
        did=did,
        method=proof.verification_method,
        challenge=proof.options.get("challenge"),
        domains=tuple(domain) if isinstance(domain, list) else (domain,),
        expires=_instant(proof.options.get("expires")),
    )
    key = _resolve(answer, ctx)
    loader = ContextLoader(ctx.fetcher, ctx.context_store, strict=ctx.strict_contexts)
    checks = verify_di_signature(document, proof, key.public_key, loader)
    if not checks or any(
        check.status is not CheckStatus.PASSED for check in checks if check.required
    ):
        detail = "; ".join(f"{check.code}: {check.detail}" for check in checks)
        raise DidAuthError(_BAD_SIGNATURE, code="signature", detail=detail)
    return answer, key


def _check_jwt(token: str, ctx: VerificationContext) -> tuple[SignedAnswer, ResolvedKey]:
    try:
        jws = split_compact(token)
        alg = algorithm_of(jws.header)
        claims = parse_json_object(jws.payload)
    except CredentialFormatError as error:
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail=error.detail) from None
    vp = claims.get("vp")
    if not isinstance(vp, dict):
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail="no vp claim")
    did = claims.get("iss")
    if not isinstance(did, str):
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail="no iss claim")
    _require_holder(vp.get("holder"), did)
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise DidAuthError(_NOT_THE_DIDS_KEY, code="controller", detail="the JWT names no kid")
    aud = claims.get("aud")
    exp = claims.get("exp")
    answer = SignedAnswer(
        did=did,
        method=did + kid if kid.startswith("#") else kid,
        challenge=claims.get("nonce"),
        domains=tuple(aud) if isinstance(aud, list) else (aud,),
        expires=datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None,
    )
    key = _resolve(answer, ctx)
    if not verify_jws_signature(alg, jws.signing_input, jws.signature, key.public_key):
        raise DidAuthError(_BAD_SIGNATURE, code="signature", detail=f"{alg} signature")
    return answer, key


def _require_holder(holder: JsonValue, did: str) -> None:
    if isinstance(holder, dict):
        holder = holder.get("id")
    if holder is not None and holder != did:
        raise DidAuthError(_NOT_THE_DIDS_KEY, code="controller", detail=f"holder {holder}")


def _resolve(answer: SignedAnswer, ctx: VerificationContext) -> ResolvedKey:
    """The key named, looked up in the DID's own document under ``authentication``."""
    if not answer.did.startswith(SUPPORTED_METHODS) or len(answer.did) > MAX_DID_LENGTH:
        raise DidAuthError(
            N_("Plecak confirms did:key, did:jwk and did:web identifiers only."),
            code="did_method",
            detail=answer.did[:200],
        )
    if not answer.method.startswith(answer.did + "#"):
        raise DidAuthError(_NOT_THE_DIDS_KEY, code="controller", detail=answer.method[:200])
    try:
        return resolve_verification_method(
            answer.method, ctx.fetcher, purpose=_PURPOSE, web_scheme=ctx.web_scheme
        )
    except KeyResolutionError as error:
        raise DidAuthError(_NOT_THE_DIDS_KEY, code="key", detail=error.detail) from None
    except FetchError as error:
        raise DidAuthError(
            N_("The DID document could not be fetched. Try again later."),
            code="unreachable",
            detail=error.detail,
        ) from None


def _check_answer(answer: SignedAnswer, challenge: DidChallenge, now: datetime) -> None:
    if answer.challenge != challenge.challenge:
        raise DidAuthError(
            N_("The presentation was signed over another challenge than the one shown."),
            code="challenge_mismatch",
        )
    if challenge.domain not in answer.domains:
        raise DidAuthError(
            N_("The presentation was signed for another domain than the one shown."),
            code="domain_mismatch",
        )
    if answer.expires is not None and answer.expires <= now:
        raise DidAuthError(N_("The presentation has expired."), code="presentation_expired")


def _instant(value: JsonValue) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DidAuthError(_UNREADABLE, code="presentation_format", detail="bad expires") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _confirm(
    session: Session, user_id: int, did: str, challenge: DidChallenge, now: datetime
) -> HolderIdentifier:
    identifier = session.scalar(
        select(HolderIdentifier).where(
            HolderIdentifier.user_id == user_id,
            HolderIdentifier.kind == IdentifierKind.DID,
            HolderIdentifier.value == did,
        )
    )
    if identifier is None:
        identifier = HolderIdentifier(user_id=user_id, kind=IdentifierKind.DID, value=did)
        session.add(identifier)
    if identifier.confirmed_at is None:
        identifier.confirmed_at = now
    challenge.used_at = now
    session.flush()
    return identifier


_UNREADABLE = N_(
    "This is not a signed verifiable presentation Plecak can read (JSON with a Data Integrity "
    "proof, or a VP-JWT)."
)
_BAD_SIGNATURE = N_(
    "The presentation's signature does not match: it was changed, or signed with another key "
    "than the one it names."
)
_NOT_THE_DIDS_KEY = N_(
    "The key that signed the presentation is not an authentication key of the DID it names."
)
