"""The demo issuer: keys made at demo time that sign Data Integrity, JWT, SD-JWT and JAdES.

It exists only so that ``wallet demo`` can fill an account with credentials that verify for real
without any network: did:key and did:jwk identifiers resolve offline, and the JAdES seal carries
its certificate chain (a demo CA that is, rightly, on no trusted list).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.canonical import Escaping, Ordering, offline_loader, to_rdf
from wallet.verification.data_integrity import JCS, proof_configuration, unsecured_document
from wallet.verification.multibase import ED25519_PUB, encode_multibase


def b64url(data: bytes) -> str:
    """Base64url without padding, as JOSE writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(value: JsonValue) -> bytes:
    """JSON without spaces, UTF-8 kept as is (what the demo signs)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True)
class DidKeySigner:
    """An Ed25519 key named by did:key that adds Data Integrity proofs."""

    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> DidKeySigner:
        """A fresh key."""
        return cls(Ed25519PrivateKey.generate())

    @property
    def did(self) -> str:
        """The did:key identifier."""
        return f"did:key:{self._public_multibase}"

    @property
    def _public_multibase(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return encode_multibase(ED25519_PUB + raw)

    def sign(self, credential: JsonObject, suite: str, created: str) -> JsonObject:
        """``credential`` with a DataIntegrityProof of ``suite`` (eddsa-rdfc-2022 or -jcs-2022)."""
        document = copy.deepcopy(credential)
        options: JsonObject = {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "created": created,
            "verificationMethod": f"{self.did}#{self._public_multibase}",
            "proofPurpose": "assertionMethod",
        }
        config = proof_configuration(document, options)
        unsecured = unsecured_document(document)
        if suite == JCS:
            data = _sha256(rfc8785.dumps(config)) + _sha256(rfc8785.dumps(unsecured))
        else:
            loader = offline_loader()
            texts = [
                to_rdf(part, loader).nquads(Escaping.RDFC, Ordering.CODE_POINT)
                for part in (config, unsecured)
            ]
            data = _sha256(texts[0].encode()) + _sha256(texts[1].encode())
        options["proofValue"] = encode_multibase(self.private_key.sign(data))
        document["proof"] = options
        return document


@dataclass(frozen=True)
class JwkSigner:
    """An Ed25519 (EdDSA) or P-256 (ES256) key named by did:jwk that signs compact JWS."""

    private_key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey

    @classmethod
    def generate(cls, alg: str = "EdDSA") -> JwkSigner:
        """A fresh key for ``alg`` ("EdDSA" or "ES256")."""
        if alg == "ES256":
            return cls(ec.generate_private_key(ec.SECP256R1()))
        return cls(Ed25519PrivateKey.generate())

    @property
    def alg(self) -> str:
        """The JWS algorithm of the key."""
        return "EdDSA" if isinstance(self.private_key, Ed25519PrivateKey) else "ES256"

    @property
    def public_jwk(self) -> JsonObject:
        """The public key as a JWK."""
        if isinstance(self.private_key, Ed25519PrivateKey):
            raw = self.private_key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
            return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }

    @property
    def did(self) -> str:
        """The did:jwk identifier."""
        return "did:jwk:" + b64url(compact_json(self.public_jwk))

    def sign_bytes(self, data: bytes) -> bytes:
        """A raw JWS signature (r‖s for ES256)."""
        if isinstance(self.private_key, Ed25519PrivateKey):
            return self.private_key.sign(data)
        r, s = decode_dss_signature(self.private_key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def sign_compact(self, header: JsonObject, payload: JsonObject) -> str:
        """A compact JWS over the JSON ``payload``, with ``alg`` and a ``kid`` of the DID."""
        full: JsonObject = {"alg": self.alg, "kid": self.did + "#0", **header}
        signing_input = f"{b64url(compact_json(full))}.{b64url(compact_json(payload))}"
        return f"{signing_input}.{b64url(self.sign_bytes(signing_input.encode()))}"


def issue_sd_jwt(claims: JsonObject, concealed: Sequence[str], signer: JwkSigner) -> str:
    """An SD-JWT VC (``dc+sd-jwt``) with the ``concealed`` claims as disclosures, all disclosed."""
    kept: JsonObject = {name: value for name, value in claims.items() if name not in concealed}
    disclosures: list[str] = []
    for name in concealed:
        salt = b64url(secrets.token_bytes(16))
        disclosures.append(b64url(compact_json([salt, name, claims[name]])))
    # Sorted, so that the order of the digests reveals nothing about the claims.
    digests = sorted(b64url(_sha256(d.encode("ascii"))) for d in disclosures)
    kept["_sd"] = [*digests]
    kept["_sd_alg"] = "sha-256"
    token = signer.sign_compact({"typ": "dc+sd-jwt"}, kept)
    return token + "~" + "".join(d + "~" for d in disclosures)


@dataclass(frozen=True)
class SealingCertificate:
    """A P-256 e-seal key with its certificate and the demo CA that issued it."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    ca_certificate: x509.Certificate

    @classmethod
    def generate(cls, organisation: str, at: dt.datetime) -> SealingCertificate:
        """A demo CA and a sealing certificate for ``organisation``, valid around ``at``."""
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("Plecak Demo CA (not trusted)")
        ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, at, is_ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = _certificate(_name(organisation), ca_name, key.public_key(), ca_key, at, is_ca=False)
        return cls(key, leaf, ca)

    def seal(self, payload: bytes, signed_at: str) -> JsonObject:
        """A JAdES-style JWS JSON serialisation with an unencoded payload (RFC 7797)."""
        leaf, ca = (
            c.public_bytes(serialization.Encoding.DER)
            for c in (self.certificate, self.ca_certificate)
        )
        header: JsonObject = {
            "alg": "ES256",
            "cty": "octet-stream",
            "typ": "jose+json",
            "kid": "demo-seal-1",
            "x5t#S256": b64url(_sha256(leaf)),
            "x5c": [base64.b64encode(leaf).decode(), base64.b64encode(ca).decode()],
            "b64": False,
            "sigT": signed_at,
            "crit": ["b64", "sigT"],
        }
        encoded = b64url(compact_json(header))
        r, s = decode_dss_signature(
            self.key.sign(encoded.encode("ascii") + b"." + payload, ec.ECDSA(hashes.SHA256()))
        )
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return {
            "payload": payload.decode("utf-8"),
            "signatures": [
                {"protected": encoded, "header": {"etsiU": []}, "signature": b64url(signature)}
            ],
        }


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    signing_key: ec.EllipticCurvePrivateKey,
    at: dt.datetime,
    *,
    is_ca: bool,
) -> x509.Certificate:
    usage = (False,) * 5 + (True, True, False, False) if is_ca else (True, True) + (False,) * 7
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - dt.timedelta(days=365))
        .not_valid_after(at + dt.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(*usage), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256())
