"""Shared JWS mechanics: compact parsing, the algorithm allowlist, keys from JWK and X.509."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.dids import (
    KeyResolutionError,
    listed_keys,
    resolve_did_document,
    resolve_verification_method,
)
from wallet.verification.keys import PublicKey
from wallet.verification.multibase import decode_base64url, encode_base64url
from wallet.verification.report import Check, CheckStatus, make_check

# `none` and the HMAC family are never accepted: a credential must be signed by its issuer.
JWT_ALGORITHMS = frozenset({"EdDSA", "ES256", "RS256"})
JADES_ALGORITHMS = JWT_ALGORITHMS | {"PS256"}
# Open Badges 2.0 signers also use the larger RSA/ECDSA hashes.
OB2_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"})
_VERIFIABLE = JADES_ALGORITHMS | OB2_ALGORITHMS

MAX_CERTIFICATES = 10
MAX_KEY_DOCUMENT_BYTES = 256 * 1024
_JWK_ACCEPT = "application/jwk+json, application/jwk-set+json;q=0.9, application/json;q=0.8"
_KEY_TYPES: dict[str, type[OKPKey] | type[ECKey] | type[RSAKey]] = {
    "OKP": OKPKey,
    "EC": ECKey,
    "RSA": RSAKey,
}
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


@dataclass(frozen=True)
class CompactJws:
    """A compact JWS split into its parts; ``signing_input`` is what the signature covers."""

    header: JsonObject
    payload: bytes
    signing_input: bytes
    signature: bytes


@dataclass(frozen=True)
class SigningKey:
    """A verification key and where it came from.

    ``controller`` is the DID or URL the key is published under (``None`` for a bare key
    carried in the header); ``source`` is ``kid``, ``jwk``, ``x5c`` or ``metadata``.
    """

    public_key: PublicKey
    source: str
    controller: str | None = None
    certificates: tuple[x509.Certificate, ...] = ()


def split_compact(token: str) -> CompactJws:
    """Split ``header.payload.signature``; an empty signature is left for the checks to refuse."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise CredentialFormatError("a compact JWS has three parts: header.payload.signature")
    header = parse_json_object(decode_base64url(parts[0]))
    if header.get("b64") is False:
        raise CredentialFormatError("an unencoded payload is not allowed in a compact JWT")
    return CompactJws(
        header=header,
        payload=decode_base64url(parts[1]),
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
        signature=decode_base64url(parts[2]),
    )


def algorithm_of(header: JsonObject, allowed: Collection[str] = JWT_ALGORITHMS) -> str:
    """The header's ``alg`` when it is on the allowlist; ``CredentialFormatError`` otherwise."""
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed:
        raise CredentialFormatError(f"signature algorithm {alg!r} is not accepted")
    return alg


def verify_signature(alg: str, signing_input: bytes, signature: bytes, key: PublicKey) -> bool:
    """Whether ``signature`` over ``signing_input`` is valid for ``key`` under ``alg``."""
    if alg not in _VERIFIABLE:
        return False
    try:
        model = JWSRegistry.algorithms[alg]
        jwk = _as_jwk(key)
        model.check_key(jwk)
        return bool(model.verify(signing_input, signature, jwk))
    except (JoseError, ValueError, TypeError):
        return False


def key_from_jwk(value: JsonValue) -> PublicKey:
    """The public key of a JWK object; refuses private members and symmetric keys."""
    if not isinstance(value, dict):
        raise KeyResolutionError("the key is not a JSON Web Key object")
    if _PRIVATE_MEMBERS & value.keys():
        raise KeyResolutionError("the JSON Web Key carries private key material")
    kty = value.get("kty")
    if not isinstance(kty, str) or kty not in _KEY_TYPES:
        raise KeyResolutionError(f"key type {kty!r} is not supported")
    try:
        imported = _KEY_TYPES[kty].import_key(value)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise KeyResolutionError("the JSON Web Key cannot be read") from None
    public = imported.public_key
    if not isinstance(public, Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey):
        raise KeyResolutionError("the JSON Web Key is not an Ed25519, EC or RSA key")
    return public


def jwk_thumbprint(key: PublicKey) -> str:
    """The RFC 7638 thumbprint of a public key, to compare keys from different sources."""
    return str(_as_jwk(key).thumbprint())


def certificates_from_x5c(value: JsonValue) -> tuple[x509.Certificate, ...]:
    """The certificates of an ``x5c`` header (standard base64 DER), leaf first."""
    if not isinstance(value, list) or not value or len(value) > MAX_CERTIFICATES:
        raise KeyResolutionError("x5c must be a non-empty list of certificates")
    certificates = []
    for item in value:
        if not isinstance(item, str):
            raise KeyResolutionError("an x5c entry is not a string")
        try:
            der = base64.b64decode(item, validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError):
            raise KeyResolutionError("an x5c entry is not a DER certificate") from None
    return tuple(certificates)


def leaf_key(certificates: tuple[x509.Certificate, ...]) -> PublicKey:
    """The public key of the leaf certificate, when it is of a supported type."""
    public = certificates[0].public_key()
    if not isinstance(public, Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey):
        raise KeyResolutionError("the certificate's key is not an Ed25519, EC or RSA key")
    return public


def certificate_sha256(certificate: x509.Certificate) -> str:
    """The base64url SHA-256 of a certificate's DER, as in the ``x5t#S256`` header."""
    der = certificate.public_bytes(Encoding.DER)
    return encode_base64url(hashlib.sha256(der).digest())


def embedded_key(header: JsonObject) -> SigningKey | None:
    """The key carried in the header itself (``x5c`` before ``jwk``), if any."""
    if "x5c" in header:
        certificates = certificates_from_x5c(header["x5c"])
        return SigningKey(leaf_key(certificates), "x5c", certificates=certificates)
    if "jwk" in header:
        return SigningKey(key_from_jwk(header["jwk"]), "jwk")
    return None


def proof_check(valid: bool, *, detail: str | None = None) -> Check:
    """The ``proof`` check for a signature that was (or was not) valid."""
    if valid:
        return make_check(
            "proof",
            CheckStatus.PASSED,
            "The issuer's signature is valid.",
            "Podpis wystawcy jest prawidłowy.",
            detail=detail,
        )
    return make_check(
        "proof",
        CheckStatus.FAILED,
        "The signature does not match: the credential was changed or not signed by this key.",
        "Podpis się nie zgadza: poświadczenie zmieniono albo nie podpisano go tym kluczem.",
        detail=detail,
    )


def _as_jwk(key: PublicKey) -> OKPKey | ECKey | RSAKey:
    if isinstance(key, Ed25519PublicKey):
        return OKPKey.import_key(key)
    if isinstance(key, EllipticCurvePublicKey):
        return ECKey.import_key(key)
    return RSAKey.import_key(key)


def resolve_header_key(
    header: JsonObject, fetcher: Fetcher, *, issuer: str | None, web_scheme: str = "https"
) -> SigningKey:
    """The key a JWS header points at: ``x5c``, ``jwk``, or ``kid`` (DID URL or JWK URL).

    A ``kid`` such as ``#key-1`` is taken relative to a DID issuer. Raises
    ``KeyResolutionError`` when no usable key is named and ``FetchError`` when it is out of reach.
    """
    embedded = embedded_key(header)
    if embedded is not None:
        return embedded
    kid = header.get("kid")
    if (not isinstance(kid, str) or not kid) and issuer is not None and issuer.startswith("did:"):
        return _only_key_of(issuer, fetcher, web_scheme)
    if not isinstance(kid, str) or not kid:
        raise KeyResolutionError("the signature names no key (no kid, jwk or x5c)")
    if kid.startswith("#") and issuer is not None and issuer.startswith("did:"):
        kid = issuer + kid
    if kid.startswith("did:"):
        resolved = resolve_verification_method(kid, fetcher, web_scheme=web_scheme)
        return SigningKey(resolved.public_key, "kid", controller=resolved.controller)
    if urlsplit(kid).scheme in ("http", "https"):
        return SigningKey(fetch_jwk(kid, fetcher), "kid", controller=kid)
    raise KeyResolutionError("the key id is neither a DID URL nor a web address")


def _only_key_of(did: str, fetcher: Fetcher, web_scheme: str) -> SigningKey:
    """A DID issuer's key when the JWS names none: only if its document lists exactly one."""
    document = resolve_did_document(did.split("#", 1)[0], fetcher, web_scheme=web_scheme)
    keys = listed_keys(document, did.split("#", 1)[0])
    if len(keys) != 1:
        raise KeyResolutionError(
            f"the signature names no key and {did} lists {len(keys)} assertion keys"
        )
    return SigningKey(keys[0], "kid", controller=did)


def fetch_jwk(url: str, fetcher: Fetcher, *, kid: str | None = None) -> PublicKey:
    """The JWK published at ``url`` (a JWK, or a JWK Set searched by ``kid`` or fragment)."""
    fetched = fetcher.fetch(url, accept=_JWK_ACCEPT, max_bytes=MAX_KEY_DOCUMENT_BYTES)
    if fetched.status != 200:
        raise FetchError(f"the key at {url} answered HTTP {fetched.status}")
    try:
        document = parse_json_object(fetched.body, max_bytes=MAX_KEY_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        raise KeyResolutionError(f"the key at {url} is not JSON: {error.detail}") from None
    if "keys" not in document:
        return key_from_jwk(document)
    return key_from_jwks(document, kid or urlsplit(url).fragment or None)


def key_from_jwks(document: JsonObject, kid: str | None) -> PublicKey:
    """The key of a JWK Set with ``kid``, or its only key when no ``kid`` is given."""
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise KeyResolutionError("the JWK Set has no keys list")
    if kid is None:
        if len(keys) != 1:
            raise KeyResolutionError("the JWK Set has several keys and the signature names none")
        return key_from_jwk(keys[0])
    for candidate in keys:
        if isinstance(candidate, dict) and candidate.get("kid") == kid:
            return key_from_jwk(candidate)
    raise KeyResolutionError(f"the JWK Set has no key {kid!r}")


def certificate_names_issuer(certificate: x509.Certificate, issuer: str) -> bool:
    """Whether the certificate's subject alternative names include the issuer URI or host."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    uris = names.get_values_for_type(x509.UniformResourceIdentifier)
    host = urlsplit(issuer).hostname
    dns = names.get_values_for_type(x509.DNSName)
    return issuer in uris or (host is not None and host in dns)


def key_resolution_failure(error: WalletError) -> Check:
    """``key_resolution`` for a key that could not be found: SKIPPED when out of reach."""
    if isinstance(error, FetchError):
        return make_check(
            "key_resolution",
            CheckStatus.SKIPPED,
            "The issuer's key could not be fetched, so the signature cannot be checked now.",
            "Nie udało się pobrać klucza wystawcy, więc nie można teraz sprawdzić podpisu.",
            detail=error.detail,
        )
    return make_check(
        "key_resolution",
        CheckStatus.FAILED,
        "The issuer's key cannot be found or read.",
        "Nie można znaleźć ani odczytać klucza wystawcy.",
        detail=error.detail,
    )


def key_resolution_success(key: SigningKey) -> Check:
    """``key_resolution`` for a key that was found."""
    return make_check(
        "key_resolution",
        CheckStatus.PASSED,
        "The issuer's key was found.",
        "Znaleziono klucz wystawcy.",
        detail=key.controller or key.source,
    )
