"""A test issuer: an Ed25519 did:key that signs credentials with the three Data Integrity suites.

It shares no code with the verifier, so a bug in one is not hidden by the other: RDF
canonicalisation is pyld's URDNA2015 (the verifier uses pyoxigraph), JCS and base58 are
written out here, and the proof configuration is built from the specification's steps.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from wallet.jsonvalues import JsonObject, JsonValue

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
JCS = "eddsa-jcs-2022"
SUITE_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
CONTEXTS = Path(__file__).resolve().parents[2] / "wallet" / "contexts"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

# How literals are escaped: RDFC-1.0 or as older JavaScript canonicalisers did.
Escaping = Literal["rdfc", "legacy"]
# How lines are sorted: by code point (RDFC-1.0) or by UTF-16 code unit (JavaScript's sort).
Ordering = Literal["code_point", "utf16"]


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
        assert private_multibase.startswith("z")
        data = base58_decode(private_multibase[1:])
        assert data[:2] == ED25519_PRIV
        return cls(Ed25519PrivateKey.from_private_bytes(data[2:]))

    @property
    def public_multibase(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return "z" + base58_encode(ED25519_PUB + raw)

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
        contexts: Mapping[str, JsonObject] | None = None,
        escaping: Escaping = "rdfc",
        ordering: Ordering = "code_point",
        proof_options: Mapping[str, JsonValue] | None = None,
    ) -> JsonObject:
        """``credential`` with a ``suite`` proof; escaping and ordering emulate old signers.

        ``contexts`` serves context documents that Plecak does not bundle, by URL;
        ``proof_options`` adds options (such as ``domain``) to the proof and its configuration.
        """
        document = copy.deepcopy(credential)
        document.pop("proof", None)
        options: JsonObject = {"type": "DataIntegrityProof", "cryptosuite": suite}
        if suite == "Ed25519Signature2020":
            options = {"type": suite}
            # As its reference signer does when asked to: the suite's terms must be defined.
            document["@context"] = _with_context(document.get("@context"), SUITE_CONTEXT)
        options |= {
            "created": created,
            "verificationMethod": verification_method or self.method_id,
            "proofPurpose": proof_purpose,
            **copy.deepcopy(dict(proof_options or {})),
        }
        # The proof configuration is the proof options with the document's @context.
        config = dict(options)
        if "@context" in document:
            config["@context"] = copy.deepcopy(document["@context"])
        if suite == JCS:
            config_bytes, document_bytes = jcs(config), jcs(document)
        else:
            loader = _loader(dict(contexts or {}))
            config_bytes = urdna2015(config, loader, escaping, ordering).encode()
            document_bytes = urdna2015(document, loader, escaping, ordering).encode()
        data = hashlib.sha256(config_bytes).digest() + hashlib.sha256(document_bytes).digest()
        options["proofValue"] = "z" + base58_encode(self.private_key.sign(data))
        document["proof"] = options
        return document


def _with_context(context: JsonValue, url: str) -> JsonValue:
    listed = context if isinstance(context, list) else [] if context is None else [context]
    return listed if url in listed else [*listed, url]


def urdna2015(
    document: JsonObject,
    loader: object,
    escaping: Escaping = "rdfc",
    ordering: Ordering = "code_point",
) -> str:
    """The canonical N-Quads of ``document`` as pyld produces them, re-escaped and re-sorted."""
    nquads = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )
    lines = [line for line in nquads.split("\n") if line]
    if escaping == "rdfc":
        # pyld leaves \b, \f and other control characters raw; RDFC-1.0 escapes them.
        lines = [_CONTROL.sub(_rdfc_escape, line) for line in lines]
    else:
        # Older canonicalisers escaped only \" \\ \n \r: pyld's \t goes back to a raw tab.
        lines = [_PYLD_ESCAPE.sub(_unescape_tab, line) for line in lines]
    if ordering == "utf16":
        lines.sort(key=lambda line: line.encode("utf-16-be"))
    else:
        lines.sort()
    return "".join(line + "\n" for line in lines)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PYLD_ESCAPE = re.compile(r"\\(.)")


def _rdfc_escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\b": "\\b", "\f": "\\f"}.get(char, f"\\u{ord(char):04X}")


def _unescape_tab(match: re.Match[str]) -> str:
    return "\t" if match.group(1) == "t" else match.group()


def _loader(extra: dict[str, JsonObject]) -> object:
    """A pyld document loader serving Plecak's context files (as data) and ``extra``."""

    def load(url: str, options: object = None) -> dict[str, object]:
        document = extra.get(url) or _bundled(url)
        if document is None:
            raise LookupError(f"the test signer has no context {url}")
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def _bundled(url: str) -> JsonObject | None:
    name = _context_index().get(url)
    return None if name is None else json.loads((CONTEXTS / name).read_text())


@cache
def _context_index() -> dict[str, str]:
    index: dict[str, str] = json.loads((CONTEXTS / "index.json").read_text())
    return index


def jcs(value: JsonValue) -> bytes:
    """RFC 8785 canonical JSON for the values test credentials hold (no fractional numbers)."""
    return _jcs(value).encode()


def _jcs(value: JsonValue) -> str:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(f"{_jcs(key)}:{_jcs(value[key])}" for key in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_jcs(item) for item in value) + "]"
    if isinstance(value, float):
        assert value.is_integer(), "the test signer writes whole numbers only"
        return str(int(value))
    # Booleans, null, integers and strings: JSON.stringify's forms, non-ASCII unescaped.
    return json.dumps(value, ensure_ascii=False)


def base58_encode(data: bytes) -> str:
    """Bitcoin base58 (multibase ``z``)."""
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = BASE58[digit] + text
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + text


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body


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
