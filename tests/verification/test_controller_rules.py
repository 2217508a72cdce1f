"""Controller documents and issuer binding, rule by rule: what is fetched, and why keys are refused.

http(s) verification methods are read from controller documents served by a real server on
127.0.0.1 (``https://vc.example`` mapped onto it); each refusal is checked by its class and its
detail, and each issuer link by its outcome and its reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.support.di_vectors import VECTORS, NoNetwork
from tests.support.httpserver import LocalServer
from tests.support.mapped_fetcher import MappedFetcher, controller_document
from wallet.errors import WalletError
from wallet.fetching import Fetched, SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.controller import (
    Binding,
    IssuerLink,
    fetch_controller_document,
    link_issuer,
    resolve_controller_method,
    resolve_key,
)
from wallet.verification.dids import ResolvedKey
from wallet.verification.keys import public_key_from_multikey

P256 = json.loads((VECTORS / "p256KeyPair.json").read_text())["publicKeyMultibase"]
P384 = json.loads((VECTORS / "p384KeyPair.json").read_text())["publicKeyMultibase"]
ORIGIN = "https://vc.example"
ISSUER = f"{ORIGIN}/issuers/5678"
ACCEPT = "application/ld+json, application/did+ld+json;q=0.9, application/json;q=0.8"
CAP = 256 * 1024
DID_KEY = f"did:key:{P256}"
RELATIONSHIPS = (
    "verificationMethod",
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


def refusal(call: Callable[[], object]) -> tuple[str, str]:
    """The class and detail of the error ``call`` raises.

    The error is not kept, so the socket of a refused fetch is closed now, not in a later test.
    """
    try:
        call()
    except WalletError as error:
        return type(error).__name__, error.detail
    raise AssertionError("nothing was refused")


@pytest.fixture
def mapped(fetcher: SafeFetcher, http_server: LocalServer) -> MappedFetcher:
    return MappedFetcher({ORIGIN: http_server.base_url}, fetcher)


def serve(server: LocalServer, document: JsonObject | bytes, url: str = ISSUER) -> None:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    server.serve(url.removeprefix(ORIGIN), body)


def key(method_id: str, source: str = "") -> ResolvedKey:
    return ResolvedKey(method_id, ISSUER, public_key_from_multikey(P256), source)


@dataclass
class RecordingFetcher:
    """A fetcher that answers every request with 404 and notes the URLs asked for."""

    asked: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.asked.append(url)
        return Fetched(url, 404, "application/json", b"")


@dataclass
class UncappedFetcher:
    """The fetcher given, ignoring the caller's byte cap (its own 2 MB cap still holds)."""

    inner: MappedFetcher

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        return self.inner.fetch(url, accept=accept)


# --- http(s) verification methods -----------------------------------------------------------


def test_https_method_is_read_from_its_controller_document_as_linked_data(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    serve(http_server, controller_document(ISSUER, {"k": P256}))
    resolved = resolve_key(f"{ISSUER}#k", mapped)
    assert (resolved.id, resolved.controller, resolved.source) == (f"{ISSUER}#k", ISSUER, ISSUER)
    assert resolved.public_key == public_key_from_multikey(P256)
    assert http_server.requests == ["/issuers/5678"]
    assert http_server.request_headers[0]["Accept"] == ACCEPT


def test_https_method_is_checked_against_the_purpose_given(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    document = controller_document(ISSUER, {"k": P256}, assertion=[])
    document["authentication"] = [f"{ISSUER}#k"]
    serve(http_server, document)
    assert resolve_key(f"{ISSUER}#k", mapped, purpose="authentication").id == f"{ISSUER}#k"
    assert resolve_controller_method(f"{ISSUER}#k", mapped, purpose="authentication").id == (
        f"{ISSUER}#k"
    )
    detail = f"{ISSUER}#k is not listed as an assertionMethod key of {ISSUER}"
    assert refusal(lambda: resolve_key(f"{ISSUER}#k", mapped)) == ("KeyResolutionError", detail)
    assert refusal(lambda: resolve_controller_method(f"{ISSUER}#k", mapped)) == (
        "KeyResolutionError",
        detail,
    )


@pytest.mark.parametrize("url", ["http://issuer.example/keys#k", "HTTP://issuer.example/k#k"])
def test_plain_http_method_is_not_trusted(url: str) -> None:
    assert refusal(lambda: resolve_key(url, NoNetwork())) == (
        "UnsupportedMethodError",
        f"{url} is not https; its keys cannot be trusted",
    )


def test_plain_http_method_is_read_when_http_is_allowed(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    url = http_server.url("/keys")
    http_server.serve("/keys", json.dumps(controller_document(url, {"k": P256})))
    assert resolve_key(f"{url}#k", fetcher, web_scheme="http").id == f"{url}#k"


def test_https_method_without_fragment_is_refused_unfetched() -> None:
    assert refusal(lambda: resolve_key(ISSUER, NoNetwork())) == (
        "KeyResolutionError",
        f"the verification method {ISSUER} has no fragment",
    )


def test_https_method_of_another_controller_is_refused(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    document = controller_document(ISSUER, {"k": P256})
    methods = document["verificationMethod"]
    assert isinstance(methods, list)
    methods[0]["controller"] = f"{ORIGIN}/issuers/other"
    serve(http_server, document)
    assert refusal(lambda: resolve_key(f"{ISSUER}#k", mapped)) == (
        "KeyResolutionError",
        f"{ISSUER}#k names controller {ORIGIN}/issuers/other, not its document {ISSUER}",
    )


def test_https_method_in_what_is_no_controller_document_is_refused(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    serve(http_server, {"id": ISSUER, "type": "Profile"})
    assert refusal(lambda: resolve_key(f"{ISSUER}#k", mapped)) == (
        "KeyResolutionError",
        f"{ISSUER} is not a controller document",
    )


def test_did_method_is_resolved_over_the_scheme_and_for_the_purpose_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    method = {"id": f"{did}#k", "type": "Multikey", "controller": did, "publicKeyMultibase": P256}
    document = {"id": did, "verificationMethod": [method], "authentication": ["#k"]}
    http_server.serve("/.well-known/did.json", json.dumps(document))
    resolved = resolve_key(f"{did}#k", fetcher, purpose="authentication", web_scheme="http")
    assert (resolved.id, resolved.source) == (f"{did}#k", did)
    assert refusal(lambda: resolve_key(f"{did}#k", fetcher, web_scheme="http")) == (
        "KeyResolutionError",
        f"{did}#k is not listed as an assertionMethod key of {did}",
    )


def test_did_method_is_resolved_over_https_by_default() -> None:
    fetcher = RecordingFetcher()
    assert refusal(lambda: resolve_key("did:web:issuer.example#k", fetcher)) == (
        "KeyResolutionError",
        "no DID document at https://issuer.example/.well-known/did.json (HTTP 404)",
    )
    assert fetcher.asked == ["https://issuer.example/.well-known/did.json"]


def test_did_web_method_is_not_read_over_plain_http_from_another_host() -> None:
    detail = "did:web over plain http is only allowed for loopback hosts"
    assert refusal(
        lambda: resolve_key("did:web:issuer.example#k", NoNetwork(), web_scheme="http")
    ) == ("KeyResolutionError", detail)


def test_method_that_is_neither_did_nor_web_address_cannot_be_resolved_here() -> None:
    assert refusal(lambda: resolve_key("urn:uuid:1#k", NoNetwork())) == (
        "UnsupportedMethodError",
        "'urn:uuid:1#k' is neither a DID nor an http(s) URL",
    )


# --- controller documents -------------------------------------------------------------------


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_controller_document_is_one_with_any_relationship(
    mapped: MappedFetcher, http_server: LocalServer, relationship: str
) -> None:
    document = {"id": ISSUER, relationship: []}
    serve(http_server, document)
    assert fetch_controller_document(ISSUER, mapped) == document


@pytest.mark.parametrize(
    "document",
    [
        b"not json",
        b"[]",
        {"id": ISSUER, "keyAgreement": []},
        {"id": f"{ISSUER}/", "assertionMethod": []},
        {"assertionMethod": []},
    ],
)
def test_controller_document_that_is_none_is_no_document(
    mapped: MappedFetcher, http_server: LocalServer, document: JsonObject | bytes
) -> None:
    serve(http_server, document)
    assert fetch_controller_document(ISSUER, mapped) is None


@pytest.mark.parametrize("status", [201, 404, 410, 500])
def test_controller_document_answering_other_than_ok_cannot_be_had(
    mapped: MappedFetcher, http_server: LocalServer, status: int
) -> None:
    http_server.serve(
        "/issuers/5678", json.dumps({"id": ISSUER, "assertionMethod": []}), status=status
    )
    assert refusal(lambda: fetch_controller_document(ISSUER, mapped)) == (
        "FetchError",
        f"{ISSUER} answered HTTP {status}",
    )


def padded(document: JsonObject, size: int) -> bytes:
    body = json.dumps(document).encode()
    return body + b" " * (size - len(body))


def test_controller_document_as_large_as_the_cap_is_read(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    document = {"id": ISSUER, "assertionMethod": []}
    serve(http_server, padded(document, CAP))
    assert fetch_controller_document(ISSUER, mapped) == document


def test_controller_document_larger_than_the_cap_is_not_fetched(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    serve(http_server, padded({"id": ISSUER, "assertionMethod": []}, CAP + 1))
    assert refusal(lambda: fetch_controller_document(ISSUER, mapped)) == (
        "FetchError",
        f"{http_server.url('/issuers/5678')} is {CAP + 1} bytes; the limit is {CAP}",
    )


def test_controller_document_larger_than_the_cap_is_none_even_from_a_fetcher_without_one(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    serve(http_server, padded({"id": ISSUER, "assertionMethod": []}, CAP + 1))
    assert fetch_controller_document(ISSUER, UncappedFetcher(mapped)) is None


# --- issuer binding -------------------------------------------------------------------------


def test_issuer_binding_without_issuer_is_unknown() -> None:
    link = link_issuer(None, key(f"{ISSUER}#k", ISSUER), NoNetwork())
    assert link == IssuerLink(Binding.UNKNOWN, "the credential names no issuer id")


def test_issuer_binding_of_a_key_from_the_issuers_own_document_is_proven_unfetched() -> None:
    link = link_issuer(ISSUER, key(f"{ISSUER}#k", ISSUER), NoNetwork())
    assert link == IssuerLink(Binding.PROVEN, ISSUER)


@pytest.mark.parametrize(
    ("listed", "binding", "reason"),
    [
        (
            {"assertionMethod": [f"{DID_KEY}#{P256}"]},
            Binding.PROVEN,
            f"{ISSUER} lists {DID_KEY}#{P256}",
        ),
        (
            {"authentication": [f"{DID_KEY}#{P256}"], "assertionMethod": ["#k"]},
            Binding.DISPROVED,
            f"{ISSUER} does not list {DID_KEY}#{P256} as its key",
        ),
    ],
)
def test_issuer_binding_asks_the_issuers_controller_document(
    mapped: MappedFetcher,
    http_server: LocalServer,
    listed: JsonObject,
    binding: Binding,
    reason: str,
) -> None:
    serve(http_server, {"id": ISSUER, **listed})
    link = link_issuer(ISSUER, key(f"{DID_KEY}#{P256}", DID_KEY), mapped)
    assert link == IssuerLink(binding, reason)


def test_issuer_binding_reads_relative_ids_of_the_issuers_document(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    serve(http_server, controller_document(ISSUER, {"k": P256}, assertion=["#k"]))
    link = link_issuer(ISSUER, key(f"{ISSUER}#k"), mapped)
    assert link == IssuerLink(Binding.PROVEN, f"{ISSUER} lists {ISSUER}#k")


def test_issuer_binding_of_an_issuer_without_controller_document_is_unknown(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    serve(http_server, {"id": ISSUER, "type": "Profile"})
    link = link_issuer(ISSUER, key(f"{DID_KEY}#{P256}", DID_KEY), mapped)
    assert link == IssuerLink(Binding.UNKNOWN, f"{ISSUER} publishes no controller document")


@pytest.mark.parametrize(
    ("issuer", "scheme", "detail"),
    [
        (
            "http://issuer.example/1",
            "https",
            "http://issuer.example/1 is not https; its keys cannot be trusted",
        ),
        ("urn:uuid:1", "https", "'urn:uuid:1' is neither a DID nor an http(s) URL"),
        ("urn:uuid:1", "http", "'urn:uuid:1' is neither a DID nor an http(s) URL"),
        ("did:example:1", "https", "the DID method of 'did:example:1' is not supported (example)"),
        (
            "did:web:issuer.example",
            "http",
            "did:web over plain http is only allowed for loopback hosts",
        ),
    ],
)
def test_issuer_binding_of_an_issuer_that_cannot_be_read_here_is_unknown(
    issuer: str, scheme: str, detail: str
) -> None:
    signer = key(f"{DID_KEY}#{P256}", DID_KEY)
    link = link_issuer(issuer, signer, NoNetwork(), web_scheme=scheme)
    assert link == IssuerLink(Binding.UNKNOWN, f"the issuer's document could not be used: {detail}")


def test_issuer_binding_of_a_plain_http_issuer_is_read_when_http_is_allowed(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    issuer = http_server.url("/issuer")
    http_server.serve(
        "/issuer", json.dumps({"id": issuer, "assertionMethod": [f"{DID_KEY}#{P256}"]})
    )
    link = link_issuer(issuer, key(f"{DID_KEY}#{P256}", DID_KEY), fetcher, web_scheme="http")
    assert link == IssuerLink(Binding.PROVEN, f"{issuer} lists {DID_KEY}#{P256}")


def test_issuer_binding_of_an_unreachable_issuer_names_the_fetch_detail(
    mapped: MappedFetcher, http_server: LocalServer
) -> None:
    link = link_issuer(ISSUER, key(f"{DID_KEY}#{P256}", DID_KEY), mapped)
    reason = f"the issuer's document could not be used: {ISSUER} answered HTTP 404"
    assert link == IssuerLink(Binding.UNKNOWN, reason)


def test_issuer_binding_of_a_did_web_issuer_is_read_over_the_scheme_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    http_server.serve(
        "/.well-known/did.json", json.dumps({"id": did, "assertionMethod": [f"{DID_KEY}#{P256}"]})
    )
    signer = key(f"{DID_KEY}#{P256}", DID_KEY)
    assert link_issuer(did, signer, fetcher, web_scheme="http") == IssuerLink(
        Binding.PROVEN, f"{did} lists {DID_KEY}#{P256}"
    )


def test_issuer_binding_of_a_did_web_issuer_is_read_over_https_by_default() -> None:
    fetcher = RecordingFetcher()
    link = link_issuer("did:web:issuer.example", key(f"{DID_KEY}#{P256}", DID_KEY), fetcher)
    assert link == IssuerLink(
        Binding.UNKNOWN,
        "the issuer's document could not be used: "
        "no DID document at https://issuer.example/.well-known/did.json (HTTP 404)",
    )
    assert fetcher.asked == ["https://issuer.example/.well-known/did.json"]


@pytest.mark.parametrize("fragment", ["", f"#{P256}", "#a#b"])
def test_issuer_binding_of_a_did_issuer_reads_the_document_of_the_did(fragment: str) -> None:
    other = P384
    signer = key(f"{DID_KEY}#{P256}", DID_KEY)
    assert link_issuer(f"{DID_KEY}{fragment}", key(f"{DID_KEY}#{P256}", "x"), NoNetwork()) == (
        IssuerLink(Binding.PROVEN, f"{DID_KEY}{fragment} lists {DID_KEY}#{P256}")
    )
    assert link_issuer(f"did:key:{other}{fragment}", signer, NoNetwork()) == IssuerLink(
        Binding.DISPROVED, f"did:key:{other}{fragment} does not list {DID_KEY}#{P256} as its key"
    )
