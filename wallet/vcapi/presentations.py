"""The holder's side of a presentation: the JOSE-secured ``EnvelopedVerifiablePresentation``.

VC Data Model 2.0 carries a presentation secured as a JWT (``application/vp+jwt``) in the
``id`` of an ``EnvelopedVerifiablePresentation`` as a ``data:`` URL. Its signature must be the
holder's, its key must belong to the presentation's ``holder``, and, when the verifier gave a
challenge or domain, its ``nonce`` and ``aud`` must be those.
"""

from __future__ import annotations

from dataclasses import dataclass

from wallet.errors import CredentialFormatError, ValidationError, WalletError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.issuer_keys import issuer_binding_check
from wallet.verification.jose import (
    SigningKey,
    algorithm_of,
    resolve_header_key,
    split_compact,
    verify_signature,
)
from wallet.verification.report import Check, CheckStatus, make_check

_ENVELOPED_PRESENTATION_TYPES = ("data:application/vp+jwt",)


@dataclass(frozen=True)
class OpenedPresentation:
    """The presentation inside the envelope, and the checks of the holder's signature."""

    presentation: JsonObject
    checks: tuple[Check, ...]


def is_enveloped_presentation(presentation: JsonObject) -> bool:
    """Whether ``presentation`` is a VCDM 2.0 ``EnvelopedVerifiablePresentation``."""
    types = presentation.get("type")
    listed = types if isinstance(types, list) else [types]
    return "EnvelopedVerifiablePresentation" in listed


def open_enveloped_presentation(
    presentation: JsonObject,
    ctx: VerificationContext,
    *,
    audience: str | None,
    nonce: str | None,
) -> OpenedPresentation:
    """Read and check a ``vp+jwt`` envelope; ``ValidationError`` when it cannot be read."""
    data_url = presentation.get("id")
    media, _, token = data_url.partition(",") if isinstance(data_url, str) else ("", "", "")
    if media not in _ENVELOPED_PRESENTATION_TYPES:
        raise ValidationError("an enveloped presentation must be a data:application/vp+jwt URL")
    try:
        jws = split_compact(token)
        alg = algorithm_of(jws.header)
        claims = parse_json_object(jws.payload)
    except CredentialFormatError as error:
        raise ValidationError(
            f"the enveloped presentation cannot be read: {error.detail}"
        ) from None
    inner = claims.get("vp", claims)
    if not isinstance(inner, dict):
        raise ValidationError("the enveloped presentation carries no presentation")
    holder = _holder(inner, claims)
    try:
        key = resolve_header_key(jws.header, ctx.fetcher, issuer=holder, web_scheme=ctx.web_scheme)
    except WalletError as error:
        return OpenedPresentation(inner, (_key_unusable(error),))
    signed = verify_signature(alg, jws.signing_input, jws.signature, key.public_key)
    checks = [_signature_check(signed), _holder_check(key, holder, ctx)]
    checks.append(_freshness_check(claims, audience, nonce))
    return OpenedPresentation(inner, tuple(checks))


def _holder(presentation: JsonObject, claims: JsonObject) -> str | None:
    holder: JsonValue = presentation.get("holder", claims.get("iss"))
    if isinstance(holder, dict):
        holder = holder.get("id")
    return holder if isinstance(holder, str) and holder else None


def _signature_check(signed: bool) -> Check:
    if signed:
        return make_check(
            "presentation_proof",
            CheckStatus.PASSED,
            "The holder's signature on the presentation is valid.",
            "Podpis posiadacza na prezentacji jest prawidłowy.",
        )
    return make_check(
        "presentation_proof",
        CheckStatus.FAILED,
        "The holder's signature on the presentation does not match.",
        "Podpis posiadacza na prezentacji się nie zgadza.",
    )


def _key_unusable(error: WalletError) -> Check:
    status = CheckStatus.SKIPPED if error.code == "fetch" else CheckStatus.FAILED
    return make_check(
        "presentation_proof",
        status,
        "The key the holder signed the presentation with cannot be found.",
        "Nie można znaleźć klucza, którym posiadacz podpisał prezentację.",
        detail=error.detail,
    )


def _holder_check(key: SigningKey, holder: str | None, ctx: VerificationContext) -> Check:
    if holder is None:
        return make_check(
            "presentation_holder",
            CheckStatus.SKIPPED,
            "The presentation does not say who its holder is.",
            "Prezentacja nie wskazuje swojego posiadacza.",
        )
    bound = issuer_binding_check(key, holder, ctx.fetcher, web_scheme=ctx.web_scheme)
    return Check("presentation_holder", bound.status, bound.message, bound.required, bound.detail)


def _freshness_check(claims: JsonObject, audience: str | None, nonce: str | None) -> Check:
    problems = []
    if nonce is not None and claims.get("nonce") != nonce:
        problems.append("the nonce is not the challenge")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience is not None and audience not in audiences:
        problems.append("the aud is not the domain")
    if problems:
        return make_check(
            "presentation_challenge",
            CheckStatus.FAILED,
            "The presentation was not made for this request (challenge or domain).",
            "Prezentacji nie przygotowano dla tego żądania (wyzwanie lub domena).",
            detail="; ".join(problems),
        )
    return make_check(
        "presentation_challenge",
        CheckStatus.PASSED,
        "The presentation answers this request's challenge and domain.",
        "Prezentacja odpowiada na wyzwanie i domenę tego żądania.",
        required=False,
    )
