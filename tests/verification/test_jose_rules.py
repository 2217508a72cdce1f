"""JWS mechanics rule by rule: the exact refusal of each malformed token, header, key or
certificate, the algorithm lists, the caps, and how a header's key is looked up and fetched.

Refusals are ``WalletError``s whose detail names the problem; the ``key_resolution`` and
``proof`` checks built from them carry the wording a holder reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import (
    CertifiedKey,
    IssuerKey,
    b64url,
    did_jwk,
    issue_certificate,
    json_bytes,
    make_ca,
    new_key,
    sign_compact,
)
from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetched, SafeFetcher
from wallet.verification.dids import KeyResolutionError
from wallet.verification.jose import (
    JADES_ALGORITHMS,
    JWT_ALGORITHMS,
    MAX_CERTIFICATES,
    MAX_KEY_DOCUMENT_BYTES,
    OB2_ALGORITHMS,
    SigningKey,
    algorithm_of,
    certificate_names_issuer,
    certificate_sha256,
    certificates_from_x5c,
    embedded_key,
    fetch_jwk,
    jwk_thumbprint,
    key_from_jwk,
    key_from_jwks,
    key_resolution_failure,
    key_resolution_success,
    leaf_key,
    proof_check,
    resolve_header_key,
    split_compact,
    verify_signature,
)
from wallet.verification.keys import PublicKey
from wallet.verification.report import CheckStatus, Message

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
JWK_ACCEPT = "application/jwk+json, application/jwk-set+json;q=0.9, application/json;q=0.8"

# RFC 8037 appendix A.1, A.3 and A.4 (IETF Trust, Simplified BSD licence): the example Ed25519
# public key, its RFC 7638 thumbprint, and a JWS it signed.
RFC8037_KEY = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC8037_JWS = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)

# RFC 7515 appendix A.3 (IETF Trust, Simplified BSD licence): the example P-256 key and the JWS
# it signed with ES256.
RFC7515_EC_KEY = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}
RFC7515_ES256_JWS = (
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
)

KEY_NOT_FETCHED = Message(
    "The issuer's key could not be fetched, so the signature cannot be checked now.",
    "Nie udało się pobrać klucza wystawcy, więc nie można teraz sprawdzić podpisu.",
)
KEY_NOT_FOUND = Message(
    "The issuer's key cannot be found or read.", "Nie można znaleźć ani odczytać klucza wystawcy."
)


def spki(key: PublicKey) -> bytes:
    """The key's SubjectPublicKeyInfo, to compare keys whatever object holds them."""
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def refusal(error: pytest.ExceptionInfo[WalletError]) -> str:
    return error.value.detail


def p384_key() -> IssuerKey:
    return IssuerKey(ec.generate_private_key(ec.SECP384R1()), "ES384")


@dataclass
class AskingFetcher:
    """The real fetcher, noting the accept and cap each request asked for."""

    inner: SafeFetcher
    asked: list[tuple[str, str, int | None]] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.asked.append((url, accept, max_bytes))
        return self.inner.fetch(url, accept=accept, max_bytes=max_bytes)


@dataclass
class UncappedFetcher:
    """The real fetcher, ignoring the caller's byte cap (its own 2 MB cap still holds)."""

    inner: SafeFetcher

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        return self.inner.fetch(url, accept=accept)


@dataclass
class StubFetcher:
    """Answers every URL with one response, as an https server would."""

    body: bytes
    asked: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.asked.append(url)
        return Fetched(url=url, status=200, content_type="application/json", body=self.body)


def padded(document: dict[str, Any], size: int) -> bytes:
    """``document`` as JSON of exactly ``size`` bytes (trailing spaces)."""
    body = json_bytes(document)
    assert len(body) <= size
    return body + b" " * (size - len(body))


# --- split_compact ---------------------------------------------------------------------------


def test_split_compact_rfc8037_example_gives_its_parts() -> None:
    jws = split_compact(RFC8037_JWS)
    assert jws.header == {"alg": "EdDSA"}
    assert jws.payload == b"Example of Ed25519 signing"
    assert jws.signing_input == b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    assert len(jws.signature) == 64


def test_split_compact_surrounding_whitespace_is_ignored() -> None:
    assert split_compact(f"\n {RFC8037_JWS}\t\n") == split_compact(RFC8037_JWS)


def test_split_compact_empty_signature_is_left_for_the_checks() -> None:
    jws = split_compact("eyJhbGciOiJFZERTQSJ9.e30.")
    assert (jws.header, jws.payload, jws.signature) == ({"alg": "EdDSA"}, b"{}", b"")


@pytest.mark.parametrize(
    "token", ["eyJhbGciOiJFZERTQSJ9.e30", ".e30.c2ln", "eyJhbGciOiJFZERTQSJ9..c2ln", "a.b.c.d"]
)
def test_split_compact_without_three_parts_is_refused(token: str) -> None:
    with pytest.raises(CredentialFormatError) as error:
        split_compact(token)
    assert refusal(error) == "a compact JWS has three parts: header.payload.signature"


def test_split_compact_unencoded_payload_is_refused() -> None:
    token = sign_compact({"b64": False, "crit": ["b64"]}, {"a": 1}, new_key())
    with pytest.raises(CredentialFormatError) as error:
        split_compact(token)
    assert refusal(error) == "an unencoded payload is not allowed in a compact JWT"


def test_split_compact_b64_true_is_an_ordinary_token() -> None:
    token = sign_compact({"b64": True, "crit": ["b64"]}, {"a": 1}, new_key())
    assert split_compact(token).payload == b'{"a":1}'


# --- algorithms ------------------------------------------------------------------------------


def test_algorithm_lists_hold_exactly_the_accepted_algorithms() -> None:
    assert frozenset({"EdDSA", "ES256", "RS256"}) == JWT_ALGORITHMS
    assert frozenset({"EdDSA", "ES256", "RS256", "PS256"}) == JADES_ALGORITHMS
    assert (
        frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"})
        == OB2_ALGORITHMS
    )


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256"])
def test_algorithm_of_jwt_algorithm_is_returned(alg: str) -> None:
    assert algorithm_of({"alg": alg}) == alg


@pytest.mark.parametrize(("alg", "shown"), [("PS256", "'PS256'"), (None, "None"), (256, "256")])
def test_algorithm_of_other_algorithm_names_it_in_the_refusal(alg: Any, shown: str) -> None:
    with pytest.raises(CredentialFormatError) as error:
        algorithm_of({"alg": alg})
    assert refusal(error) == f"signature algorithm {shown} is not accepted"


def test_algorithm_of_given_list_is_used() -> None:
    assert algorithm_of({"alg": "PS256"}, JADES_ALGORITHMS) == "PS256"
    with pytest.raises(CredentialFormatError):
        algorithm_of({"alg": "EdDSA"}, OB2_ALGORITHMS)


@pytest.mark.parametrize("alg", ["RS384", "RS512", "PS256", "PS384", "PS512", "ES384"])
def test_verify_signature_ob2_and_jades_algorithms_are_verified(alg: str) -> None:
    key = p384_key() if alg == "ES384" else new_key("RS256")
    jws = split_compact(sign_compact({"alg": alg}, {"a": 1}, key))
    public = key_from_jwk(key.public_jwk())
    assert verify_signature(alg, jws.signing_input, jws.signature, public)
    assert not verify_signature(alg, jws.signing_input + b"x", jws.signature, public)


@pytest.mark.parametrize("alg", ["none", "HS256", "ES512", "RSA-OAEP", "unknown"])
def test_verify_signature_algorithm_outside_the_lists_is_false(alg: str) -> None:
    key = key_from_jwk(new_key("ES256").public_jwk())
    assert verify_signature(alg, b"e30.e30", b"", key) is False


def test_verify_signature_rfc8037_example_verifies() -> None:
    jws = split_compact(RFC8037_JWS)
    key = key_from_jwk(RFC8037_KEY)
    assert verify_signature("EdDSA", jws.signing_input, jws.signature, key) is True
    assert verify_signature("EdDSA", jws.signing_input, jws.signature[::-1], key) is False


def test_verify_signature_rfc7515_es256_example_verifies() -> None:
    jws = split_compact(RFC7515_ES256_JWS)
    key = key_from_jwk(RFC7515_EC_KEY)
    assert verify_signature("ES256", jws.signing_input, jws.signature, key) is True
    assert not verify_signature("ES384", jws.signing_input, jws.signature, key)
    assert not verify_signature("ES256", jws.signing_input, b"\0" * 64, key)


def test_verify_signature_rsa_key_under_ecdsa_is_false() -> None:
    key = new_key("RS256")
    jws = split_compact(sign_compact({}, {"a": 1}, key))
    public = key_from_jwk(key.public_jwk())
    assert verify_signature("ES256", jws.signing_input, jws.signature, public) is False
    assert verify_signature("EdDSA", jws.signing_input, jws.signature, public) is False


# --- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256"])
def test_key_from_jwk_each_key_type_is_read(alg: str) -> None:
    key = new_key(alg)
    assert spki(key_from_jwk(key.public_jwk())) == spki(key.private_key.public_key())


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "oth", "k"])
def test_key_from_jwk_private_member_is_refused(member: str) -> None:
    with pytest.raises(KeyResolutionError) as error:
        key_from_jwk({**new_key("ES256").public_jwk(), member: b64url(b"\1" * 32)})
    assert refusal(error) == "the JSON Web Key carries private key material"


@pytest.mark.parametrize(
    ("jwk", "detail"),
    [
        ("a key", "the key is not a JSON Web Key object"),
        (["kty", "EC"], "the key is not a JSON Web Key object"),
        ({"kty": "oct", "x": "AA"}, "key type 'oct' is not supported"),
        ({"x": "AA"}, "key type None is not supported"),
        ({"kty": 1}, "key type 1 is not supported"),
        ({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, "the JSON Web Key cannot be read"),
        ({"kty": "OKP", "crv": "Ed25519"}, "the JSON Web Key cannot be read"),
        ({"kty": "RSA", "n": 5, "e": "AQAB"}, "the JSON Web Key cannot be read"),
        (
            {"kty": "OKP", "crv": "X25519", "x": b64url(b"\x09" * 32)},
            "the JSON Web Key is not an Ed25519, EC or RSA key",
        ),
    ],
)
def test_key_from_jwk_unusable_key_names_the_reason(jwk: Any, detail: str) -> None:
    with pytest.raises(KeyResolutionError) as error:
        key_from_jwk(jwk)
    assert refusal(error) == detail


def test_jwk_thumbprint_rfc8037_example_key_gives_published_thumbprint() -> None:
    assert jwk_thumbprint(key_from_jwk(RFC8037_KEY)) == RFC8037_THUMBPRINT


def test_jwk_thumbprint_ec_key_is_the_rfc7638_thumbprint_of_its_members() -> None:
    members = json.dumps(
        {k: RFC7515_EC_KEY[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":")
    )
    expected = b64url(hashlib.sha256(members.encode()).digest())
    assert jwk_thumbprint(key_from_jwk(RFC7515_EC_KEY)) == expected


# --- certificates ----------------------------------------------------------------------------


def chain_of(length: int) -> tuple[CertifiedKey, list[CertifiedKey]]:
    """A CA and ``length`` leaf certificates it issued."""
    ca = make_ca(at=AT)
    return ca, [issue_certificate(ca, at=AT, alg="ES256") for _ in range(length)]


def test_certificates_from_x5c_up_to_the_cap_are_read_leaf_first() -> None:
    _, leaves = chain_of(MAX_CERTIFICATES)
    read = certificates_from_x5c([leaf.x5c for leaf in leaves])
    assert [c.serial_number for c in read] == [leaf.certificate.serial_number for leaf in leaves]


@pytest.mark.parametrize("value", [[], "MIIB", {"0": "MIIB"}, None])
def test_certificates_from_x5c_not_a_list_is_refused(value: Any) -> None:
    with pytest.raises(KeyResolutionError) as error:
        certificates_from_x5c(value)
    assert refusal(error) == "x5c must be a non-empty list of certificates"


def test_certificates_from_x5c_over_the_cap_is_refused() -> None:
    _, leaves = chain_of(MAX_CERTIFICATES + 1)
    with pytest.raises(KeyResolutionError) as error:
        certificates_from_x5c([leaf.x5c for leaf in leaves])
    assert refusal(error) == "x5c must be a non-empty list of certificates"


def test_certificates_from_x5c_entry_not_a_string_is_refused() -> None:
    _, [leaf] = chain_of(1)
    with pytest.raises(KeyResolutionError) as error:
        certificates_from_x5c([leaf.x5c, {"x5c": leaf.x5c}])
    assert refusal(error) == "an x5c entry is not a string"


@pytest.mark.parametrize("broken", ["folded", "not DER"])
def test_certificates_from_x5c_entry_not_strict_base64_der_is_refused(broken: str) -> None:
    _, [leaf] = chain_of(1)
    entry = leaf.x5c[:40] + "\n" + leaf.x5c[40:] if broken == "folded" else b64url(b"not DER")
    with pytest.raises(KeyResolutionError) as error:
        certificates_from_x5c([entry])
    assert refusal(error) == "an x5c entry is not a DER certificate"


def ed448_certificate() -> x509.Certificate:
    key = ed448.Ed448PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ed448 Seal")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(AT - dt.timedelta(days=1))
        .not_valid_after(AT + dt.timedelta(days=1))
        .sign(key, None)
    )


def test_leaf_key_is_the_first_certificates_key() -> None:
    ca, [leaf] = chain_of(1)
    key = leaf_key((leaf.certificate, ca.certificate))
    assert spki(key) == spki(leaf.key.private_key.public_key())


def test_leaf_key_of_another_type_is_refused() -> None:
    with pytest.raises(KeyResolutionError) as error:
        leaf_key((ed448_certificate(),))
    assert refusal(error) == "the certificate's key is not an Ed25519, EC or RSA key"


def test_certificate_sha256_is_the_base64url_digest_of_the_der() -> None:
    _, [leaf] = chain_of(1)
    assert certificate_sha256(leaf.certificate) == b64url(hashlib.sha256(leaf.der).digest())


def test_certificate_names_issuer_by_uri_alone_or_host_alone() -> None:
    ca = make_ca(at=AT)
    by_uri = issue_certificate(ca, at=AT, uris=("https://uni.example/issuer",)).certificate
    by_host = issue_certificate(ca, at=AT, dns_names=("uni.example",)).certificate
    unnamed = issue_certificate(ca, at=AT).certificate
    assert certificate_names_issuer(by_uri, "https://uni.example/issuer")
    assert not certificate_names_issuer(by_uri, "https://uni.example/other")
    assert certificate_names_issuer(by_host, "https://uni.example/other")
    assert not certificate_names_issuer(by_host, "urn:uuid:uni.example")
    assert not certificate_names_issuer(unnamed, "https://uni.example/issuer")


# --- keys carried in the header --------------------------------------------------------------


def test_embedded_key_x5c_comes_before_jwk() -> None:
    ca, [leaf] = chain_of(1)
    other = new_key("ES256")
    found = embedded_key({"x5c": [leaf.x5c, ca.x5c], "jwk": other.public_jwk()})
    assert found is not None
    assert (found.source, found.controller) == ("x5c", None)
    assert found.certificates == (leaf.certificate, ca.certificate)
    assert spki(found.public_key) == spki(leaf.key.private_key.public_key())


def test_embedded_key_jwk_is_a_bare_key() -> None:
    key = new_key()
    found = embedded_key({"jwk": key.public_jwk(), "kid": "https://issuer.example/key"})
    assert found is not None
    assert (found.source, found.controller, found.certificates) == ("jwk", None, ())
    assert spki(found.public_key) == spki(key.private_key.public_key())


def test_embedded_key_neither_is_none() -> None:
    assert embedded_key({"kid": "did:example:1#k"}) is None


# --- keys named by kid -----------------------------------------------------------------------


def did_web_document(did: str, keys: list[IssuerKey]) -> bytes:
    """A DID document of ``did`` listing ``keys`` as assertion keys ``#k0``, ``#k1``…"""
    methods = [
        {"id": f"{did}#k{i}", "type": "JsonWebKey2020", "controller": did,
         "publicKeyJwk": key.public_jwk()}
        for i, key in enumerate(keys)
    ]  # fmt: skip
    document = {
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
    return json_bytes(document)


def serve_did_web(server: LocalServer, keys: list[IssuerKey]) -> str:
    """A did:web identifier whose document ``server`` serves."""
    did = f"did:web:{server.host.replace(':', '%3A')}"
    server.serve("/.well-known/did.json", did_web_document(did, keys))
    return did


@pytest.mark.parametrize("header", [{}, {"kid": ""}, {"kid": 7}])
def test_resolve_header_key_no_kid_takes_the_only_key_of_a_did_issuer(
    header: dict[str, Any],
) -> None:
    key = new_key()
    did = did_jwk(key)
    found = resolve_header_key(header, SafeFetcher(), issuer=did)
    assert (found.source, found.controller) == ("kid", did)
    assert spki(found.public_key) == spki(key.private_key.public_key())


def test_resolve_header_key_no_kid_reads_a_did_web_issuer_over_the_scheme_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    did = serve_did_web(http_server, [key])
    found = resolve_header_key({}, fetcher, issuer=did, web_scheme="http")
    assert (found.source, found.controller) == ("kid", did)
    assert spki(found.public_key) == spki(key.private_key.public_key())


@pytest.mark.parametrize("header", [{}, {"kid": "did:web:issuer.example#k0"}])
def test_resolve_header_key_did_web_is_read_over_https_by_default(header: dict[str, Any]) -> None:
    key = new_key()
    fetcher = StubFetcher(did_web_document("did:web:issuer.example", [key]))
    found = resolve_header_key(header, fetcher, issuer="did:web:issuer.example")
    assert spki(found.public_key) == spki(key.private_key.public_key())
    assert fetcher.asked == ["https://issuer.example/.well-known/did.json"]


def test_resolve_header_key_no_kid_issuer_with_a_fragment_reads_the_did(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    did = serve_did_web(http_server, [key])
    found = resolve_header_key({}, fetcher, issuer=did + "#k0#x", web_scheme="http")
    assert (found.source, found.controller) == ("kid", did + "#k0#x")
    assert spki(found.public_key) == spki(key.private_key.public_key())


def test_resolve_header_key_no_kid_relative_key_ids_are_read_against_the_did(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    did = f"did:web:{http_server.host.replace(':', '%3A')}"
    method = {
        "id": f"{did}#k0",
        "type": "JsonWebKey2020",
        "controller": did,
        "publicKeyJwk": key.public_jwk(),
    }
    document = {"id": did, "verificationMethod": [method], "assertionMethod": ["#k0"]}
    http_server.serve("/.well-known/did.json", json.dumps(document))
    found = resolve_header_key({}, fetcher, issuer=f"{did}#org#x", web_scheme="http")
    assert spki(found.public_key) == spki(key.private_key.public_key())


@pytest.mark.parametrize("count", [0, 2])
def test_resolve_header_key_no_kid_did_with_other_than_one_key_is_refused(
    count: int, fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    did = serve_did_web(http_server, [new_key() for _ in range(count)])
    with pytest.raises(KeyResolutionError) as error:
        resolve_header_key({}, fetcher, issuer=did, web_scheme="http")
    assert refusal(error) == f"the signature names no key and {did} lists {count} assertion keys"


@pytest.mark.parametrize("issuer", [None, "https://issuer.example", "urn:did:example"])
def test_resolve_header_key_no_kid_and_no_did_issuer_is_refused(issuer: str | None) -> None:
    with pytest.raises(KeyResolutionError) as error:
        resolve_header_key({"kid": ""}, SafeFetcher(), issuer=issuer)
    assert refusal(error) == "the signature names no key (no kid, jwk or x5c)"


def test_resolve_header_key_embedded_key_wins_over_kid() -> None:
    key = new_key()
    header = {"jwk": key.public_jwk(), "kid": "https://issuer.example/key"}
    found = resolve_header_key(header, SafeFetcher(), issuer="did:web:issuer.example")
    assert found.source == "jwk"


def test_resolve_header_key_fragment_kid_is_relative_to_a_did_issuer() -> None:
    key = new_key()
    did = did_jwk(key)
    found = resolve_header_key({"kid": "#0"}, SafeFetcher(), issuer=did)
    assert (found.source, found.controller) == ("kid", did)
    assert spki(found.public_key) == spki(key.private_key.public_key())


@pytest.mark.parametrize("issuer", [None, "https://issuer.example"])
def test_resolve_header_key_fragment_kid_without_did_issuer_is_refused(issuer: str | None) -> None:
    with pytest.raises(KeyResolutionError) as error:
        resolve_header_key({"kid": "#0"}, SafeFetcher(), issuer=issuer)
    assert refusal(error) == "the key id is neither a DID URL nor a web address"


def test_resolve_header_key_did_kid_is_resolved_over_the_scheme_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    first, second = new_key(), new_key()
    did = serve_did_web(http_server, [first, second])
    found = resolve_header_key({"kid": f"{did}#k1"}, fetcher, issuer=None, web_scheme="http")
    assert (found.source, found.controller) == ("kid", did)
    assert spki(found.public_key) == spki(second.private_key.public_key())


def test_resolve_header_key_http_kid_is_fetched_as_a_jwk(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    url = http_server.serve("/key.json", json.dumps(key.public_jwk()))
    found = resolve_header_key({"kid": url}, fetcher, issuer="did:web:issuer.example")
    assert (found.source, found.controller) == ("kid", url)
    assert spki(found.public_key) == spki(key.private_key.public_key())


def test_resolve_header_key_https_kid_is_fetched_as_a_jwk() -> None:
    key = new_key()
    fetcher = StubFetcher(json_bytes(key.public_jwk()))
    found = resolve_header_key({"kid": "https://issuer.example/key"}, fetcher, issuer=None)
    assert (found.source, found.controller) == ("kid", "https://issuer.example/key")
    assert fetcher.asked == ["https://issuer.example/key"]


@pytest.mark.parametrize("kid", ["key-1", "ftp://issuer.example/key", "urn:uuid:1"])
def test_resolve_header_key_other_kid_is_refused(kid: str) -> None:
    with pytest.raises(KeyResolutionError) as error:
        resolve_header_key({"kid": kid}, SafeFetcher(), issuer="did:web:issuer.example")
    assert refusal(error) == "the key id is neither a DID URL nor a web address"


# --- fetch_jwk and JWK Sets ------------------------------------------------------------------


def test_fetch_jwk_asks_for_jwks_within_the_cap(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    url = http_server.serve("/key.json", json.dumps(key.public_jwk()))
    asking = AskingFetcher(fetcher)
    assert spki(fetch_jwk(url, asking)) == spki(key.private_key.public_key())
    assert asking.asked == [(url, JWK_ACCEPT, MAX_KEY_DOCUMENT_BYTES)]
    assert http_server.request_headers[0]["Accept"] == JWK_ACCEPT


def test_fetch_jwk_at_the_cap_is_read(fetcher: SafeFetcher, http_server: LocalServer) -> None:
    key = new_key()
    url = http_server.serve("/key.json", padded(key.public_jwk(), MAX_KEY_DOCUMENT_BYTES))
    assert spki(fetch_jwk(url, fetcher)) == spki(key.private_key.public_key())


def test_fetch_jwk_over_the_cap_is_refused(fetcher: SafeFetcher, http_server: LocalServer) -> None:
    url = http_server.serve("/key.json", padded(new_key().public_jwk(), MAX_KEY_DOCUMENT_BYTES + 1))
    with pytest.raises(FetchError) as error:
        fetch_jwk(url, fetcher)
    assert refusal(error) == (
        f"{url} is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; the limit is {MAX_KEY_DOCUMENT_BYTES}"
    )


def test_fetch_jwk_over_the_cap_is_refused_when_the_fetcher_does_not_cap(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    url = http_server.serve("/key.json", padded(new_key().public_jwk(), MAX_KEY_DOCUMENT_BYTES + 1))
    with pytest.raises(KeyResolutionError) as error:
        fetch_jwk(url, UncappedFetcher(fetcher))
    assert refusal(error) == (
        f"the key at {url} is not JSON: JSON document is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; "
        f"the limit is {MAX_KEY_DOCUMENT_BYTES}"
    )


@pytest.mark.parametrize("status", [201, 404, 500])
def test_fetch_jwk_other_answer_than_200_is_out_of_reach(
    status: int, fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    url = http_server.serve("/key.json", json.dumps(new_key().public_jwk()), status=status)
    with pytest.raises(FetchError) as error:
        fetch_jwk(url, fetcher)
    assert refusal(error) == f"the key at {url} answered HTTP {status}"


def test_fetch_jwk_not_json_is_refused(fetcher: SafeFetcher, http_server: LocalServer) -> None:
    url = http_server.serve("/key.json", "[1]")
    with pytest.raises(KeyResolutionError) as error:
        fetch_jwk(url, fetcher)
    assert (
        refusal(error) == f"the key at {url} is not JSON: expected a JSON object at the top level"
    )


def test_fetch_jwk_set_is_searched_by_kid_then_fragment() -> None:
    first, second = new_key(), new_key()
    jwks = {"keys": [first.public_jwk(kid="k1"), second.public_jwk(kid="k2")]}
    fetcher = StubFetcher(json_bytes(jwks))
    by_fragment = fetch_jwk("https://issuer.example/jwks#k2", fetcher)
    assert spki(by_fragment) == spki(second.private_key.public_key())
    by_kid = fetch_jwk("https://issuer.example/jwks#k2", fetcher, kid="k1")
    assert spki(by_kid) == spki(first.private_key.public_key())
    with pytest.raises(KeyResolutionError) as error:
        fetch_jwk("https://issuer.example/jwks", fetcher)
    assert refusal(error) == "the JWK Set has several keys and the signature names none"


def test_fetch_jwk_set_of_one_key_needs_no_kid() -> None:
    key = new_key()
    fetcher = StubFetcher(json_bytes({"keys": [key.public_jwk(kid="k1")]}))
    assert spki(fetch_jwk("https://issuer.example/jwks", fetcher)) == spki(
        key.private_key.public_key()
    )


@pytest.mark.parametrize(
    ("document", "kid", "detail"),
    [
        ({"keys": {"k1": {}}}, "k1", "the JWK Set has no keys list"),
        ({"keys": None}, None, "the JWK Set has no keys list"),
        ({"keys": []}, None, "the JWK Set has several keys and the signature names none"),
        ({"keys": ["k1", {"kid": "k2"}]}, "k1", "the JWK Set has no key 'k1'"),
        ({"keys": [{"kid": "k2", "kty": "EC"}]}, "k1", "the JWK Set has no key 'k1'"),
    ],
)
def test_key_from_jwks_unusable_set_names_the_reason(
    document: dict[str, Any], kid: str | None, detail: str
) -> None:
    with pytest.raises(KeyResolutionError) as error:
        key_from_jwks(document, kid)
    assert refusal(error) == detail


def test_key_from_jwks_key_of_the_kid_is_read_and_checked() -> None:
    key = new_key()
    document = {"keys": ["k1", key.public_jwk(kid="k1"), {"kid": "k1", "kty": "oct"}]}
    assert spki(key_from_jwks(document, "k1")) == spki(key.private_key.public_key())
    with pytest.raises(KeyResolutionError) as error:
        key_from_jwks({"keys": [{"kid": "k1", "kty": "oct"}]}, "k1")
    assert refusal(error) == "key type 'oct' is not supported"


# --- checks ----------------------------------------------------------------------------------


def test_proof_check_valid_and_invalid_wording() -> None:
    passed = proof_check(True, detail="RS256")
    assert (passed.code, passed.status, passed.required, passed.detail) == (
        "proof",
        CheckStatus.PASSED,
        True,
        "RS256",
    )
    assert passed.message == Message(
        "The issuer's signature is valid.", "Podpis wystawcy jest prawidłowy."
    )
    failed = proof_check(False, detail="ES256")
    assert (failed.code, failed.status, failed.required, failed.detail) == (
        "proof",
        CheckStatus.FAILED,
        True,
        "ES256",
    )
    assert failed.message == Message(
        "The signature does not match: the credential was changed or not signed by this key.",
        "Podpis się nie zgadza: poświadczenie zmieniono albo nie podpisano go tym kluczem.",
    )
    assert proof_check(True).detail is None


def test_key_resolution_failure_out_of_reach_is_skipped() -> None:
    check = key_resolution_failure(FetchError("the key answered HTTP 503"))
    assert (check.code, check.status, check.required, check.message, check.detail) == (
        "key_resolution",
        CheckStatus.SKIPPED,
        True,
        KEY_NOT_FETCHED,
        "the key answered HTTP 503",
    )


def test_key_resolution_failure_unusable_key_fails() -> None:
    check = key_resolution_failure(KeyResolutionError("the JWK Set has no keys list"))
    assert (check.code, check.status, check.required, check.message, check.detail) == (
        "key_resolution",
        CheckStatus.FAILED,
        True,
        KEY_NOT_FOUND,
        "the JWK Set has no keys list",
    )


def test_key_resolution_success_names_the_controller_or_the_source() -> None:
    public = key_from_jwk(RFC8037_KEY)
    named = key_resolution_success(SigningKey(public, "kid", controller="did:web:uni.example"))
    assert (named.code, named.status, named.required, named.detail) == (
        "key_resolution",
        CheckStatus.PASSED,
        True,
        "did:web:uni.example",
    )
    assert named.message == Message("The issuer's key was found.", "Znaleziono klucz wystawcy.")
    assert key_resolution_success(SigningKey(public, "jwk")).detail == "jwk"
