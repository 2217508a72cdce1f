"""DID resolution (did:key, did:jwk, did:web) and verification-method key lookup."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote

from wallet.errors import CredentialFormatError, FetchError, ValidationError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json, parse_json_object
from wallet.verification.keys import (
    PublicKey,
    public_key_from_base58,
    public_key_from_jwk,
    public_key_from_multikey,
)
from wallet.verification.multibase import decode_base64url

__all__ = [
    "KeyResolutionError",
    "PublicKey",
    "ResolvedKey",
    "UnsupportedMethodError",
    "find_verification_method",
    "listed_keys",
    "listed_methods",
    "resolve_did_document",
    "resolve_verification_method",
]

MAX_DID_DOCUMENT_BYTES = 256 * 1024
DID_ACCEPT = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_KEY_PURPOSES = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


class KeyResolutionError(WalletError):
    """A DID or verification method cannot be resolved to a usable public key."""

    code = "key_resolution"


class UnsupportedMethodError(KeyResolutionError):
    """The identifier cannot be resolved here (unknown DID method or URL scheme): not wrong,
    only not checkable."""


@dataclass(frozen=True)
class ResolvedKey:
    """A public key found in a DID or controller document, with the method id, its controller
    and the id of the document that published it."""

    id: str
    controller: str
    public_key: PublicKey
    source: str = ""


def resolve_verification_method(
    url: str, fetcher: Fetcher, *, purpose: str = "assertionMethod", web_scheme: str = "https"
) -> ResolvedKey:
    """The key at DID URL ``url``, checked to be listed under ``purpose``.

    Raises ``KeyResolutionError`` when the DID, its document or the key is unusable and
    ``FetchError`` when a did:web document cannot be fetched (the check could not run).
    """
    did, _, fragment = url.partition("#")
    did = did.split("?", 1)[0]
    if did.startswith("did:key:"):
        return _resolve_did_key_method(did, fragment, purpose)
    if not did.startswith("did:"):
        raise UnsupportedMethodError(f"{url!r} is neither a DID nor an http(s) URL")
    document = resolve_did_document(did, fetcher, web_scheme=web_scheme)
    return find_verification_method(document, did, fragment, purpose)


def resolve_did_document(did: str, fetcher: Fetcher, *, web_scheme: str = "https") -> JsonObject:
    """The DID document of ``did``; its ``id`` is checked to equal ``did``."""
    if did.startswith("did:key:"):
        document = _did_key_document(did)
    elif did.startswith("did:jwk:"):
        document = _did_jwk_document(did)
    elif did.startswith("did:web:"):
        document = _fetch_did_web(did, fetcher, web_scheme)
    else:
        method = did.split(":", 2)[1] if did.count(":") >= 2 else did
        raise UnsupportedMethodError(f"the DID method of {did!r} is not supported ({method})")
    if document.get("id") != did:
        raise KeyResolutionError(f"the DID document's id is not {did}")
    return document


@lru_cache(maxsize=1024)
def _resolve_did_key_method(did: str, fragment: str, purpose: str) -> ResolvedKey:
    """did:key documents are pure functions of the DID, so their keys are cached."""
    return find_verification_method(_did_key_document(did), did, fragment, purpose)


def _did_key_document(did: str) -> JsonObject:
    fingerprint = did.removeprefix("did:key:")
    if not fingerprint.startswith("z"):
        raise KeyResolutionError("a did:key must be a base58btc multikey (starting with 'z')")
    try:
        public_key_from_multikey(fingerprint)
    except ValidationError as error:
        raise KeyResolutionError(f"the did:key is not a usable key: {error.detail}") from None
    method_id = f"{did}#{fingerprint}"
    method: JsonObject = {
        "id": method_id,
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": fingerprint,
    }
    document: JsonObject = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [method],
    }
    for relationship in _KEY_PURPOSES:
        document[relationship] = [method_id]
    return document


def _did_jwk_document(did: str) -> JsonObject:
    encoded = did.removeprefix("did:jwk:")
    try:
        jwk = parse_json(decode_base64url(encoded), max_bytes=16 * 1024, max_depth=4)
        public_key_from_jwk(jwk)
    except (ValidationError, CredentialFormatError) as error:
        raise KeyResolutionError(
            f"the did:jwk does not hold a public JWK: {error.detail}"
        ) from None
    assert isinstance(jwk, dict)  # public_key_from_jwk refuses anything else
    method_id = f"{did}#0"
    method: JsonObject = {
        "id": method_id,
        "type": "JsonWebKey2020",
        "controller": did,
        "publicKeyJwk": jwk,
    }
    document: JsonObject = {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": did,
        "verificationMethod": [method],
    }
    # A key published for encryption only must not be accepted for signatures.
    if jwk.get("use") == "enc":
        document["keyAgreement"] = [method_id]
    else:
        for relationship in _KEY_PURPOSES:
            document[relationship] = [method_id]
    return document


def did_web_url(did: str, *, scheme: str = "https") -> str:
    """The URL of the DID document of a did:web identifier."""
    parts = did.removeprefix("did:web:").split(":")
    host = unquote(parts[0])
    if not _HOST.match(host) or host.startswith(".") or ".." in host:
        raise KeyResolutionError(f"{did!r} does not name a valid did:web host")
    path = [unquote(segment) for segment in parts[1:]]
    if any(not segment or "/" in segment or segment in (".", "..") for segment in path):
        raise KeyResolutionError(f"{did!r} has an invalid did:web path")
    if scheme != "https" and not _is_loopback_host(host):
        raise KeyResolutionError("did:web over plain http is only allowed for loopback hosts")
    # Segments are decoded to be checked only: a "%23" or "%3F" must not end the path early.
    encoded = [quote(segment, safe="") for segment in path]
    suffix = "/".join(encoded) + "/did.json" if path else ".well-known/did.json"
    return f"{scheme}://{host}/{suffix}"


def _is_loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _fetch_did_web(did: str, fetcher: Fetcher, scheme: str) -> JsonObject:
    url = did_web_url(did, scheme=scheme)
    fetched = fetcher.fetch(url, accept=DID_ACCEPT, max_bytes=MAX_DID_DOCUMENT_BYTES)
    if fetched.status in (404, 410):
        raise KeyResolutionError(f"no DID document at {url} (HTTP {fetched.status})")
    if fetched.status != 200:
        raise FetchError(f"the DID document at {url} answered HTTP {fetched.status}")
    try:
        return parse_json_object(fetched.body, max_bytes=MAX_DID_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        raise KeyResolutionError(f"the DID document at {url} is not JSON: {error.detail}") from None


def listed_methods(document: JsonObject, base: str, purpose: str) -> frozenset[str]:
    """The absolute ids of the methods ``document`` lists under ``purpose``."""
    return frozenset(_relationship(document, base, purpose))


def find_verification_method(
    document: JsonObject, did: str, fragment: str, purpose: str
) -> ResolvedKey:
    """The method ``did#fragment`` of ``document``, checked to be listed under ``purpose``."""
    listed = _relationship(document, did, purpose)
    if not fragment:
        if not listed:
            raise KeyResolutionError(f"the DID document lists no {purpose} key")
        method_id = next(iter(listed))
    else:
        method_id = f"{did}#{fragment}"
        if method_id not in listed:
            raise KeyResolutionError(f"{method_id} is not listed as an {purpose} key of {did}")
    method = listed[method_id] or _declared_methods(document, did).get(method_id)
    if method is None:
        raise KeyResolutionError(f"the DID document does not describe {method_id}")
    controller = method.get("controller")
    if not isinstance(controller, str):
        raise KeyResolutionError(f"{method_id} names no controller")
    return ResolvedKey(
        id=method_id, controller=controller, public_key=_method_key(method), source=did
    )


def listed_keys(
    document: JsonObject, did: str, purpose: str = "assertionMethod"
) -> list[PublicKey]:
    """The usable public keys a DID document lists under ``purpose`` (unusable ones skipped)."""
    declared = _declared_methods(document, did)
    keys = []
    for method_id, embedded in _relationship(document, did, purpose).items():
        method = embedded or declared.get(method_id)
        if method is None:
            continue
        try:
            keys.append(_method_key(method))
        except KeyResolutionError:
            continue
    return keys


def _relationship(document: JsonObject, did: str, purpose: str) -> dict[str, JsonObject | None]:
    """Method ids listed under ``purpose``, with the method itself when embedded there."""
    listed: dict[str, JsonObject | None] = {}
    entries = document.get(purpose)
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            listed[_absolute(entry, did)] = None
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            listed[_absolute(str(entry["id"]), did)] = entry
    return listed


def _declared_methods(document: JsonObject, did: str) -> dict[str, JsonObject]:
    methods = document.get("verificationMethod")
    found: dict[str, JsonObject] = {}
    for method in methods if isinstance(methods, list) else []:
        if isinstance(method, dict) and isinstance(method.get("id"), str):
            found[_absolute(str(method["id"]), did)] = method
    return found


def _absolute(method_id: str, did: str) -> str:
    return did + method_id if method_id.startswith("#") else method_id


def _method_key(method: JsonObject) -> PublicKey:
    kind = method.get("type")
    try:
        if kind in ("Multikey", "Ed25519VerificationKey2020"):
            return public_key_from_multikey(_text(method, "publicKeyMultibase"))
        if kind == "Ed25519VerificationKey2018":
            return public_key_from_base58(_text(method, "publicKeyBase58"))
        if kind in ("JsonWebKey2020", "JsonWebKey"):
            return public_key_from_jwk(method.get("publicKeyJwk"))
    except ValidationError as error:
        raise KeyResolutionError(
            f"the verification method's key is unusable: {error.detail}"
        ) from None
    raise UnsupportedMethodError(f"verification methods of type {kind!r} are not supported")


def _text(method: JsonObject, name: str) -> str:
    value: JsonValue = method.get(name)
    if not isinstance(value, str):
        raise ValidationError(f"the verification method lacks {name}")
    return value
