"""Whether a signing key is the issuer's: the keys an issuer publishes, and the binding check.

A key carried in a JWS header (``jwk``) is self-asserted: it proves the token was signed with
it, never that the issuer owns it. Only the issuer's own published documents say that: its
DID document, its JWT VC Issuer Metadata (``/.well-known/jwt-vc-issuer``), its hosted profile,
or the host's ``/.well-known/jwks.json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.dids import (
    PublicKey,
    listed_keys,
    resolve_did_document,
    resolve_verification_method,
)
from wallet.verification.jose import (
    MAX_KEY_DOCUMENT_BYTES,
    SigningKey,
    certificate_names_issuer,
    jwk_thumbprint,
    key_from_jwk,
)
from wallet.verification.report import Check, CheckStatus, make_check

_ABSENT = frozenset({404, 410})


@dataclass(frozen=True)
class PublishedKeys:
    """What the issuer's documents said about a key.

    ``listed`` tells whether the key is among the issuer's published keys; ``disproved`` is
    true only when an authoritative document (DID document, issuer metadata, issuer profile)
    was read and lists other keys, and nothing that could have listed it was out of reach.
    """

    listed: bool
    disproved: bool
    reason: str


def published_keys_include(
    issuer: str, key: PublicKey, fetcher: Fetcher, *, web_scheme: str = "https"
) -> PublishedKeys:
    """Look ``key`` up among the keys ``issuer`` publishes (its DID or its web documents)."""
    if issuer.startswith("did:"):
        return _did_includes(issuer, key, fetcher, web_scheme)
    if urlsplit(issuer).scheme in ("http", "https"):
        return _web_includes(issuer, key, fetcher)
    return PublishedKeys(False, False, "the issuer is neither a DID nor a web address")


def issuer_binding_check(
    key: SigningKey, issuer: str, fetcher: Fetcher, *, web_scheme: str = "https"
) -> Check:
    """``issuer_binding``: whether the signing key belongs to the credential's issuer."""
    reason = None
    if key.source == "metadata":
        bound: bool | None = key.controller == issuer
    elif key.source == "kid" and key.controller is not None:
        bound = _same_owner(key.controller, issuer)
    elif key.source == "x5c":
        bound = certificate_names_issuer(key.certificates[0], issuer)
    else:
        found = published_keys_include(issuer, key.public_key, fetcher, web_scheme=web_scheme)
        bound = True if found.listed else (False if found.disproved else None)
        reason = found.reason
    if bound is None:
        return make_check(
            "issuer_binding",
            CheckStatus.SKIPPED,
            "The key travels inside the credential; nothing shows it belongs to the issuer.",
            "Klucz jest zapisany w samym poświadczeniu; nic nie wskazuje, że należy do wystawcy.",
            detail=reason,
        )
    if bound:
        return make_check(
            "issuer_binding",
            CheckStatus.PASSED,
            "The signing key belongs to the issuer.",
            "Klucz podpisu należy do wystawcy.",
            detail=reason,
        )
    return make_check(
        "issuer_binding",
        CheckStatus.FAILED,
        "The credential was signed with a key that does not belong to its issuer.",
        "Poświadczenie podpisano kluczem, który nie należy do jego wystawcy.",
        detail=reason or f"key of {key.controller or key.source}, issuer {issuer}",
    )


def _did_includes(did: str, key: PublicKey, fetcher: Fetcher, web_scheme: str) -> PublishedKeys:
    did = did.split("#", 1)[0]
    if did.startswith(("did:jwk:", "did:key:")):
        # These DIDs are their key: the DID document cannot be out of reach.
        fragment = "0" if did.startswith("did:jwk:") else did.removeprefix("did:key:")
        try:
            own = resolve_verification_method(f"{did}#{fragment}", fetcher, web_scheme=web_scheme)
        except WalletError as error:
            return PublishedKeys(False, False, f"the issuer's DID cannot be read: {error.detail}")
        same = jwk_thumbprint(own.public_key) == jwk_thumbprint(key)
        return PublishedKeys(same, not same, f"the key of {did}")
    try:
        document = resolve_did_document(did, fetcher, web_scheme=web_scheme)
    except WalletError as error:
        return PublishedKeys(False, False, f"the issuer's DID document: {error.detail}")
    keys = listed_keys(document, did)
    wanted = jwk_thumbprint(key)
    if any(jwk_thumbprint(candidate) == wanted for candidate in keys):
        return PublishedKeys(True, False, f"listed in the DID document of {did}")
    return PublishedKeys(False, bool(keys), f"not listed in the DID document of {did}")


def _web_includes(issuer: str, key: PublicKey, fetcher: Fetcher) -> PublishedKeys:
    wanted = jwk_thumbprint(key)
    unreachable: list[str] = []
    authoritative_keys = False
    for url, authoritative, keys in _web_key_sets(issuer, fetcher, unreachable):
        if any(jwk_thumbprint(candidate) == wanted for candidate in keys):
            return PublishedKeys(True, False, f"published at {url}")
        authoritative_keys = authoritative_keys or (authoritative and bool(keys))
    if unreachable:
        return PublishedKeys(False, False, "out of reach: " + "; ".join(unreachable))
    if authoritative_keys:
        return PublishedKeys(False, True, "the issuer's published keys do not include it")
    return PublishedKeys(False, False, "the issuer publishes no keys at its well-known addresses")


def _web_key_sets(
    issuer: str, fetcher: Fetcher, unreachable: list[str]
) -> Iterator[tuple[str, bool, list[PublicKey]]]:
    """(URL, authoritative, keys) per document the issuer publishes keys in."""
    parts = urlsplit(issuer)
    origin = f"{parts.scheme}://{parts.netloc}"
    metadata_url = f"{origin}/.well-known/jwt-vc-issuer{parts.path.rstrip('/')}"
    metadata = _fetch_json(metadata_url, fetcher, unreachable)
    if metadata is not None and metadata.get("issuer") == issuer:
        jwks = metadata.get("jwks")
        jwks_uri = metadata.get("jwks_uri")
        if not isinstance(jwks, dict) and isinstance(jwks_uri, str):
            jwks = _fetch_json(jwks_uri, fetcher, unreachable)
        yield metadata_url, True, _keys_of(jwks)
    if not parts.query and not parts.fragment and parts.path not in ("", "/"):
        profile = _fetch_json(issuer, fetcher, unreachable)
        if profile is not None and profile.get("id") in (issuer, None):
            found = _keys_of(profile.get("jwks"))
            found += _keys_of({"keys": [profile.get("publicKeyJwk")]})
            yield issuer, True, found
    jwks_url = f"{origin}/.well-known/jwks.json"
    # A host-wide key set may serve other purposes: it can confirm a key, never disprove one.
    yield jwks_url, False, _keys_of(_fetch_json(jwks_url, fetcher, unreachable))


def _fetch_json(url: str, fetcher: Fetcher, unreachable: list[str]) -> JsonObject | None:
    try:
        fetched = fetcher.fetch(url, accept="application/json", max_bytes=MAX_KEY_DOCUMENT_BYTES)
    except FetchError as error:
        unreachable.append(error.detail)
        return None
    if fetched.status in _ABSENT:
        return None
    if fetched.status != 200:
        unreachable.append(f"{url} answered HTTP {fetched.status}")
        return None
    try:
        return parse_json_object(fetched.body, max_bytes=MAX_KEY_DOCUMENT_BYTES)
    except CredentialFormatError:
        return None


def _keys_of(jwks: JsonValue) -> list[PublicKey]:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    found = []
    for candidate in keys if isinstance(keys, list) else []:
        if candidate is None:
            continue
        try:
            found.append(key_from_jwk(candidate))
        except WalletError:
            continue
    return found


def _same_owner(controller: str, issuer: str) -> bool:
    if controller.startswith("did:") or issuer.startswith("did:"):
        return controller.split("#", 1)[0] == issuer.split("#", 1)[0]
    key_url, issuer_url = urlsplit(controller), urlsplit(issuer)
    return (key_url.scheme, key_url.netloc) == (issuer_url.scheme, issuer_url.netloc)
