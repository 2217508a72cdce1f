"""A test issuer: an Ed25519 did:key that signs credentials with the three Data Integrity suites."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass

import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.canonical import Escaping, Ordering, offline_loader, to_rdf
from wallet.verification.data_integrity import JCS, proof_configuration, unsecured_document
from wallet.verification.jsonld import ContextLoader
from wallet.verification.multibase import ED25519_PUB, decode_multibase, encode_multibase

ED25519_PRIV = b"\x80\x26"
SUITE_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


@dataclass(frozen=True)
class TestIssuer:
    """An issuer with an Ed25519 key, identified by did:key."""

    __test__ = False  # not a pytest test class

    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> TestIssuer:
        """A fresh issuer."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_multibase(cls, private_multibase: str) -> TestIssuer:
        """The issuer whose private key is a multikey (``z3u2…``), as in published vectors."""
        data = decode_multibase(private_multibase)
        assert data[:2] == ED25519_PRIV
        return cls(Ed25519PrivateKey.from_private_bytes(data[2:]))

    @property
    def public_multibase(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return encode_multibase(ED25519_PUB + raw)

    @property
    def did(self) -> str:
        return f"did:key:{self.public_multibase}"

    @property
    def method_id(self) -> str:
        return f"{self.did}#{self.public_multibase}"

    def sign(
        self,
        credential: JsonObject,
        suite: str,
        *,
        created: str = "2026-01-01T00:00:00Z",
        verification_method: str | None = None,
        proof_purpose: str = "assertionMethod",
        loader: ContextLoader | None = None,
        escaping: Escaping = Escaping.RDFC,
        ordering: Ordering = Ordering.CODE_POINT,
    ) -> JsonObject:
        """``credential`` with a ``suite`` proof; escaping and ordering emulate old signers."""
        document = copy.deepcopy(credential)
        options: JsonObject = {"type": "DataIntegrityProof", "cryptosuite": suite}
        if suite == "Ed25519Signature2020":
            options = {"type": suite}
        options |= {
            "created": created,
            "verificationMethod": verification_method or self.method_id,
            "proofPurpose": proof_purpose,
        }
        config = proof_configuration(document, options)
        unsecured = unsecured_document(document)
        if suite == JCS:
            data = _sha256(rfc8785.dumps(config)) + _sha256(rfc8785.dumps(unsecured))
        else:
            loader = loader or offline_loader()
            config_text = to_rdf(config, loader).nquads(escaping, ordering)
            document_text = to_rdf(unsecured, loader).nquads(escaping, ordering)
            data = _sha256(config_text.encode()) + _sha256(document_text.encode())
        options["proofValue"] = encode_multibase(self.private_key.sign(data))
        document["proof"] = options
        return document


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def achievement_credential(issuer: str, **changes: JsonValue) -> JsonObject:
    """A small Open Badges 3.0 credential from ``issuer`` (keyword arguments replace members)."""
    credential: JsonObject = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b4bf4a6-9c1c-4b43-9a5e-2b7c0d1f6e11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Literacy",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Politechnika Przykładowa"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/data-literacy",
                "type": ["Achievement"],
                "name": "Data Literacy",
                "description": "Reads and questions charts and tables.",
                "criteria": {"narrative": "Pass the final assessment."},
            },
        },
    }
    for name, value in changes.items():
        credential[name] = value
    return credential
