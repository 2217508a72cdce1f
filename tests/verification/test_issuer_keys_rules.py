"""Issuer keys, rule by rule: the documents read, the addresses asked, every outcome's words.

The issuer's web documents come from a real server on 127.0.0.1, which records the paths and
headers it was asked with; DID issuers are did:jwk, did:key (from the published zero seed) and
did:web on that server. Each lookup is compared whole: listed, disproved and the reason.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import IssuerKey, did_jwk, issue_certificate, make_ca, new_key
from wallet.errors import FetchError, WalletError
from wallet.fetching import Fetched, SafeFetcher
from wallet.verification.dids import PublicKey, resolve_did_document, resolve_verification_method
from wallet.verification.issuer_keys import (
    PublishedKeys,
    issuer_binding_check,
    published_keys_include,
)
from wallet.verification.jose import SigningKey
from wallet.verification.report import Check, CheckStatus, Message

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
CAP = 256 * 1024
# The did:key of the all-zero Ed25519 seed.
ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
ZERO_SEED_KEY = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
METADATA = "/.well-known/jwt-vc-issuer/issuers/uni"
HOST_JWKS = "/.well-known/jwks.json"
NO_KEYS = PublishedKeys(False, False, "the issuer publishes no keys at its well-known addresses")
NOT_INCLUDED = PublishedKeys(False, True, "the issuer's published keys do not include it")

PASSED = Message("The signing key belongs to the issuer.", "Klucz podpisu należy do wystawcy.")
FAILED = Message(
    "The credential was signed with a key that does not belong to its issuer.",
    "Poświadczenie podpisano kluczem, który nie należy do jego wystawcy.",
)
SKIPPED = Message(
    "The key travels inside the credential; nothing shows it belongs to the issuer.",
    "Klucz jest zapisany w samym poświadczeniu; nic nie wskazuje, że należy do wystawcy.",
)


@dataclass
class Recording:
    """The real fetcher, remembering the cap each fetch asked for; ``uncapped`` drops it."""

    inner: SafeFetcher
    uncapped: bool = False
    refused: set[str] = field(default_factory=set)
    caps: list[int | None] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.caps.append(max_bytes)
        if url in self.refused:
            raise FetchError(f"{url} refused by the test")
        cap = None if self.uncapped else max_bytes
        return self.inner.fetch(url, accept=accept, max_bytes=cap)


@pytest.fixture
def recording(fetcher: SafeFetcher) -> Recording:
    return Recording(fetcher)


def public(key: IssuerKey) -> PublicKey:
    found: PublicKey = key.private_key.public_key()  # type: ignore[assignment]
    return found


def jwks(*keys: IssuerKey | dict[str, Any] | None) -> dict[str, Any]:
    return {"keys": [k.public_jwk() if isinstance(k, IssuerKey) else k for k in keys]}


def serve_json(server: LocalServer, path: str, value: Any, **options: Any) -> str:
    return server.serve(path, json.dumps(value), **options)


def did_web(server: LocalServer) -> str:
    return "did:web:" + server.host.replace(":", "%3A")


def did_document(did: str, *keys: IssuerKey) -> dict[str, Any]:
    methods = [
        {
            "id": f"{did}#key-{n}",
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": key.public_jwk(),
        }
        for n, key in enumerate(keys)
    ]
    return {
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


# --- issuers that are neither ----------------------------------------------------------------


@pytest.mark.parametrize("issuer", ["urn:uuid:5f2e7c1a", "ftp://issuer.example/uni", "uni"])
def test_issuer_neither_did_nor_web_address_publishes_nothing(
    issuer: str, fetcher: SafeFetcher
) -> None:
    found = published_keys_include(issuer, public(new_key()), fetcher)
    assert found == PublishedKeys(False, False, "the issuer is neither a DID nor a web address")


# --- DIDs that are their key -----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "#0", "#0#1"])
def test_did_jwk_issuer_lists_its_own_key_only(suffix: str, fetcher: SafeFetcher) -> None:
    key = new_key("ES256")
    did = did_jwk(key)
    own = published_keys_include(did + suffix, public(key), fetcher)
    other = published_keys_include(did + suffix, public(new_key("ES256")), fetcher)
    assert own == PublishedKeys(True, False, f"the key of {did}")
    assert other == PublishedKeys(False, True, f"the key of {did}")


@pytest.mark.parametrize("suffix", ["", "#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"])
def test_did_key_issuer_lists_its_own_key_only(suffix: str, fetcher: SafeFetcher) -> None:
    own = published_keys_include(ZERO_SEED_DID + suffix, ZERO_SEED_KEY, fetcher)
    other = published_keys_include(ZERO_SEED_DID + suffix, public(new_key()), fetcher)
    assert own == PublishedKeys(True, False, f"the key of {ZERO_SEED_DID}")
    assert other == PublishedKeys(False, True, f"the key of {ZERO_SEED_DID}")


@pytest.mark.parametrize("did", ["did:key:zBroken0", "did:jwk:bm90IGEgandr"])
def test_unreadable_did_that_is_its_key_is_neither_listed_nor_disproved(
    did: str, fetcher: SafeFetcher
) -> None:
    fragment = "0" if did.startswith("did:jwk:") else did.removeprefix("did:key:")
    with pytest.raises(WalletError) as refused:
        resolve_verification_method(f"{did}#{fragment}", fetcher)
    found = published_keys_include(did, public(new_key()), fetcher)
    assert found == PublishedKeys(
        False, False, f"the issuer's DID cannot be read: {refused.value.detail}"
    )


# --- did:web ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "#key-0", "#key-0#1"])
def test_did_web_issuer_listing_the_key_includes_it(
    suffix: str, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key, did = new_key(), did_web(http_server)
    serve_json(http_server, "/.well-known/did.json", did_document(did, new_key(), key))
    found = published_keys_include(did + suffix, public(key), fetcher, web_scheme="http")
    assert found == PublishedKeys(True, False, f"listed in the DID document of {did}")
    assert http_server.requests == ["/.well-known/did.json"]


def test_did_web_issuer_listing_other_keys_disproves_the_key(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    did = did_web(http_server)
    serve_json(http_server, "/.well-known/did.json", did_document(did, new_key()))
    found = published_keys_include(did, public(new_key()), fetcher, web_scheme="http")
    assert found == PublishedKeys(False, True, f"not listed in the DID document of {did}")


def test_did_web_issuer_listing_no_keys_does_not_disprove_the_key(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    did = did_web(http_server)
    serve_json(http_server, "/.well-known/did.json", did_document(did))
    found = published_keys_include(did, public(new_key()), fetcher, web_scheme="http")
    assert found == PublishedKeys(False, False, f"not listed in the DID document of {did}")


def test_did_web_document_out_of_reach_is_neither_listed_nor_disproved(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    did = did_web(http_server)
    http_server.serve("/.well-known/did.json", "{}", status=500)
    with pytest.raises(WalletError) as refused:
        resolve_did_document(did, fetcher, web_scheme="http")
    found = published_keys_include(did, public(new_key()), fetcher, web_scheme="http")
    assert found == PublishedKeys(
        False, False, f"the issuer's DID document: {refused.value.detail}"
    )


def test_did_web_issuer_is_read_over_https_by_default(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key, did = new_key(), did_web(http_server)
    serve_json(http_server, "/.well-known/did.json", did_document(did, key))
    with pytest.raises(WalletError) as refused:
        resolve_did_document(did, fetcher)
    found = published_keys_include(did, public(key), fetcher)
    assert found == PublishedKeys(
        False, False, f"the issuer's DID document: {refused.value.detail}"
    )
    assert f"https://{http_server.host}/" in found.reason
    assert http_server.requests == []


# --- web issuers: which documents are asked for ---------------------------------------------


def test_web_issuer_documents_are_asked_for_as_json_within_the_cap(
    http_server: LocalServer, recording: Recording
) -> None:
    issuer = http_server.url("/issuers/uni")
    found = published_keys_include(issuer, public(new_key()), recording)
    assert found == NO_KEYS
    assert http_server.requests == [METADATA, "/issuers/uni", HOST_JWKS]
    assert [h["Accept"] for h in http_server.request_headers] == ["application/json"] * 3
    assert recording.caps == [CAP] * 3


@pytest.mark.parametrize(
    ("path", "asked"),
    [
        ("", ["/.well-known/jwt-vc-issuer", HOST_JWKS]),
        ("/", ["/.well-known/jwt-vc-issuer", HOST_JWKS]),
        ("/issuers/uni/", [METADATA, "/issuers/uni/", HOST_JWKS]),
        ("/issuers/unX", [METADATA[:-1] + "X", "/issuers/unX", HOST_JWKS]),
        ("/issuers/uni?v=1", [METADATA, HOST_JWKS]),
        ("/issuers/uni#main", [METADATA, HOST_JWKS]),
    ],
)
def test_web_issuer_profile_is_read_only_for_a_plain_path(
    path: str, asked: list[str], http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url(path)
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS
    assert http_server.requests == asked


def test_web_issuer_key_found_in_metadata_stops_the_search(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni/")
    metadata = serve_json(http_server, METADATA, {"issuer": issuer, "jwks": jwks(key)})
    found = published_keys_include(issuer, public(key), fetcher)
    assert found == PublishedKeys(True, False, f"published at {metadata}")
    assert http_server.requests == [METADATA]


def test_web_issuer_metadata_of_another_issuer_is_ignored(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer + "/", "jwks": jwks(key)})
    assert published_keys_include(issuer, public(key), fetcher) == NO_KEYS


def test_web_issuer_metadata_without_issuer_is_ignored(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"jwks": jwks(key)})
    assert published_keys_include(issuer, public(key), fetcher) == NO_KEYS


def test_web_issuer_inline_keys_are_preferred_over_jwks_uri(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    jwks_uri = serve_json(http_server, "/keys.json", jwks(key))
    metadata = {"issuer": issuer, "jwks": jwks(new_key()), "jwks_uri": jwks_uri}
    serve_json(http_server, METADATA, metadata)
    assert published_keys_include(issuer, public(key), fetcher) == NOT_INCLUDED
    assert "/keys.json" not in http_server.requests


@pytest.mark.parametrize("inline", [None, [], "keys"])
def test_web_issuer_jwks_uri_is_read_when_no_key_set_is_inline(
    inline: Any, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    jwks_uri = serve_json(http_server, "/keys.json", jwks(key))
    metadata = serve_json(
        http_server, METADATA, {"issuer": issuer, "jwks": inline, "jwks_uri": jwks_uri}
    )
    found = published_keys_include(issuer, public(key), fetcher)
    assert found == PublishedKeys(True, False, f"published at {metadata}")
    assert http_server.requests == [METADATA, "/keys.json"]
    assert http_server.request_headers[1]["Accept"] == "application/json"


def test_web_issuer_jwks_uri_that_is_no_text_is_not_read(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks_uri": ["/keys.json"]})
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS
    assert http_server.requests == [METADATA, "/issuers/uni", HOST_JWKS]


def test_web_issuer_metadata_listing_no_keys_does_not_disprove(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks": jwks()})
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS


def test_web_issuer_metadata_listing_other_keys_disproves(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks": jwks(new_key())})
    assert published_keys_include(issuer, public(new_key()), fetcher) == NOT_INCLUDED
    assert http_server.requests == [METADATA, "/issuers/uni", HOST_JWKS]


# --- web issuers: the hosted profile and the host's key set ---------------------------------


@pytest.mark.parametrize("where", ["jwks", "publicKeyJwk"])
@pytest.mark.parametrize("named", [True, False])
def test_web_issuer_profile_lists_keys_in_jwks_or_public_key_jwk(
    where: str, named: bool, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/issuers/uni")
    published: Any = jwks(new_key(), key) if where == "jwks" else key.public_jwk()
    profile = {where: published, **({"id": issuer} if named else {})}
    serve_json(http_server, "/issuers/uni", profile)
    found = published_keys_include(issuer, public(key), fetcher)
    assert found == PublishedKeys(True, False, f"published at {issuer}")
    assert http_server.requests == [METADATA, "/issuers/uni"]


def test_web_issuer_profile_of_another_id_is_ignored(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, "/issuers/uni", {"id": issuer + "/x", "publicKeyJwk": key.public_jwk()})
    assert published_keys_include(issuer, public(key), fetcher) == NO_KEYS


@pytest.mark.parametrize("where", ["jwks", "publicKeyJwk"])
def test_web_issuer_profile_listing_other_keys_disproves(
    where: str, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    other = new_key()
    published: Any = jwks(other) if where == "jwks" else other.public_jwk()
    serve_json(http_server, "/issuers/uni", {"id": issuer, where: published})
    assert published_keys_include(issuer, public(new_key()), fetcher) == NOT_INCLUDED


def test_web_issuer_profile_listing_no_keys_does_not_disprove(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, "/issuers/uni", {"id": issuer, "name": "University"})
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS


def test_web_issuer_host_key_set_confirms_a_key(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    url = serve_json(http_server, HOST_JWKS, jwks(new_key(), key))
    assert published_keys_include(issuer, public(key), fetcher) == PublishedKeys(
        True, False, f"published at {url}"
    )


def test_web_issuer_host_key_set_never_disproves_a_key(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, HOST_JWKS, jwks(new_key()))
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS


def test_web_issuer_key_set_skips_entries_that_are_no_key(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    broken = {"kty": "OKP", "crv": "Ed25519"}
    url = serve_json(http_server, HOST_JWKS, jwks(None, broken, "key", key))
    assert published_keys_include(issuer, public(key), fetcher) == PublishedKeys(
        True, False, f"published at {url}"
    )


@pytest.mark.parametrize("keys", [{"kty": "OKP"}, "keys", None])
def test_web_issuer_keys_that_are_no_list_are_no_keys(
    keys: Any, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks": {"keys": keys}})
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS


# --- web issuers: documents out of reach ----------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_web_issuer_documents_that_are_gone_are_not_out_of_reach(
    status: int, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    for path in (METADATA, "/issuers/uni", HOST_JWKS):
        http_server.serve(path, "{}", status=status)
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS


@pytest.mark.parametrize("status", [201, 403, 500])
def test_web_issuer_document_answering_another_status_is_out_of_reach(
    status: int, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    metadata = serve_json(
        http_server, METADATA, {"issuer": issuer, "jwks": jwks(key)}, status=status
    )
    found = published_keys_include(issuer, public(key), fetcher)
    assert found == PublishedKeys(False, False, f"out of reach: {metadata} answered HTTP {status}")


def test_web_issuer_documents_out_of_reach_are_all_named_and_outweigh_other_keys(
    http_server: LocalServer, recording: Recording
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks": jwks(new_key())})
    recording.refused.add(issuer)
    host = http_server.serve(HOST_JWKS, "{}", status=503)
    found = published_keys_include(issuer, public(new_key()), recording)
    reason = f"out of reach: {issuer} refused by the test; {host} answered HTTP 503"
    assert found == PublishedKeys(False, False, reason)


def test_web_issuer_jwks_uri_out_of_reach_is_named(
    http_server: LocalServer, recording: Recording
) -> None:
    issuer = http_server.url("/issuers/uni")
    jwks_uri = http_server.url("/keys.json")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks_uri": jwks_uri})
    recording.refused.add(jwks_uri)
    found = published_keys_include(issuer, public(new_key()), recording)
    assert found == PublishedKeys(False, False, f"out of reach: {jwks_uri} refused by the test")


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"keys"'])
def test_web_issuer_document_that_is_no_json_object_is_ignored(
    body: str, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    for path in (METADATA, "/issuers/uni", HOST_JWKS):
        http_server.serve(path, body)
    assert published_keys_include(issuer, public(new_key()), fetcher) == NO_KEYS


def padded_jwks(key: IssuerKey, size: int) -> str:
    text = json.dumps({**jwks(key), "pad": ""})
    return text[:-2] + "x" * (size - len(text)) + text[-2:]


@pytest.mark.parametrize("uncapped", [False, True])
def test_web_issuer_document_at_the_cap_is_read(
    uncapped: bool, http_server: LocalServer, recording: Recording
) -> None:
    key = new_key()
    recording.uncapped = uncapped
    issuer = http_server.url("/issuers/uni")
    body = padded_jwks(key, CAP)
    assert len(body.encode()) == CAP
    url = http_server.serve(HOST_JWKS, body)
    assert published_keys_include(issuer, public(key), recording) == PublishedKeys(
        True, False, f"published at {url}"
    )


def test_web_issuer_document_over_the_cap_is_out_of_reach(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    http_server.serve(HOST_JWKS, padded_jwks(key, CAP + 1))
    found = published_keys_include(issuer, public(key), fetcher)
    assert (found.listed, found.disproved) == (False, False)
    assert found.reason.startswith("out of reach: ")


def test_web_issuer_document_over_the_cap_is_refused_when_the_fetcher_does_not_cap(
    http_server: LocalServer, recording: Recording
) -> None:
    key = new_key()
    recording.uncapped = True
    issuer = http_server.url("/issuers/uni")
    http_server.serve(HOST_JWKS, padded_jwks(key, CAP + 1))
    assert published_keys_include(issuer, public(key), recording) == NO_KEYS


# --- the issuer_binding check ----------------------------------------------------------------


def binding(status: CheckStatus, message: Message, detail: str | None) -> Check:
    return Check("issuer_binding", status, message, True, detail)


def test_binding_of_a_metadata_key_is_its_controller_being_the_issuer(
    fetcher: SafeFetcher,
) -> None:
    issuer = "https://issuer.example/uni"
    key = public(new_key())
    own = SigningKey(key, "metadata", issuer)
    other = SigningKey(key, "metadata", "https://issuer.example/other")
    unnamed = SigningKey(key, "metadata")
    assert issuer_binding_check(own, issuer, fetcher) == binding(CheckStatus.PASSED, PASSED, None)
    assert issuer_binding_check(other, issuer, fetcher) == binding(
        CheckStatus.FAILED, FAILED, f"key of https://issuer.example/other, issuer {issuer}"
    )
    assert issuer_binding_check(unnamed, issuer, fetcher) == binding(
        CheckStatus.FAILED, FAILED, f"key of metadata, issuer {issuer}"
    )


@pytest.mark.parametrize(
    ("controller", "issuer", "bound"),
    [
        ("did:web:issuer.example#key-1", "did:web:issuer.example", True),
        ("did:web:issuer.example", "did:web:issuer.example#main", True),
        ("did:web:issuer.example#a#b", "did:web:issuer.example#c", True),
        ("did:web:issuer.example#key-1", "did:web:issuer.example#a#b", True),
        ("did:web:issuer.example:uni#key-1", "did:web:issuer.example", False),
        ("did:web:issuer.example#key-1", "https://issuer.example", False),
        ("https://issuer.example#key-1", "did:web:issuer.example", False),
        ("did:web:issuer.example#key-1", "DID:web:other.example", False),
        ("DID:web:other.example#key-1", "did:web:issuer.example", False),
        ("https://issuer.example/keys/1", "https://issuer.example/issuers/uni", True),
        ("https://issuer.example:8443/keys/1", "https://issuer.example/uni", False),
        ("http://issuer.example/keys/1", "https://issuer.example/uni", False),
        ("https://other.example/keys/1", "https://issuer.example/uni", False),
    ],
)
def test_binding_of_a_kid_key_is_its_controller_having_the_issuer_as_owner(
    controller: str, issuer: str, bound: bool, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = SigningKey(public(new_key()), "kid", controller)
    expected = (
        binding(CheckStatus.PASSED, PASSED, None)
        if bound
        else binding(CheckStatus.FAILED, FAILED, f"key of {controller}, issuer {issuer}")
    )
    assert issuer_binding_check(key, issuer, fetcher) == expected
    assert http_server.requests == []


def test_binding_of_a_kid_key_without_controller_looks_in_published_keys(
    fetcher: SafeFetcher,
) -> None:
    key = new_key()
    did = did_jwk(key)
    found = issuer_binding_check(SigningKey(public(key), "kid"), did, fetcher)
    assert found == binding(CheckStatus.PASSED, PASSED, f"the key of {did}")


@pytest.mark.parametrize(("uris", "bound"), [(("https://issuer.example/uni",), True), ((), False)])
def test_binding_of_an_x5c_key_is_its_leaf_certificate_naming_the_issuer(
    uris: tuple[str, ...], bound: bool, fetcher: SafeFetcher
) -> None:
    issuer = "https://issuer.example/uni"
    ca = make_ca(at=AT)
    leaf = issue_certificate(ca, at=AT, uris=uris)
    key = SigningKey(public(leaf.key), "x5c", None, (leaf.certificate, ca.certificate))
    expected = (
        binding(CheckStatus.PASSED, PASSED, None)
        if bound
        else binding(CheckStatus.FAILED, FAILED, f"key of x5c, issuer {issuer}")
    )
    assert issuer_binding_check(key, issuer, fetcher) == expected


def test_binding_of_an_x5c_key_reads_only_the_leaf(fetcher: SafeFetcher) -> None:
    issuer = "https://issuer.example/uni"
    ca = make_ca(at=AT)
    leaf = issue_certificate(ca, at=AT)
    named = issue_certificate(ca, at=AT, uris=(issuer,))
    key = SigningKey(public(leaf.key), "x5c", None, (leaf.certificate, named.certificate))
    assert issuer_binding_check(key, issuer, fetcher).status is CheckStatus.FAILED


def test_binding_of_a_header_key_listed_by_the_issuer_passes_with_where(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key = new_key()
    issuer = http_server.url("/issuers/uni")
    url = serve_json(http_server, HOST_JWKS, jwks(key))
    found = issuer_binding_check(SigningKey(public(key), "jwk"), issuer, fetcher)
    assert found == binding(CheckStatus.PASSED, PASSED, f"published at {url}")


def test_binding_of_a_header_key_disproved_by_the_issuer_fails_with_why(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    serve_json(http_server, METADATA, {"issuer": issuer, "jwks": jwks(new_key())})
    found = issuer_binding_check(SigningKey(public(new_key()), "jwk"), issuer, fetcher)
    assert found == binding(CheckStatus.FAILED, FAILED, NOT_INCLUDED.reason)


def test_binding_of_a_header_key_nothing_confirms_is_skipped_with_why(
    http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    issuer = http_server.url("/issuers/uni")
    found = issuer_binding_check(SigningKey(public(new_key()), "jwk"), issuer, fetcher)
    assert found == binding(CheckStatus.SKIPPED, SKIPPED, NO_KEYS.reason)


@pytest.mark.parametrize(("scheme", "status"), [("http", "passed"), (None, "skipped")])
def test_binding_of_a_header_key_reads_did_web_over_the_scheme_given(
    scheme: str | None, status: str, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    key, did = new_key(), did_web(http_server)
    serve_json(http_server, "/.well-known/did.json", did_document(did, key))
    signing_key = SigningKey(public(key), "jwk")
    if scheme is None:
        found = issuer_binding_check(signing_key, did, fetcher)
    else:
        found = issuer_binding_check(signing_key, did, fetcher, web_scheme=scheme)
    assert found.status.value == status
    assert http_server.requests == (["/.well-known/did.json"] if scheme else [])
    if scheme is None:
        assert found.detail is not None
        assert found.detail.startswith("the issuer's DID document: ")
        assert f"https://{http_server.host}/" in found.detail
