"""Prefetching, rule by rule: the requests a credential's first checks will make, asked alike.

Each request is compared whole (address, ``Accept`` and byte cap), with the values the status,
DID and Open Badges 2.0 fetches use, so a prefetched answer is the one the verifier asks for.
"""

from __future__ import annotations

from typing import Any

import pytest

from wallet.envelope import CredentialFormat, Envelope
from wallet.fetch_cache import FetchRequest
from wallet.verification.prefetch import first_requests

LIST_ACCEPT = (
    "application/vc+ld+json, application/vc+jwt, application/vc+ld+json+jwt;q=0.9, "
    "application/json;q=0.8, application/jwt;q=0.7"
)
LIST_CAP = 2 * 1024 * 1024
DID_ACCEPT = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
DID_CAP = 256 * 1024
OB2_ACCEPT = "application/ld+json, application/json;q=0.9"
OB2_CAP = 1024 * 1024
W3C_FORMATS = [
    CredentialFormat.VC_DATA_INTEGRITY,
    CredentialFormat.CLR2,
    CredentialFormat.ELM_JSONLD,
]
BITSTRING = {
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "7",
    "statusListCredential": "https://status.example/lists/1",
}
PROOF = {"type": "DataIntegrityProof", "verificationMethod": "did:web:issuer.example#key-1"}


def envelope(payload: dict[str, Any], fmt: CredentialFormat) -> Envelope:
    return Envelope(fmt, "credential.json", b"{}", "application/json", payload)


def lists(url: str) -> FetchRequest:
    return FetchRequest(url, LIST_ACCEPT, LIST_CAP)


def did(url: str) -> FetchRequest:
    return FetchRequest(url, DID_ACCEPT, DID_CAP)


@pytest.mark.parametrize("fmt", W3C_FORMATS, ids=lambda f: f.value)
def test_first_requests_of_a_w3c_credential_are_its_status_lists_then_its_did_web_documents(
    fmt: CredentialFormat,
) -> None:
    payload = {"credentialStatus": BITSTRING, "proof": PROOF}

    assert first_requests(envelope(payload, fmt)) == [
        lists("https://status.example/lists/1"),
        did("https://issuer.example/.well-known/did.json"),
    ]


@pytest.mark.parametrize(
    "fmt",
    [
        CredentialFormat.OB2_SIGNED,
        CredentialFormat.VC_JWT,
        CredentialFormat.ELM_JADES,
        CredentialFormat.ELM_XML,
        CredentialFormat.SD_JWT_VC,
        CredentialFormat.PDF_DOCUMENT,
    ],
    ids=lambda f: f.value,
)
def test_first_requests_of_other_formats_are_none(fmt: CredentialFormat) -> None:
    payload = {"id": "https://badges.example/a/1", "credentialStatus": BITSTRING, "proof": PROOF}

    assert first_requests(envelope(payload, fmt)) == []


def test_first_requests_of_each_status_entry_kind_in_order() -> None:
    entries = [
        "https://status.example/not-an-entry",
        None,
        {**BITSTRING, "statusListCredential": "http://status.example/lists/2"},
        {"type": "StatusList2021Entry", "statusListCredential": "https://status.example/2021"},
        {"type": "1EdTechRevocationList", "id": "https://issuer.example/revocations"},
        {"type": "StatusList2021", "statusListCredential": "https://status.example/other"},
        {"type": "1EdTechRevocationListEntry", "id": "https://issuer.example/other"},
        {"statusListCredential": "https://status.example/untyped"},
    ]
    payload = {"credentialStatus": entries}

    assert first_requests(envelope(payload, CredentialFormat.VC_DATA_INTEGRITY)) == [
        lists("http://status.example/lists/2"),
        lists("https://status.example/2021"),
        FetchRequest("https://issuer.example/revocations", "application/json", LIST_CAP),
    ]


@pytest.mark.parametrize(
    "address",
    [None, 7, "", "urn:uuid:1", "ftp://status.example/1", "HTTPS://status.example/1", "https:/x"],
    ids=["none", "number", "empty", "urn", "ftp", "upper-case", "one-slash"],
)
def test_first_requests_skip_status_addresses_that_are_not_http(address: Any) -> None:
    entries = [
        {**BITSTRING, "statusListCredential": address},
        {"type": "1EdTechRevocationList", "id": address},
        BITSTRING,
    ]
    payload = {"credentialStatus": entries}

    assert first_requests(envelope(payload, CredentialFormat.CLR2)) == [
        lists("https://status.example/lists/1")
    ]


@pytest.mark.parametrize("status", [None, "https://status.example/lists/1", [], {}])
def test_first_requests_without_a_status_entry_ask_for_no_list(status: Any) -> None:
    payload = {"credentialStatus": status}

    assert first_requests(envelope(payload, CredentialFormat.VC_DATA_INTEGRITY)) == []


def test_first_requests_of_each_did_web_proof_in_order() -> None:
    proofs = [
        "did:web:ignored.example#key",
        {"type": "DataIntegrityProof", "verificationMethod": "did:key:z6MkiTBz1ymuepAQ4HEHYSF"},
        {"type": "DataIntegrityProof", "verificationMethod": "did:web:bad_host#key"},
        {"type": "DataIntegrityProof", "verificationMethod": "did:web:a.example:users:ala#k#x"},
        {"type": "DataIntegrityProof"},
        {"type": "DataIntegrityProof", "verificationMethod": {"id": "did:web:b.example#k"}},
        {"type": "DataIntegrityProof", "verificationMethod": "https://c.example/keys/1"},
        {"type": "DataIntegrityProof", "verificationMethod": "did:webx:d.example#k"},
        {"type": "DataIntegrityProof", "verificationMethod": "did:web:e.example%3A8443"},
    ]
    payload = {"proof": proofs}

    assert first_requests(envelope(payload, CredentialFormat.ELM_JSONLD)) == [
        did("https://a.example/users/ala/did.json"),
        did("https://e.example:8443/.well-known/did.json"),
    ]


def test_first_requests_read_did_web_over_the_scheme_given() -> None:
    proofs = [
        {"verificationMethod": "did:web:issuer.example#key-1"},
        {"verificationMethod": "did:web:127.0.0.1%3A8000#key-1"},
    ]
    payload = {"proof": proofs}
    credential = envelope(payload, CredentialFormat.VC_DATA_INTEGRITY)

    assert first_requests(credential, web_scheme="http") == [
        did("http://127.0.0.1:8000/.well-known/did.json")
    ]
    assert first_requests(credential) == [
        did("https://issuer.example/.well-known/did.json"),
        did("https://127.0.0.1:8000/.well-known/did.json"),
    ]


@pytest.mark.parametrize(
    "address", ["https://badges.example/assertions/1", "http://badges.example/assertions/1"]
)
def test_first_requests_of_a_hosted_assertion_is_the_assertion_itself(address: str) -> None:
    payload = {"id": address, "verify": {"type": "hosted"}, "credentialStatus": BITSTRING}

    assert first_requests(envelope(payload, CredentialFormat.OB2_HOSTED)) == [
        FetchRequest(address, OB2_ACCEPT, OB2_CAP)
    ]


@pytest.mark.parametrize("address", [None, 1, "urn:uuid:1", "Https://badges.example/a/1"])
def test_first_requests_of_a_hosted_assertion_without_an_http_id_are_none(address: Any) -> None:
    payload = {"id": address, "proof": PROOF}

    assert first_requests(envelope(payload, CredentialFormat.OB2_HOSTED)) == []
