"""The OpenID4VCI pieces on their own: offers, well-known URLs, bindings, proofs, requests."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.jose_issuer import b64url
from tests.support.oid4vci_issuer import OID4VCIIssuer, check_proof
from tests.support.oid4vci_proofs import b64decode, base58_decode
from wallet.connect.oid4vci_metadata import CredentialConfiguration, well_known_url
from wallet.connect.oid4vci_offer import offer_from_document, read_offer
from wallet.connect.oid4vci_proof import binding_for, holder_binding, proof_jwt
from wallet.connect.oid4vci_tokens import authorization_request
from wallet.errors import ConnectError
from wallet.fetching import SafeFetcher
from wallet.share.keys import did_key

PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
ISSUER = "https://issuer.example.edu/tenant"


def offer_document(**grant: object) -> dict[str, object]:
    return {
        "credential_issuer": ISSUER,
        "credential_configuration_ids": ["Degree"],
        "grants": {PRE: {"pre-authorized_code": "abc", **grant}},
    }


def configuration(**changes: object) -> CredentialConfiguration:
    values: dict[str, object] = {
        "identifier": "Degree",
        "format": "jwt_vc_json",
        "scope": "degree",
        "binding_methods": ("did:key",),
        "proof_algorithms": ("ES256", "EdDSA"),
        "name": None,
    }
    values.update(changes)
    return CredentialConfiguration(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("https://issuer.example.edu", "https://issuer.example.edu/.well-known/x"),
        ("https://issuer.example.edu/", "https://issuer.example.edu/.well-known/x"),
        ("https://issuer.example.edu/tenant", "https://issuer.example.edu/.well-known/x/tenant"),
    ],
)
def test_well_known_url_inserts_between_host_and_path(identifier: str, expected: str) -> None:
    assert well_known_url(identifier, "/.well-known/x") == expected


def test_read_offer_by_value_link_and_bare_json_agree() -> None:
    document = offer_document(tx_code={"input_mode": "text", "length": 6, "description": "SMS"})
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(document))
    fetcher = SafeFetcher()  # nothing is fetched for an offer by value

    from_link = read_offer(fetcher, link)
    from_json = read_offer(fetcher, json.dumps(document))

    assert from_link == from_json
    assert from_link.credential_issuer == ISSUER and from_link.configuration_ids == ("Degree",)
    pre = from_link.pre_authorized
    assert pre is not None and pre.code == "abc" and pre.tx_code is not None
    assert not pre.tx_code.numeric and pre.tx_code.length == 6
    assert offer_from_document(from_link.to_json()) == from_link


def test_read_offer_without_grants_expects_the_authorization_code_flow() -> None:
    document = {"credential_issuer": ISSUER, "credential_configuration_ids": ["Degree"]}

    offer = offer_from_document(document)

    assert offer.pre_authorized is None and offer.authorization is not None


@pytest.mark.parametrize(
    "text",
    [
        "openid-credential-offer://?nothing=1",
        "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=https%3A%2F%2Fx",
        "openid-credential-offer://?credential_offer_uri=ftp%3A%2F%2Fissuer.example%2Fo",
        "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fissuer.example%2Fo",
    ],
    ids=["no-offer", "both-forms", "ftp-reference", "plain-http-reference"],
)
def test_read_offer_malformed_link_is_refused_without_fetching(text: str) -> None:
    with pytest.raises(ConnectError) as refused:
        read_offer(SafeFetcher(), text)
    assert refused.value.reason == "oid4vci_offer"


@pytest.mark.parametrize(
    ("change", "member"),
    [
        ({"credential_issuer": "http://issuer.example.edu"}, "issuer"),
        ({"credential_issuer": ISSUER + "?tenant=1"}, "issuer"),
        ({"credential_configuration_ids": []}, "ids"),
        ({"credential_configuration_ids": ["a", "a"]}, "ids"),
        ({"grants": {PRE: {"pre-authorized_code": ""}}}, "code"),
        ({"grants": {PRE: {"pre-authorized_code": "x", "tx_code": {"length": True}}}}, "tx"),
        ({"grants": {PRE: {"pre-authorized_code": "x", "tx_code": {"input_mode": "x"}}}}, "tx"),
    ],
)
def test_offer_from_document_names_what_is_wrong(change: dict[str, object], member: str) -> None:
    document = {**offer_document(), **change}
    with pytest.raises(ConnectError) as refused:
        offer_from_document(document)
    assert refused.value.reason == "oid4vci_offer", member


@pytest.mark.parametrize(
    ("changes", "by_did"),
    [
        ({"binding_methods": ("did:key", "jwk")}, True),
        ({"binding_methods": ("jwk",)}, False),
        ({"binding_methods": ()}, True),
    ],
)
def test_binding_names_the_key_as_the_issuer_asks(changes: dict[str, object], by_did: bool) -> None:
    assert binding_for(configuration(**changes)) == (by_did, "EdDSA")


@pytest.mark.parametrize(
    "changes",
    [
        {"proof_algorithms": ("ES256",)},
        {"proof_algorithms": ()},
        {"binding_methods": ("cose_key",)},
    ],
)
def test_binding_the_holder_key_cannot_give_is_unsupported(changes: dict[str, object]) -> None:
    with pytest.raises(ConnectError) as refused:
        binding_for(configuration(**changes))
    assert refused.value.reason == "oid4vci_unsupported"


def test_binding_is_none_when_no_proof_is_asked() -> None:
    assert binding_for(configuration(proof_algorithms=None)) is None


@pytest.mark.parametrize("by_did", [True, False], ids=["kid", "jwk"])
def test_proof_jwt_verifies_with_an_independent_implementation(by_did: bool) -> None:
    key = Ed25519PrivateKey.generate()
    did = did_key(key)
    methods = ("did:key",) if by_did else ("jwk",)
    binding = holder_binding(configuration(binding_methods=methods), did, key)
    assert binding is not None
    issuer = OID4VCIIssuer(base_url=ISSUER)
    issuer.nonces.add("n-1")

    token = proof_jwt(binding, audience=ISSUER, nonce="n-1", issued_at=datetime.now(UTC))
    jwk, proved_did = check_proof(token, issuer)

    assert proved_did == (did if by_did else None)
    assert base58_decode(did.removeprefix("did:key:z"))[2:] == b64decode(jwk["x"])
    [proof] = issuer.proofs
    assert proof["header"]["typ"] == "openid4vci-proof+jwt" and proof["header"]["alg"] == "EdDSA"
    assert proof["claims"]["nonce"] == "n-1" and abs(proof["claims"]["iat"] - time.time()) < 60


def test_proof_jwt_with_a_changed_claim_fails_the_independent_check() -> None:
    key = Ed25519PrivateKey.generate()
    binding = holder_binding(configuration(), did_key(key), key)
    assert binding is not None
    issuer = OID4VCIIssuer(base_url=ISSUER)
    issuer.nonces.add("n-1")
    header, _claims, signature = proof_jwt(
        binding, audience=ISSUER, nonce="n-1", issued_at=datetime.now(UTC)
    ).split(".")
    forged_claims = json.dumps({"aud": ISSUER, "iat": int(time.time()), "nonce": "n-1"})
    forged = b64url(forged_claims.encode())

    with pytest.raises(ValueError, match="does not verify"):
        check_proof(f"{header}.{forged}.{signature}", issuer)


def test_authorization_request_uses_details_when_a_configuration_has_no_scope() -> None:
    request = authorization_request(
        "https://as.example/authorize",
        client_id="https://wallet.example",
        redirect_uri="https://wallet.example/cb",
        scopes=("degree",),
        configuration_ids=("Degree", "Transcript"),
        issuer_state="st",
        resource=ISSUER,
    )

    query = parse_qs(urlsplit(request.url).query)
    assert "scope" not in query and query["issuer_state"] == ["st"]
    details = json.loads(query["authorization_details"][0])
    assert [d["credential_configuration_id"] for d in details] == ["Degree", "Transcript"]
    assert {d["type"] for d in details} == {"openid_credential"}
    assert details[0]["locations"] == [ISSUER] and query["resource"] == [ISSUER]
    assert query["state"] == [request.state] and query["code_challenge_method"] == ["S256"]
