"""DID resolution, rule by rule: the documents built, the addresses read, every refusal's words.

did:key and did:jwk documents are built from the DID alone and compared whole, from the
published vectors; did:web documents come from a real server on 127.0.0.1, which records the
paths and headers it was asked with. Each refusal is checked by its class and its detail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tests.support.di_vectors import NoNetwork
from tests.support.httpserver import LocalServer
from wallet.errors import WalletError
from wallet.fetching import Fetched, SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.dids import (
    PublicKey,
    did_web_url,
    find_verification_method,
    listed_keys,
    listed_methods,
    resolve_did_document,
    resolve_verification_method,
)
from wallet.verification.multibase import (
    ED25519_PUB,
    encode_base58,
    encode_base64url,
    encode_multibase,
)

DIDS = Path(__file__).resolve().parent.parent / "data" / "conformance" / "dids"
DID_KEYS = json.loads((DIDS / "did-key-ed25519.json").read_text())
DID_JWKS = json.loads((DIDS / "did-jwk.json").read_text())
# The did:key of the all-zero seed and the P-256 did:jwk of the did:jwk specification.
ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
P256_DID_JWK = next(did for did, vector in DID_JWKS.items() if vector["assertionMethod"])
X25519_DID_JWK = next(did for did, vector in DID_JWKS.items() if not vector["assertionMethod"])
DID_ACCEPT = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
CAP = 256 * 1024
JWK_CAP = 16 * 1024
DID = "did:web:issuer.example"
SIGNING_PURPOSES = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


def raw(key: PublicKey | Ed25519PrivateKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    assert isinstance(public, Ed25519PublicKey)
    data: bytes = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return data


def seeded(seed: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed.to_bytes(32, "big"))


def multikey(key: Ed25519PrivateKey) -> str:
    return encode_multibase(ED25519_PUB + raw(key))


def did_jwk(jwk: dict[str, Any]) -> str:
    return "did:jwk:" + encode_base64url(json.dumps(jwk, separators=(",", ":")).encode())


def okp(key: Ed25519PrivateKey, **members: Any) -> dict[str, Any]:
    return {"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(raw(key)), **members}


def method(fragment: str, key: Ed25519PrivateKey, **changes: Any) -> JsonObject:
    """A Multikey method ``#fragment`` of DID; ``changes`` replace (None: remove) members."""
    described: JsonObject = {
        "id": f"{DID}#{fragment}",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": multikey(key),
    }
    for name, value in changes.items():
        if value is None:
            described.pop(name)
        else:
            described[name] = value
    return described


def refusal(call: Callable[[], object]) -> tuple[str, str]:
    """The class and detail of the error ``call`` raises.

    Not kept in a ``pytest.raises``: its traceback would hold a refused fetch's socket open
    until a later test collects it.
    """
    try:
        call()
    except WalletError as error:
        return type(error).__name__, error.detail
    raise AssertionError("nothing was refused")


def padded(document: JsonObject, size: int) -> bytes:
    body = json.dumps(document).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


def loopback_did(server: LocalServer, *path: str) -> str:
    return ":".join([f"did:web:{server.host.replace(':', '%3A')}", *path])


@dataclass
class RecordingFetcher:
    """A fetcher that answers every request with ``status`` and notes what was asked."""

    status: int = 404
    asked: list[tuple[str, str, int | None]] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.asked.append((url, accept, max_bytes))
        return Fetched(url, self.status, "application/json", b"")


@dataclass
class UncappedFetcher:
    """The real fetcher, ignoring the caller's byte cap (its own 2 MB cap still holds)."""

    inner: SafeFetcher

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        return self.inner.fetch(url, accept=accept)


# --- did:key --------------------------------------------------------------------------------


def test_did_key_document_lists_its_one_multikey_for_every_signing_purpose() -> None:
    fingerprint = ZERO_SEED_DID.removeprefix("did:key:")
    method_id = f"{ZERO_SEED_DID}#{fingerprint}"
    assert resolve_did_document(ZERO_SEED_DID, NoNetwork()) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ZERO_SEED_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": ZERO_SEED_DID,
                "publicKeyMultibase": fingerprint,
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


@pytest.mark.parametrize("did", list(DID_KEYS)[:3])
@pytest.mark.parametrize("suffix", ["", "?versionTime=2025-01-01T00:00:00Z", "?a=1?b=2"])
def test_did_key_method_is_its_one_key_named_or_not(did: str, suffix: str) -> None:
    fingerprint = did.removeprefix("did:key:")
    for url in (f"{did}{suffix}#{fingerprint}", f"{did}{suffix}"):
        resolved = resolve_verification_method(url, NoNetwork())
        assert (resolved.id, resolved.controller, resolved.source) == (
            f"{did}#{fingerprint}",
            did,
            did,
        )
        assert raw(resolved.public_key) == raw(seeded(int(DID_KEYS[did]["seed"], 16)))


def test_did_key_method_once_resolved_is_remembered() -> None:
    url = f"{ZERO_SEED_DID}#{ZERO_SEED_DID[8:]}"
    first = resolve_verification_method(url, NoNetwork())
    assert resolve_verification_method(url, NoNetwork()) is first


@pytest.mark.parametrize(
    ("did", "detail"),
    [
        (
            "did:key:6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "a did:key must be a base58btc multikey (starting with 'z')",
        ),
        (
            "did:key:u7QE7aqRWN9Y",
            "a did:key must be a base58btc multikey (starting with 'z')",
        ),
        (
            "did:key:z2DQUyFHStG42FqbEhyM6LhkEqqV45NGGqKCwNxVWWu7Yzj",
            "the did:key is not a usable key: an Ed25519 public key is 32 bytes",
        ),
        (
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "the did:key is not a usable key: the multikey is not an Ed25519, P-256 or P-384 "
            "public key",
        ),
    ],
)
def test_did_key_refusal_names_the_reason(did: str, detail: str) -> None:
    by_document = refusal(lambda: resolve_did_document(did, NoNetwork()))
    by_method = refusal(lambda: resolve_verification_method(f"{did}#{did[8:]}", NoNetwork()))
    assert by_document == by_method == ("KeyResolutionError", detail)


def test_did_key_is_no_key_agreement_key() -> None:
    url = f"{ZERO_SEED_DID}#{ZERO_SEED_DID[8:]}"
    refused = refusal(lambda: resolve_verification_method(url, NoNetwork(), purpose="keyAgreement"))
    assert refused == (
        "KeyResolutionError",
        f"{url} is not listed as an keyAgreement key of {ZERO_SEED_DID}",
    )


# --- did:jwk --------------------------------------------------------------------------------


def jwk_document(did: str, jwk: dict[str, Any], purposes: tuple[str, ...]) -> JsonObject:
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": did,
        "verificationMethod": [
            {"id": f"{did}#0", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
        ],
        **{purpose: [f"{did}#0"] for purpose in purposes},
    }


def test_did_jwk_document_of_the_published_p256_example() -> None:
    document = resolve_did_document(P256_DID_JWK, NoNetwork())
    assert document == jwk_document(
        P256_DID_JWK,
        DID_JWKS[P256_DID_JWK]["publicKeyJwk"],
        SIGNING_PURPOSES,
    )


@pytest.mark.parametrize("use", [None, "sig"])
def test_did_jwk_signing_key_is_listed_for_every_signing_purpose(use: str | None) -> None:
    key = seeded(7)
    jwk = okp(key) if use is None else okp(key, use=use)
    did = did_jwk(jwk)
    assert resolve_did_document(did, NoNetwork()) == jwk_document(did, jwk, SIGNING_PURPOSES)
    for purpose in SIGNING_PURPOSES:
        resolved = resolve_verification_method(f"{did}#0", NoNetwork(), purpose=purpose)
        assert (resolved.id, resolved.controller, raw(resolved.public_key)) == (
            f"{did}#0",
            did,
            raw(key),
        )


def test_did_jwk_encryption_key_is_listed_for_key_agreement_only() -> None:
    key = seeded(8)
    jwk = okp(key, use="enc")
    did = did_jwk(jwk)
    assert resolve_did_document(did, NoNetwork()) == jwk_document(did, jwk, ("keyAgreement",))
    agreed = resolve_verification_method(f"{did}#0", NoNetwork(), purpose="keyAgreement")
    assert raw(agreed.public_key) == raw(key)
    refused = refusal(lambda: resolve_verification_method(f"{did}#0", NoNetwork()))
    assert refused == (
        "KeyResolutionError",
        f"{did}#0 is not listed as an assertionMethod key of {did}",
    )


@pytest.mark.parametrize(
    ("did", "detail"),
    [
        ("did:jwk:e30*", "value is not valid base64url"),
        (
            "did:jwk:" + encode_base64url(b"{kty}"),
            "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2",
        ),
        ("did:jwk:" + encode_base64url(b"[1]"), "publicKeyJwk is not an object"),
        (did_jwk(okp(seeded(1), d="AAAA")), "the JWK contains private key material"),
        (X25519_DID_JWK, "only the Ed25519 OKP curve is supported"),
    ],
)
def test_did_jwk_refusal_names_the_reason(did: str, detail: str) -> None:
    refused = refusal(lambda: resolve_did_document(did, NoNetwork()))
    assert refused == (
        "KeyResolutionError",
        f"the did:jwk does not hold a public JWK: {detail}",
    )


def sized_jwk(size: int) -> dict[str, Any]:
    """An Ed25519 JWK whose compact JSON is ``size`` bytes long."""
    jwk = okp(seeded(2), kid="")
    jwk["kid"] = "k" * (size - len(json.dumps(jwk, separators=(",", ":"))))
    assert len(json.dumps(jwk, separators=(",", ":"))) == size
    return jwk


def test_did_jwk_as_large_as_the_cap_is_read() -> None:
    did = did_jwk(sized_jwk(JWK_CAP))
    assert raw(resolve_verification_method(f"{did}#0", NoNetwork()).public_key) == raw(seeded(2))


def test_did_jwk_one_byte_larger_than_the_cap_is_refused() -> None:
    refused = refusal(lambda: resolve_did_document(did_jwk(sized_jwk(JWK_CAP + 1)), NoNetwork()))
    assert refused == (
        "KeyResolutionError",
        f"the did:jwk does not hold a public JWK: JSON document is {JWK_CAP + 1} bytes; "
        f"the limit is {JWK_CAP}",
    )


def nested(depth: int) -> dict[str, Any]:
    """An Ed25519 JWK nested ``depth`` objects deep (itself counted)."""
    inner: dict[str, Any] = {}
    for _ in range(depth - 2):
        inner = {"a": inner}
    return okp(seeded(3), ext=inner)


def test_did_jwk_nested_four_deep_is_read_and_five_deep_refused() -> None:
    four = did_jwk(nested(4))
    assert raw(resolve_verification_method(f"{four}#0", NoNetwork()).public_key) == raw(seeded(3))
    refused = refusal(lambda: resolve_did_document(did_jwk(nested(5)), NoNetwork()))
    assert refused == (
        "KeyResolutionError",
        "the did:jwk does not hold a public JWK: JSON is nested deeper than 4 levels",
    )


# --- other DIDs and URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "method"),
    [
        ("did:example:123", "example"),
        ("did:ion:EiA:abc", "ion"),
        ("did:example", "did:example"),
    ],
)
def test_unsupported_did_method_names_it(did: str, method: str) -> None:
    by_document = refusal(lambda: resolve_did_document(did, NoNetwork()))
    by_method = refusal(lambda: resolve_verification_method(f"{did}#key-1", NoNetwork()))
    detail = f"the DID method of {did!r} is not supported ({method})"
    assert by_document == by_method == ("UnsupportedMethodError", detail)


@pytest.mark.parametrize("url", ["https://issuer.example/keys#1", "urn:uuid:1234", "did"])
def test_verification_method_that_is_no_did_cannot_be_resolved_here(url: str) -> None:
    refused = refusal(lambda: resolve_verification_method(url, NoNetwork()))
    assert refused == (
        "UnsupportedMethodError",
        f"{url!r} is neither a DID nor an http(s) URL",
    )


# --- did:web addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        # The examples of the did:web method specification.
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com%3a3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3A65535:a", "https://example.com:65535/a/did.json"),
        ("did:web:127.0.0.1%3A8080", "https://127.0.0.1:8080/.well-known/did.json"),
    ],
)
def test_did_web_address_is_read_over_https_by_default(did: str, url: str) -> None:
    assert did_web_url(did) == url
    assert did_web_url(did, scheme="https") == url


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
        ("did:web:example.com:uploads:x.json%23", "https://example.com/uploads/x.json%23/did.json"),
        ("did:web:example.com:x.json%3F", "https://example.com/x.json%3F/did.json"),
        ("did:web:example.com:100%25", "https://example.com/100%25/did.json"),
        ("did:web:example.com:%7Euser", "https://example.com/~user/did.json"),
    ],
)
def test_did_web_path_keeps_its_percent_encoded_characters(did: str, url: str) -> None:
    assert did_web_url(did) == url


def test_did_web_path_cut_by_an_encoded_fragment_does_not_reach_other_documents(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = loopback_did(http_server, "uploads", "x.json%23")
    http_server.serve("/uploads/x.json", json.dumps({"id": did}))
    refused = refusal(lambda: resolve_did_document(did, fetcher, web_scheme="http"))
    assert refused == (
        "KeyResolutionError",
        f"no DID document at {http_server.url('/uploads/x.json%23/did.json')} (HTTP 404)",
    )
    assert http_server.requests == ["/uploads/x.json%23/did.json"]


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:127.0.0.1%3A8080", "http://127.0.0.1:8080/.well-known/did.json"),
        ("did:web:127.0.0.2:a", "http://127.0.0.2/a/did.json"),
        ("did:web:localhost%3A5000:a:b", "http://localhost:5000/a/b/did.json"),
        ("did:web:localhost", "http://localhost/.well-known/did.json"),
    ],
)
def test_did_web_address_of_a_loopback_host_may_be_plain_http(did: str, url: str) -> None:
    assert did_web_url(did, scheme="http") == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:issuer.example",
        "did:web:issuer.example%3A8080",
        "did:web:10.0.0.1%3A80",
        "did:web:localhost.example",
        "did:web:8080",
    ],
)
def test_did_web_address_of_another_host_is_never_plain_http(did: str) -> None:
    refused = refusal(lambda: did_web_url(did, scheme="http"))
    assert refused == (
        "KeyResolutionError",
        "did:web over plain http is only allowed for loopback hosts",
    )


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:.example.com",
        "did:web:example..com",
        "did:web:%2E%2Eexample.com",
        "did:web:exa_mple.com",
        "did:web:example.com%2Fpath",
        "did:web:example.com%3A123456",
        "did:web:example.com%3A",
        "did:web:user%40example.com",
    ],
)
def test_did_web_address_refuses_an_invalid_host(did: str) -> None:
    refused = refusal(lambda: did_web_url(did))
    assert refused == ("KeyResolutionError", f"{did!r} does not name a valid did:web host")


@pytest.mark.parametrize(
    "path",
    [":", "::alice", ":alice:", ":a%2Fb", ":.", ":..", ":%2E", ":%2E%2E", ":a:..:b"],
)
def test_did_web_address_refuses_an_invalid_path(path: str) -> None:
    did = "did:web:example.com" + path
    refused = refusal(lambda: did_web_url(did))
    assert refused == ("KeyResolutionError", f"{did!r} has an invalid did:web path")


# --- did:web documents ----------------------------------------------------------------------


def test_did_web_document_is_asked_for_as_a_did_document(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = loopback_did(http_server, "issuers", "acme")
    http_server.serve("/issuers/acme/did.json", json.dumps({"id": did}))
    assert resolve_did_document(did, fetcher, web_scheme="http") == {"id": did}
    assert http_server.requests == ["/issuers/acme/did.json"]
    assert http_server.request_headers[0]["Accept"] == DID_ACCEPT


@pytest.mark.parametrize("resolve", ["document", "method"])
def test_did_web_is_read_over_https_within_the_cap_by_default(resolve: str) -> None:
    fetcher = RecordingFetcher()
    if resolve == "document":
        refused = refusal(lambda: resolve_did_document(DID, fetcher))
    else:
        refused = refusal(lambda: resolve_verification_method(f"{DID}#key-1", fetcher))
    assert refused == (
        "KeyResolutionError",
        "no DID document at https://issuer.example/.well-known/did.json (HTTP 404)",
    )
    assert fetcher.asked == [("https://issuer.example/.well-known/did.json", DID_ACCEPT, CAP)]


def test_did_web_document_as_large_as_the_cap_is_read(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = loopback_did(http_server)
    http_server.serve("/.well-known/did.json", padded({"id": did}, CAP))
    assert resolve_did_document(did, fetcher, web_scheme="http") == {"id": did}


def test_did_web_document_larger_than_the_cap_is_not_fetched(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = loopback_did(http_server)
    url = http_server.serve("/.well-known/did.json", padded({"id": did}, CAP + 1))
    refused = refusal(lambda: resolve_did_document(did, fetcher, web_scheme="http"))
    assert refused == ("FetchError", f"{url} is {CAP + 1} bytes; the limit is {CAP}")


def test_did_web_document_larger_than_the_cap_is_refused_even_by_a_fetcher_without_one(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = loopback_did(http_server)
    url = http_server.serve("/.well-known/did.json", padded({"id": did}, CAP + 1))
    refused = refusal(
        lambda: resolve_did_document(did, UncappedFetcher(fetcher), web_scheme="http")
    )
    assert refused == (
        "KeyResolutionError",
        f"the DID document at {url} is not JSON: JSON document is {CAP + 1} bytes; "
        f"the limit is {CAP}",
    )


@pytest.mark.parametrize("status", [404, 410])
def test_did_web_without_a_document_is_refused(
    fetcher: SafeFetcher, http_server: LocalServer, status: int
) -> None:
    did = loopback_did(http_server)
    url = http_server.serve("/.well-known/did.json", json.dumps({"id": did}), status=status)
    refused = refusal(lambda: resolve_did_document(did, fetcher, web_scheme="http"))
    assert refused == ("KeyResolutionError", f"no DID document at {url} (HTTP {status})")


@pytest.mark.parametrize("status", [201, 400, 403, 500, 503])
def test_did_web_answering_other_than_ok_cannot_be_checked_now(
    fetcher: SafeFetcher, http_server: LocalServer, status: int
) -> None:
    did = loopback_did(http_server)
    url = http_server.serve("/.well-known/did.json", json.dumps({"id": did}), status=status)
    refused = refusal(lambda: resolve_did_document(did, fetcher, web_scheme="http"))
    assert refused == (
        "FetchError",
        f"the DID document at {url} answered HTTP {status}",
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("[]", "expected a JSON object at the top level"),
        ("nope", "not valid JSON: Expecting value at line 1, column 1"),
    ],
)
def test_did_web_document_that_is_no_json_object_names_the_reason(
    fetcher: SafeFetcher, http_server: LocalServer, body: str, detail: str
) -> None:
    did = loopback_did(http_server)
    url = http_server.serve("/.well-known/did.json", body)
    refused = refusal(lambda: resolve_did_document(did, fetcher, web_scheme="http"))
    assert refused == (
        "KeyResolutionError",
        f"the DID document at {url} is not JSON: {detail}",
    )


@pytest.mark.parametrize("document", [{}, {"id": "did:web:issuer.example"}])
def test_did_web_document_of_another_did_is_refused(
    fetcher: SafeFetcher, http_server: LocalServer, document: JsonObject
) -> None:
    did = loopback_did(http_server)
    http_server.serve("/.well-known/did.json", json.dumps(document))
    refused = refusal(lambda: resolve_did_document(did, fetcher, web_scheme="http"))
    assert refused == ("KeyResolutionError", f"the DID document's id is not {did}")


def test_did_web_method_is_read_from_the_document_without_query_over_the_scheme_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = loopback_did(http_server)
    key = seeded(4)
    document = {
        "id": did,
        "verificationMethod": [{**method("k", key), "id": f"{did}#k", "controller": did}],
        "assertionMethod": ["#k"],
    }
    http_server.serve("/.well-known/did.json", json.dumps(document))
    resolved = resolve_verification_method(f"{did}?versionId=2#k", fetcher, web_scheme="http")
    assert (resolved.id, resolved.controller, resolved.source) == (f"{did}#k", did, did)
    assert raw(resolved.public_key) == raw(key)
    refused = refusal(
        lambda: resolve_verification_method(
            f"{did}#k", fetcher, purpose="authentication", web_scheme="http"
        )
    )
    assert refused == (
        "KeyResolutionError",
        f"{did}#k is not listed as an authentication key of {did}",
    )
    assert http_server.requests == ["/.well-known/did.json"] * 2


# --- methods in a document ------------------------------------------------------------------


def test_method_not_named_is_the_first_listed_for_the_purpose() -> None:
    document: JsonObject = {
        "verificationMethod": [method("a", seeded(5)), method("b", seeded(6))],
        "authentication": ["#a"],
        "assertionMethod": ["#b", "#a"],
    }
    resolved = find_verification_method(document, DID, "", "assertionMethod")
    assert (resolved.id, raw(resolved.public_key)) == (f"{DID}#b", raw(seeded(6)))
    resolved = find_verification_method(document, DID, "", "authentication")
    assert (resolved.id, raw(resolved.public_key)) == (f"{DID}#a", raw(seeded(5)))


@pytest.mark.parametrize(
    "listed", [None, [], "#a", [7, None, {"type": "Multikey"}, {"id": 7}, ["#a"]]]
)
def test_method_not_named_of_a_purpose_listing_nothing_is_refused(listed: Any) -> None:
    document: JsonObject = {"verificationMethod": [method("a", seeded(5))]}
    if listed is not None:
        document["assertionMethod"] = listed
    refused = refusal(lambda: find_verification_method(document, DID, "", "assertionMethod"))
    assert refused == (
        "KeyResolutionError",
        "the DID document lists no assertionMethod key",
    )


@pytest.mark.parametrize(
    ("listed", "declared"),
    [("#k", "#k"), ("#k", f"{DID}#k"), (f"{DID}#k", "#k"), (f"{DID}#k", f"{DID}#k")],
)
def test_method_ids_are_read_relative_to_the_did(listed: str, declared: str) -> None:
    key = seeded(9)
    document: JsonObject = {
        "verificationMethod": [method("k", key, id=declared, controller="did:web:other.example")],
        "assertionMethod": [listed],
    }
    resolved = find_verification_method(document, DID, "k", "assertionMethod")
    assert (resolved.id, resolved.controller, resolved.source, raw(resolved.public_key)) == (
        f"{DID}#k",
        "did:web:other.example",
        DID,
        raw(key),
    )
    assert listed_methods(document, DID, "assertionMethod") == {f"{DID}#k"}


def test_method_embedded_under_the_purpose_is_preferred_to_the_declared_one() -> None:
    document: JsonObject = {
        "verificationMethod": [method("k", seeded(10))],
        "assertionMethod": [method("k", seeded(11), id="#k")],
    }
    resolved = find_verification_method(document, DID, "k", "assertionMethod")
    assert raw(resolved.public_key) == raw(seeded(11))


def test_method_listed_but_not_described_is_refused() -> None:
    document: JsonObject = {
        "verificationMethod": [method("a", seeded(5)), "#k", {"id": 5}],
        "assertionMethod": ["#k"],
    }
    refused = refusal(lambda: find_verification_method(document, DID, "k", "assertionMethod"))
    assert refused == ("KeyResolutionError", f"the DID document does not describe {DID}#k")


@pytest.mark.parametrize("controller", [None, 7, ["did:web:issuer.example"]])
def test_method_without_a_controller_is_refused(controller: Any) -> None:
    document: JsonObject = {
        "verificationMethod": [method("k", seeded(5), controller=controller)],
        "assertionMethod": ["#k"],
    }
    refused = refusal(lambda: find_verification_method(document, DID, "k", "assertionMethod"))
    assert refused == ("KeyResolutionError", f"{DID}#k names no controller")


def test_method_not_listed_for_the_purpose_is_refused() -> None:
    document: JsonObject = {
        "verificationMethod": [method("k", seeded(5))],
        "authentication": ["#k"],
        "assertionMethod": ["#other"],
    }
    refused = refusal(lambda: find_verification_method(document, DID, "k", "assertionMethod"))
    assert refused == (
        "KeyResolutionError",
        f"{DID}#k is not listed as an assertionMethod key of {DID}",
    )


KEY = seeded(12)


@pytest.mark.parametrize(
    ("kind", "member", "value"),
    [
        ("Multikey", "publicKeyMultibase", multikey(KEY)),
        ("Ed25519VerificationKey2020", "publicKeyMultibase", multikey(KEY)),
        ("Ed25519VerificationKey2018", "publicKeyBase58", encode_base58(raw(KEY))),
        ("JsonWebKey2020", "publicKeyJwk", okp(KEY)),
        ("JsonWebKey", "publicKeyJwk", okp(KEY)),
    ],
)
def test_method_key_is_read_from_the_member_of_its_type(kind: str, member: str, value: Any) -> None:
    described = {"id": "#k", "type": kind, "controller": DID, member: value}
    resolved = find_verification_method(
        {"assertionMethod": [described]}, DID, "k", "assertionMethod"
    )
    assert raw(resolved.public_key) == raw(KEY)


@pytest.mark.parametrize(
    ("kind", "members", "detail"),
    [
        ("Multikey", {}, "the verification method lacks publicKeyMultibase"),
        (
            "Multikey",
            {"publicKeyBase58": encode_base58(raw(KEY))},
            "the verification method lacks publicKeyMultibase",
        ),
        (
            "Ed25519VerificationKey2020",
            {"publicKeyMultibase": 5},
            "the verification method lacks publicKeyMultibase",
        ),
        (
            "Ed25519VerificationKey2018",
            {"publicKeyMultibase": multikey(KEY)},
            "the verification method lacks publicKeyBase58",
        ),
        (
            "Ed25519VerificationKey2018",
            {"publicKeyBase58": ["x"]},
            "the verification method lacks publicKeyBase58",
        ),
        ("JsonWebKey2020", {"publicKeyMultibase": multikey(KEY)}, "publicKeyJwk is not an object"),
        (
            "JsonWebKey",
            {"publicKeyJwk": okp(KEY, d="AAAA")},
            "the JWK contains private key material",
        ),
        (
            "Multikey",
            {"publicKeyMultibase": "z2DQUyFHStG42FqbEhyM6LhkEqqV45NGGqKCwNxVWWu7Yzj"},
            "an Ed25519 public key is 32 bytes",
        ),
    ],
)
def test_method_key_that_is_unusable_names_the_reason(
    kind: str, members: JsonObject, detail: str
) -> None:
    described = {"id": "#k", "type": kind, "controller": DID, **members}
    refused = refusal(
        lambda: find_verification_method(
            {"assertionMethod": [described]}, DID, "k", "assertionMethod"
        )
    )
    assert refused == (
        "KeyResolutionError",
        f"the verification method's key is unusable: {detail}",
    )


@pytest.mark.parametrize("kind", [None, "EcdsaSecp256k1VerificationKey2019", "multikey"])
def test_method_of_another_type_cannot_be_used_here(kind: str | None) -> None:
    described = {"id": "#k", "controller": DID, "publicKeyMultibase": multikey(KEY)}
    if kind is not None:
        described["type"] = kind
    refused = refusal(
        lambda: find_verification_method(
            {"assertionMethod": [described]}, DID, "k", "assertionMethod"
        )
    )
    assert refused == (
        "UnsupportedMethodError",
        f"verification methods of type {kind!r} are not supported",
    )


# --- keys and methods listed for a purpose --------------------------------------------------


def test_listed_keys_are_the_usable_keys_of_the_purpose_in_order() -> None:
    document: JsonObject = {
        "verificationMethod": [
            "#x",
            {"id": 5},
            method(
                "bad", KEY, publicKeyMultibase="z2DQUyFHStG42FqbEhyM6LhkEqqV45NGGqKCwNxVWWu7Yzj"
            ),
            method("odd", KEY, type="EcdsaSecp256k1VerificationKey2019"),
            method("a", seeded(13), id="#a"),
            method("c", seeded(15)),
            method("b", seeded(99)),
        ],
        "assertionMethod": [
            "#gone",
            "#bad",
            "#odd",
            "#a",
            method("b", seeded(14), id="#b"),
            3,
            {"id": 3},
        ],
        "authentication": [f"{DID}#c"],
    }
    assert [raw(key) for key in listed_keys(document, DID)] == [raw(seeded(13)), raw(seeded(14))]
    assert [raw(key) for key in listed_keys(document, DID, "authentication")] == [raw(seeded(15))]
    assert listed_methods(document, DID, "assertionMethod") == {
        f"{DID}#{name}" for name in ("gone", "bad", "odd", "a", "b")
    }
    assert listed_methods(document, DID, "authentication") == {f"{DID}#c"}
    assert listed_methods(document, DID, "keyAgreement") == frozenset()


@pytest.mark.parametrize("declared", [None, "#a", {"id": "#a"}])
def test_listed_keys_ignore_a_method_list_that_is_no_list(declared: Any) -> None:
    document: JsonObject = {"assertionMethod": ["#a", method("b", seeded(14), id="#b")]}
    if declared is not None:
        document["verificationMethod"] = declared
    assert [raw(key) for key in listed_keys(document, DID)] == [raw(seeded(14))]


@pytest.mark.parametrize("listed", ["#a", {"id": "#a"}])
def test_listed_keys_of_a_purpose_that_is_no_list_are_none(listed: Any) -> None:
    document: JsonObject = {
        "verificationMethod": [method("a", seeded(13))],
        "assertionMethod": listed,
    }
    assert listed_keys(document, DID) == []
    assert listed_methods(document, DID, "assertionMethod") == frozenset()
