"""Dispatch an envelope to the mapper for its format and compute its Annex I summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from wallet.annex1 import assess_annex1
from wallet.envelope import CredentialFormat, Envelope
from wallet.jsonvalues import JsonObject
from wallet.records import CredentialRecord, Stackability, StackabilityMode

from . import jsonfields as jf
from .map_clr import map_clr, stacked_towards
from .map_elm import map_elm
from .map_ob2 import map_ob2
from .map_ob3 import map_ob3
from .map_pdf import map_pdf
from .map_sdjwt import map_sdjwt

# Raise whenever a mapper changes what it produces: stored records older than this are re-derived.
RECORD_VERSION = 1

_NOTHING_LINKED: Mapping[str, JsonObject] = MappingProxyType({})


def normalise(
    envelope: Envelope, linked: Mapping[str, JsonObject] = _NOTHING_LINKED
) -> CredentialRecord:
    """Map an envelope's payload onto the normalised record; nothing is fetched.

    ``linked`` holds documents already fetched by URL: an OB 2.0 BadgeClass and Issuer, or the
    CLR a nested credential came from (keyed by the envelope's ``container``). Raises
    ``CredentialFormatError`` only when the payload is not the format the envelope claims.
    """
    record_format = envelope.format
    payload = envelope.payload
    container = linked.get(envelope.container) if envelope.container else None
    if container is not None:
        # A CLR secured as a VC-JWT keeps its credential (and its id, as jti) in the claims.
        container = _unwrap_jwt_claims(container)
    container_id = (jf.ref_id(container.get("id")) if container else None) or envelope.container
    record = _map(envelope.format, record_format, payload, linked, container_id)
    if container is not None and record.stackability is None:
        towards = stacked_towards(container, record.match_keys.achievement_ids)
        if towards:
            record = replace(record, stackability=Stackability(StackabilityMode.STACKABLE, towards))
    return replace(record, annex1=assess_annex1(record))


def _map(
    kind: CredentialFormat,
    record_format: CredentialFormat,
    payload: JsonObject,
    linked: Mapping[str, JsonObject],
    container_id: str | None,
) -> CredentialRecord:
    if kind in (CredentialFormat.OB2_HOSTED, CredentialFormat.OB2_SIGNED):
        return map_ob2(payload, record_format, linked, container_id)
    if kind is CredentialFormat.SD_JWT_VC:
        return map_sdjwt(payload, record_format, container_id)
    if kind in (CredentialFormat.ELM_JSONLD, CredentialFormat.ELM_JADES, CredentialFormat.ELM_XML):
        return map_elm(payload, record_format, container_id)
    if kind is CredentialFormat.PDF_DOCUMENT:
        return map_pdf(payload, container_id)
    if kind is CredentialFormat.CLR2:
        return map_clr(_unwrap_jwt_claims(payload), record_format, container_id)
    credential = _unwrap_jwt_claims(payload)
    types = jf.types_of(credential)
    # A VC secured by a proof or a JWT may be any kind: the types say which mapper fits.
    if "ClrCredential" in types:
        return map_clr(credential, record_format, container_id)
    if "EuropeanDigitalCredential" in types:
        return map_elm(credential, record_format, container_id)
    return map_ob3(credential, record_format, container_id)


def _unwrap_jwt_claims(payload: JsonObject) -> JsonObject:
    """The credential of a VC-JWT claim set (``vc`` claim), filling dates from the JWT claims."""
    inner = jf.obj(payload.get("vc"))
    if inner is None or "credentialSubject" in payload:
        return payload
    credential = dict(inner)
    for claim, key in (("iss", "issuer"), ("jti", "id")):
        if key not in credential and isinstance(payload.get(claim), str):
            credential[key] = payload[claim]
    for claim, key in (("nbf", "validFrom"), ("exp", "validUntil")):
        when = jf.epoch(payload.get(claim))
        if key not in credential and when is not None:
            credential[key] = when.isoformat()
    return credential
