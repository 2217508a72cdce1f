"""A link's verifiable presentation: the credentials shown whole, signed by the holder."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from wallet.errors import N_, WalletError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.models import Credential
from wallet.share.keys import verification_method
from wallet.verification.data_integrity import proof_configuration, unsecured_document
from wallet.verification.jsonld import bundled_context
from wallet.verification.multibase import encode_multibase

VC_V2 = "https://www.w3.org/ns/credentials/v2"
_JSON_TYPES = (
    "application/json",
    "application/ld+json",
    "application/vc+ld+json",
    "application/vc",
)


def presentable(credential: Credential) -> JsonObject | None:
    """The credential's signed JSON-LD document if it can sit inside a VC 2.0 presentation."""
    if credential.media_type.split(";")[0].strip() not in _JSON_TYPES:
        return None
    try:
        document = json.loads(credential.raw)
    except ValueError:
        return None
    if not isinstance(document, dict) or "proof" not in document:
        return None
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        return None
    return document


def build_presentation(
    credentials: Sequence[JsonObject],
    *,
    holder: str,
    key: Ed25519PrivateKey,
    challenge: str,
    domain: str,
    created: datetime,
) -> JsonObject:
    """A W3C VP of ``credentials`` by ``holder``, proved for ``challenge`` and ``domain``."""
    presentation: JsonObject = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [copy.deepcopy(c) for c in credentials],
    }
    options: JsonObject = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method(holder),
        "proofPurpose": "authentication",
        "challenge": challenge,
        "domain": domain,
    }
    config = canonical_nquads(proof_configuration(presentation, options))
    document = canonical_nquads(unsecured_document(presentation))
    data = _sha256(config.encode()) + _sha256(document.encode())
    proof: dict[str, JsonValue] = {**options, "proofValue": encode_multibase(key.sign(data))}
    return {**presentation, "proof": proof}


def canonical_nquads(document: JsonObject) -> str:
    """RDFC-1.0 N-Quads of ``document`` using bundled contexts only.

    pyld's canonicaliser is used here because a presentation holds credentials as named
    graphs, where it agrees with other implementations (Digital Bazaar's rdf-canonize).
    """
    try:
        text = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": _bundled_loader,
            },
        )
    except jsonld.JsonLdError as error:
        raise WalletError(N_("The presentation cannot be signed."), code="vp_sign") from error
    return str(text)


def _bundled_loader(url: str, options: object = None) -> dict[str, object]:
    found = bundled_context(url)
    if found is None:
        raise jsonld.JsonLdError("context not bundled", "loading document failed", {"url": url})
    return {"contextUrl": None, "documentUrl": url, "document": found}


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
