"""What the readers hand on: credentials found in untrusted input, or why an entry failed.

These types sit outside ``wallet/import/`` so that every layer can name them with full types.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wallet.jsonvalues import JsonObject


class CredentialFormat(enum.Enum):
    """The credential formats Plecak reads, by how they are secured."""

    OB2_HOSTED = "ob2-hosted"
    OB2_SIGNED = "ob2-signed"
    VC_DATA_INTEGRITY = "ob3-ldp"
    VC_JWT = "ob3-jwt"
    CLR2 = "clr2"
    ELM_JSONLD = "elm3-jsonld"
    ELM_JADES = "elm3-jades"
    ELM_XML = "elm2-xml"
    SD_JWT_VC = "sdjwt-vc"
    PDF_DOCUMENT = "pdf"


@dataclass(frozen=True)
class Envelope:
    """One credential as read from untrusted bytes.

    ``raw`` and ``media_type`` are what the holder gave (a baked PNG stays a PNG) and are stored
    verbatim. ``payload`` is the credential as JSON: the assertion, the VC, the decoded JWT
    claims. ``secured`` is the exact text a signature covers when it is not the JSON itself (a
    compact JWS, an SD-JWT with its disclosures, a JAdES JSON serialisation). ``source`` names
    where it came from (a file name, ``archive.zip!badge.png``, a URL, ``clr.json#2``).
    """

    format: CredentialFormat
    source: str
    raw: bytes
    media_type: str
    payload: JsonObject
    secured: str | None = None
    container: str | None = None


@dataclass(frozen=True)
class EntryFailure:
    """An entry of an archive that could not be read, and why (a stable code and a message)."""

    source: str
    error_code: str
    message: str
    detail: str = ""


def clr_payloads(items: Iterable[Envelope | EntryFailure]) -> dict[str, JsonObject]:
    """The CLRs among ``items`` by source: their nested credentials are derived with them."""
    return {
        item.source: item.payload
        for item in items
        if isinstance(item, Envelope) and item.format is CredentialFormat.CLR2
    }


def with_container(
    linked: Mapping[str, JsonObject], envelope: Envelope, containers: Mapping[str, JsonObject]
) -> dict[str, JsonObject]:
    """``linked`` plus the CLR ``envelope`` came from, keyed as the normaliser looks it up."""
    documents = dict(linked)
    if envelope.container is not None and envelope.container in containers:
        documents[envelope.container] = containers[envelope.container]
    return documents
