"""Credentials in text: JSON documents and signed strings, sorted into envelopes by format."""

from __future__ import annotations

import json
from dataclasses import dataclass

from wallet.envelope import CredentialFormat, Envelope
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json, parse_json_object
from wallet.verification.jades import decode_jades
from wallet.verification.jose import split_compact
from wallet.verification.sd_jwt import DisclosureError, parse_sd_jwt, reconstruct

from .jws_text import MAX_SIGNED_TEXT_BYTES, is_compact_jws, is_jades_json, is_sd_jwt
from .legacy_badges import legacy_version, upgrade_legacy_assertion

_OB2_CONTEXT_MARKERS = ("w3id.org/openbadges/v2", "openbadgespec.org/v2")
_EDC_CONTEXT_MARKER = "data.europa.eu/snb/model/context/edc-ap"
_SIGNED_VERIFICATION = frozenset({"signed", "SignedBadge"})
_ENVELOPED_MEDIA_TYPES = ("application/vc+jwt", "application/vc+sd-jwt", "application/dc+sd-jwt")
MAX_NESTED_CREDENTIALS = 500


@dataclass(frozen=True)
class Origin:
    """Where text came from: what every envelope made from it records."""

    source: str
    raw: bytes
    media_type: str
    container: str | None = None


def envelopes_from_text(text: str, origin: Origin, *, allow_url: bool = False) -> list[Envelope]:
    """Envelopes for JSON, a compact JWS, an SD-JWT or (inside a baked image) a hosted URL."""
    stripped = text.strip()
    if stripped.startswith("{"):
        value = parse_json(stripped)
        if not isinstance(value, dict):
            raise CredentialFormatError("expected a JSON object")
        return envelopes_from_json(value, origin)
    if stripped.startswith("["):
        raise CredentialFormatError("a JSON array, not a single credential")
    if is_sd_jwt(stripped):
        return [_sd_jwt_envelope(stripped, origin)]
    if is_compact_jws(stripped):
        return _jws_envelopes(stripped, origin)
    if allow_url and stripped.startswith(("https://", "http://")) and len(stripped.split()) == 1:
        return [_envelope(CredentialFormat.OB2_HOSTED, origin, {"id": stripped})]
    raise CredentialFormatError(
        "text that is neither JSON nor a signed credential (compact JWS or SD-JWT)",
        reason="not_a_credential",
    )


def envelopes_from_json(document: JsonObject, origin: Origin) -> list[Envelope]:
    """Envelopes for one JSON document; a CLR yields itself and each credential inside it."""
    if is_jades_json(document):
        credential = decode_jades(json.dumps(document))
        # The signed payload is a string member, so re-serialising the wrapper keeps it intact.
        secured = json.dumps(document, ensure_ascii=False)
        return [_envelope(CredentialFormat.ELM_JADES, origin, credential, secured)]
    types = _strings(document.get("type"))
    contexts = _strings(document.get("@context"))
    if "EnvelopedVerifiableCredential" in types:
        return _enveloped(document, origin)
    if "ClrCredential" in types:
        clr = _envelope(CredentialFormat.CLR2, origin, document)
        return [clr, *_nested(document, origin)]
    if "EuropeanDigitalCredential" in types or any(_EDC_CONTEXT_MARKER in c for c in contexts):
        return [_envelope(CredentialFormat.ELM_JSONLD, origin, document)]
    if any(marker in c for c in contexts for marker in _OB2_CONTEXT_MARKERS) or (
        "Assertion" in types and not contexts
    ):
        return [_ob2_envelope(document, origin)]
    if legacy_version(document) is not None:
        # Only a JSON document fetched by URL is at that URL (not a baked image's payload).
        fetched_from = origin.source if origin.media_type == "application/json" else None
        return [_ob2_envelope(upgrade_legacy_assertion(document, fetched_from), origin)]
    if "VerifiableCredential" in types:
        if "proof" not in document:
            raise CredentialFormatError("a verifiable credential without a proof")
        return [_envelope(CredentialFormat.VC_DATA_INTEGRITY, origin, document)]
    if not types and not contexts:
        raise CredentialFormatError(
            "JSON that is not a credential: no type or @context", reason="not_a_credential"
        )
    raise CredentialFormatError(
        f"JSON of type {', '.join(types) or 'unknown'} that is not a credential Plecak reads",
        reason="unsupported_credential",
    )


def _ob2_envelope(assertion: JsonObject, origin: Origin) -> Envelope:
    types = _strings(assertion.get("type"))
    if types and "Assertion" not in types:
        raise CredentialFormatError(
            f"an Open Badges 2.0 {types[0]}, not an awarded badge (Assertion)",
            reason="unsupported_credential",
        )
    verification = assertion.get("verification", assertion.get("verify"))
    kind = verification.get("type") if isinstance(verification, dict) else None
    signed = isinstance(kind, str) and kind in _SIGNED_VERIFICATION
    fmt = CredentialFormat.OB2_SIGNED if signed else CredentialFormat.OB2_HOSTED
    return _envelope(fmt, origin, assertion)


def _jws_envelopes(text: str, origin: Origin) -> list[Envelope]:
    if len(text) > MAX_SIGNED_TEXT_BYTES:
        raise CredentialFormatError("the signed text is too large", reason="too_large")
    claims = parse_json_object(split_compact(text).payload)
    if _is_badge_assertion(claims):
        assertion = upgrade_legacy_assertion(claims) if legacy_version(claims) else claims
        return [_envelope(CredentialFormat.OB2_SIGNED, origin, assertion, text)]
    credential = claims.get("vc", claims)
    if not isinstance(credential, dict) or "VerifiableCredential" not in _strings(
        credential.get("type")
    ):
        raise CredentialFormatError(
            "a JWS whose payload is neither an Open Badges assertion nor a verifiable credential",
            reason="unsupported_credential",
        )
    if "ClrCredential" in _strings(credential.get("type")):
        clr = _envelope(CredentialFormat.CLR2, origin, claims, text)
        return [clr, *_nested(credential, origin)]
    return [_envelope(CredentialFormat.VC_JWT, origin, claims, text)]


def _sd_jwt_envelope(text: str, origin: Origin) -> Envelope:
    parsed = parse_sd_jwt(text)
    try:
        claims = reconstruct(parsed).claims
    except DisclosureError:
        # Verification reports the broken disclosures; the record shows what the issuer signed.
        claims = parsed.claims
    return _envelope(CredentialFormat.SD_JWT_VC, origin, claims, text)


def _is_badge_assertion(claims: JsonObject) -> bool:
    if legacy_version(claims) is not None:
        return True
    contexts = _strings(claims.get("@context"))
    if any(marker in c for c in contexts for marker in _OB2_CONTEXT_MARKERS):
        return True
    return "Assertion" in _strings(claims.get("type")) and "badge" in claims


def _nested(credential: JsonObject, origin: Origin) -> list[Envelope]:
    """The credentials a CLR embeds: JSON objects or compact JWS strings."""
    subject = credential.get("credentialSubject")
    entries = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list) or len(entries) > MAX_NESTED_CREDENTIALS:
        raise CredentialFormatError("a CLR whose verifiableCredential is not a list of credentials")
    envelopes: list[Envelope] = []
    for index, entry in enumerate(entries, start=1):
        inner = Origin(
            source=f"{origin.source}#{index}",
            raw=_entry_bytes(entry),
            media_type="application/json" if isinstance(entry, dict) else "text/plain",
            container=origin.source,
        )
        try:
            found = _nested_entry(entry, inner)
        except CredentialFormatError as error:
            raise CredentialFormatError(
                f"{inner.source}: {error.detail}", reason=error.reason
            ) from None
        envelopes.extend(found)
    return envelopes


def _nested_entry(entry: JsonValue, inner: Origin) -> list[Envelope]:
    if isinstance(entry, dict):
        return envelopes_from_json(entry, inner)
    if isinstance(entry, str):
        return envelopes_from_text(entry, inner)
    raise CredentialFormatError("an embedded credential that is neither JSON nor a JWT")


def _enveloped(document: JsonObject, origin: Origin) -> list[Envelope]:
    """VCDM 2.0 EnvelopedVerifiableCredential: the secured form is in a ``data:`` URL."""
    data_url = document.get("id")
    if not isinstance(data_url, str) or "," not in data_url:
        raise CredentialFormatError("an enveloped credential without a data: URL id")
    header, _, body = data_url.partition(",")
    if not header.startswith("data:") or header[5:] not in _ENVELOPED_MEDIA_TYPES:
        raise CredentialFormatError("an enveloped credential of an unsupported media type")
    return envelopes_from_text(body, origin)


def _entry_bytes(entry: JsonValue) -> bytes:
    if isinstance(entry, str):
        return entry.encode()
    return json.dumps(entry, ensure_ascii=False).encode()


def _envelope(
    fmt: CredentialFormat, origin: Origin, payload: JsonObject, secured: str | None = None
) -> Envelope:
    return Envelope(
        format=fmt,
        source=origin.source,
        raw=origin.raw,
        media_type=origin.media_type,
        payload=payload,
        secured=secured,
        container=origin.container,
    )


def _strings(value: JsonValue) -> list[str]:
    """A JSON-LD value that may be one string or a list, as its strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
