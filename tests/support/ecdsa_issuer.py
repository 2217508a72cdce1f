"""A test issuer with a P-256 or P-384 key: ecdsa-rdfc-2019, ecdsa-jcs-2019 and ecdsa-sd-2023.

Like ``di_issuer`` it shares no code with the verifier: RDF canonicalisation is pyld's
URDNA2015 (its hash swapped for SHA-384 where vc-di-ecdsa asks for it), JCS, base58 and the
CBOR of a derived proof value are written out here, following the specification's steps.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pyld import canon, jsonld
from pyld.nquads import serialize_nquad

from tests.support.di_issuer import _loader, base58_encode, jcs
from wallet.jsonvalues import JsonObject, JsonValue

RDFC = "ecdsa-rdfc-2019"
JCS = "ecdsa-jcs-2019"
SD = "ecdsa-sd-2023"
MULTIKEY_PREFIX = {"secp256r1": b"\x80\x24", "secp384r1": b"\x81\x24"}
DERIVED_HEADER = b"\xd9\x5d\x01"


@dataclass(frozen=True)
class EcdsaIssuer:
    """An issuer with a NIST curve key, identified by did:key."""

    __test__ = False  # not a pytest test class

    private_key: ec.EllipticCurvePrivateKey

    @classmethod
    def generate(cls, curve: ec.EllipticCurve | None = None) -> EcdsaIssuer:
        """A fresh issuer on ``curve`` (P-256 unless told)."""
        return cls(ec.generate_private_key(curve or ec.SECP256R1()))

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    @property
    def public_multibase(self) -> str:
        return "z" + base58_encode(multikey_bytes(self.public_key))

    @property
    def did(self) -> str:
        return f"did:key:{self.public_multibase}"

    def sign(
        self,
        credential: JsonObject,
        suite: str,
        *,
        config_context: bool = True,
        contexts: Mapping[str, JsonObject] | None = None,
        proof_options: Mapping[str, JsonValue] | None = None,
    ) -> JsonObject:
        """``credential`` with an ecdsa-rdfc-2019 or ecdsa-jcs-2019 proof.

        ``config_context=False`` signs the proof configuration without the document's
        ``@context``, as drafts of ecdsa-jcs-2019 did.
        """
        document, options, config = self._prepare(credential, suite, proof_options)
        if not config_context:
            config.pop("@context", None)
        sha384 = isinstance(self.private_key.curve, ec.SECP384R1)
        digest = hashlib.sha384 if sha384 else hashlib.sha256
        if suite == JCS:
            config_bytes, document_bytes = jcs(config), jcs(document)
        else:
            loader = _loader(dict(contexts or {}))
            config_bytes = urdna2015(config, loader, sha384).encode()
            document_bytes = urdna2015(document, loader, sha384).encode()
        data = digest(config_bytes).digest() + digest(document_bytes).digest()
        options["proofValue"] = "z" + base58_encode(self.sign_raw(data))
        document["proof"] = options
        return document

    def derive(
        self,
        credential: JsonObject,
        *,
        mandatory: Callable[[str], bool] = lambda statement: False,
        tamper: Callable[[list[object]], None] | None = None,
        contexts: Mapping[str, JsonObject] | None = None,
        proof_options: Mapping[str, JsonValue] | None = None,
    ) -> JsonObject:
        """``credential`` with an ecdsa-sd-2023 derived proof disclosing every statement.

        ``mandatory`` picks the statements the base signature covers; ``tamper`` may change
        the five proof value components (base signature, proof key, signatures, label map,
        mandatory indexes) before they are encoded.
        """
        document, options, config = self._prepare(credential, SD, proof_options)
        loader = _loader(dict(contexts or {}))
        ephemeral = ec.generate_private_key(ec.SECP256R1())
        statements, label_map = _relabelled(canonical_quads(document, loader, False))
        indexes = [i for i, statement in enumerate(statements) if mandatory(statement)]
        mandatory_hash = hashlib.sha256("".join(statements[i] for i in indexes).encode())
        proof_key = multikey_bytes(ephemeral.public_key())
        config_hash = hashlib.sha256(urdna2015(config, loader, False).encode()).digest()
        base = self.sign_raw(config_hash + proof_key + mandatory_hash.digest())
        signatures = [
            _raw(ephemeral, statement.encode())
            for i, statement in enumerate(statements)
            if i not in indexes
        ]
        components: list[object] = [base, proof_key, signatures, label_map, indexes]
        if tamper is not None:
            tamper(components)
        value = DERIVED_HEADER + cbor(components)
        options["proofValue"] = "u" + base64url(value)
        document["proof"] = options
        return document

    def sign_raw(self, data: bytes) -> bytes:
        """The IEEE P1363 ``r || s`` signature of ``data`` with the curve's hash."""
        return _raw(self.private_key, data)

    def _prepare(
        self, credential: JsonObject, suite: str, proof_options: Mapping[str, JsonValue] | None
    ) -> tuple[JsonObject, JsonObject, JsonObject]:
        document = copy.deepcopy(credential)
        document.pop("proof", None)
        options: JsonObject = {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": f"{self.did}#{self.public_multibase}",
            "proofPurpose": "assertionMethod",
            **copy.deepcopy(dict(proof_options or {})),
        }
        config = dict(options)
        if "@context" in document:
            config["@context"] = copy.deepcopy(document["@context"])
        return document, options, config


def multikey_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    """The multicodec prefix and compressed point of ``key``."""
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return MULTIKEY_PREFIX[key.curve.name] + point


def _raw(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    sha384 = isinstance(key.curve, ec.SECP384R1)
    algorithm = hashes.SHA384() if sha384 else hashes.SHA256()
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(algorithm)))
    size = 48 if sha384 else 32
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


class _Urdna2015Sha384(canon.URDNA2015):
    """URDNA2015 with SHA-384, as ecdsa-rdfc-2019 runs RDFC-1.0 for P-384 keys."""

    def create_hash(self) -> object:
        return hashlib.sha384()


def canonical_quads(document: JsonObject, loader: object, sha384: bool) -> list[dict[str, Any]]:
    """The quads of ``document`` as pyld's objects, blank nodes under canonical labels."""
    processor = jsonld.JsonLdProcessor()
    dataset = processor.to_rdf(document, {"documentLoader": loader, "produceGeneralizedRdf": False})
    algorithm = _Urdna2015Sha384() if sha384 else canon.URDNA2015()
    algorithm.main(dataset, {})
    quads: list[dict[str, Any]] = algorithm.quads
    return quads


def urdna2015(document: JsonObject, loader: object, sha384: bool) -> str:
    """The canonical N-Quads of ``document`` (RDFC-1.0 with SHA-256 or SHA-384)."""
    return "".join(
        sorted(serialize_nquad(quad) for quad in canonical_quads(document, loader, sha384))
    )


def _relabelled(quads: list[dict[str, Any]]) -> tuple[list[str], dict[int, bytes]]:
    """The statements with each blank node label replaced as an HMAC label would be, sorted,
    and the compressed label map (canonical label number → label bytes)."""
    label_map: dict[int, bytes] = {}
    for quad in quads:
        for position, term in quad.items():
            if position != "predicate" and term["type"] == "blank node":
                number = int(term["value"].removeprefix("_:c14n"))
                label = hashlib.sha256(f"label {number}".encode()).digest()
                label_map[number] = label
                term["value"] = "_:u" + base64url(label)
    return sorted(serialize_nquad(quad) for quad in quads), label_map


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def cbor(value: object) -> bytes:
    """CBOR for byte and text strings, integers, booleans, arrays and maps."""
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        return _head(3, len(value.encode())) + value.encode()
    if isinstance(value, Sequence):
        return _head(4, len(value)) + b"".join(cbor(item) for item in value)
    if isinstance(value, Mapping):
        return _head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(f"the test encoder writes no {type(value).__name__}")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for size, extra in ((1, 24), (2, 25), (4, 26), (8, 27)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | extra]) + argument.to_bytes(size, "big")
    raise ValueError("too large for CBOR")


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def twofold_signature(first: bytes, second: bytes) -> tuple[ec.EllipticCurvePublicKey, bytes]:
    """A P-256 key chosen so that one ``r || s`` signature verifies both messages.

    ECDSA checks only the x coordinate of ``(z/s)G + (r/s)Q``: with ``d = -(z1 + z2)/2r`` the
    two messages give the points ``kG`` and ``-kG``, which share it.
    """
    n = P256_ORDER
    z1, z2 = (int.from_bytes(hashlib.sha256(data).digest(), "big") for data in (first, second))
    nonce = ec.generate_private_key(ec.SECP256R1())
    k = nonce.private_numbers().private_value
    r = nonce.public_key().public_numbers().x % n
    d = -(z1 + z2) * pow(2 * r, -1, n) % n
    s = (z1 + r * d) * pow(k, -1, n) % n
    key = ec.derive_private_key(d, ec.SECP256R1()).public_key()
    return key, r.to_bytes(32, "big") + s.to_bytes(32, "big")
