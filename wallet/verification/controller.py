"""Controlled Identifiers: keys behind http(s) verification methods, and who controls a key.

A verification method that is an http(s) URL is dereferenced as a controller document (VC
Data Integrity "Retrieve Verification Method"). Whether the credential's issuer controls the
signing key is settled only by the issuer's own DID or controller document: a key the proof
names for itself never authenticates the issuer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, parse_json_object
from wallet.verification.dids import (
    KeyResolutionError,
    ResolvedKey,
    UnsupportedMethodError,
    find_verification_method,
    listed_methods,
    resolve_did_document,
    resolve_verification_method,
)

MAX_CONTROLLER_DOCUMENT_BYTES = 256 * 1024
_ACCEPT = "application/ld+json, application/did+ld+json;q=0.9, application/json;q=0.8"
_RELATIONSHIPS = (
    "verificationMethod",
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


class Binding(enum.Enum):
    """Whether the issuer's published document lists the signing key."""

    PROVEN = "proven"
    DISPROVED = "disproved"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IssuerLink:
    """The outcome of linking a key to the issuer, and why."""

    binding: Binding
    reason: str


def resolve_key(
    url: str, fetcher: Fetcher, *, purpose: str = "assertionMethod", web_scheme: str = "https"
) -> ResolvedKey:
    """The key a proof's ``verificationMethod`` names: a DID URL or an http(s) URL.

    ``FetchError`` or ``UnsupportedMethodError`` when it cannot be established here,
    ``KeyResolutionError`` when the published document contradicts it.
    """
    if _is_web_url(url):
        _require_https(url, web_scheme)
        return resolve_controller_method(url, fetcher, purpose=purpose)
    return resolve_verification_method(url, fetcher, purpose=purpose, web_scheme=web_scheme)


def resolve_controller_method(
    url: str, fetcher: Fetcher, *, purpose: str = "assertionMethod"
) -> ResolvedKey:
    """The method at http(s) ``url``, from the controller document at the URL without fragment."""
    document_url, _, fragment = url.partition("#")
    if not fragment:
        raise KeyResolutionError(f"the verification method {url} has no fragment")
    document = fetch_controller_document(document_url, fetcher)
    if document is None:
        raise KeyResolutionError(f"{document_url} is not a controller document")
    resolved = find_verification_method(document, document_url, fragment, purpose)
    if resolved.controller != document_url:
        raise KeyResolutionError(
            f"{url} names controller {resolved.controller}, not its document {document_url}"
        )
    return resolved


def fetch_controller_document(url: str, fetcher: Fetcher) -> JsonObject | None:
    """The controller document at ``url``; ``None`` when what is there is not one.

    ``FetchError`` when nothing usable answered (the document could not be had).
    """
    fetched = fetcher.fetch(url, accept=_ACCEPT, max_bytes=MAX_CONTROLLER_DOCUMENT_BYTES)
    if fetched.status != 200:
        raise FetchError(f"{url} answered HTTP {fetched.status}")
    try:
        document = parse_json_object(fetched.body, max_bytes=MAX_CONTROLLER_DOCUMENT_BYTES)
    except CredentialFormatError:
        return None
    if document.get("id") != url or not any(name in document for name in _RELATIONSHIPS):
        return None
    return document


def link_issuer(
    issuer: str | None, key: ResolvedKey, fetcher: Fetcher, *, web_scheme: str = "https"
) -> IssuerLink:
    """Whether the issuer's own document lists ``key`` for making assertions."""
    if issuer is None:
        return IssuerLink(Binding.UNKNOWN, "the credential names no issuer id")
    if key.source == issuer:
        # The key was found listed for assertions in the issuer's own document.
        return IssuerLink(Binding.PROVEN, issuer)
    try:
        document = _issuer_document(issuer, fetcher, web_scheme)
    except (FetchError, KeyResolutionError) as error:
        reason = f"the issuer's document could not be used: {_message(error)}"
        return IssuerLink(Binding.UNKNOWN, reason)
    if document is None:
        return IssuerLink(Binding.UNKNOWN, f"{issuer} publishes no controller document")
    if key.id in listed_methods(document, issuer, "assertionMethod"):
        return IssuerLink(Binding.PROVEN, f"{issuer} lists {key.id}")
    return IssuerLink(Binding.DISPROVED, f"{issuer} does not list {key.id} as its key")


def _issuer_document(issuer: str, fetcher: Fetcher, web_scheme: str) -> JsonObject | None:
    if issuer.startswith("did:"):
        return resolve_did_document(issuer.split("#", 1)[0], fetcher, web_scheme=web_scheme)
    if _is_web_url(issuer):
        _require_https(issuer, web_scheme)
        return fetch_controller_document(issuer, fetcher)
    raise UnsupportedMethodError(f"{issuer!r} is neither a DID nor an http(s) URL")


def _require_https(url: str, web_scheme: str) -> None:
    """A key document read over plain http could have been replaced on the way."""
    if urlsplit(url).scheme != "https" and web_scheme != "http":
        raise UnsupportedMethodError(f"{url} is not https; its keys cannot be trusted")


def _is_web_url(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _message(error: WalletError) -> str:
    return error.detail
