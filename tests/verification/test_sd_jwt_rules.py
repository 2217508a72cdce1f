"""SD-JWT rules one by one: what each check says, every reason a token is refused, and how the
issuer's metadata is fetched.

A refused token leaves one failed check whose detail names the problem; the wording a holder
reads is part of the behaviour too, and so are the requests a verifier sends to an issuer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import (
    IssuerKey,
    SdJwtBuilder,
    b64url,
    did_jwk,
    digest,
    disclosure,
    issue_sd_jwt,
    json_bytes,
    key_binding_jwt,
    new_key,
    sign_compact,
)
from tests.verification.test_sd_jwt import (
    AT,
    VCT,
    context,
    learning_credential,
    serve_metadata,
    with_key_binding,
)
from wallet.fetching import Fetched, SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.jose import MAX_KEY_DOCUMENT_BYTES
from wallet.verification.report import Check, CheckStatus, Message, Report, Verdict
from wallet.verification.sd_jwt import (
    MAX_DISCLOSURES,
    key_binding_check,
    parse_sd_jwt,
    present_sd_jwt,
    reconstruct_claims,
    sd_jwt_issuer,
    verify_sd_jwt,
)

AUDIENCE = "https://verifier.example"
SD_JWT_VC = Message("This is an SD-JWT verifiable credential.", "To jest poświadczenie SD-JWT VC.")
PLAIN_SD_JWT = Message(
    "This is a selectively disclosable JWT (SD-JWT).",
    "To jest token JWT z selektywnym ujawnianiem (SD-JWT).",
)
UNREADABLE = Message("This is not a readable SD-JWT.", "To nie jest czytelny token SD-JWT.")
MISMATCHED = Message(
    "The revealed details do not match what the issuer signed.",
    "Ujawnione dane nie zgadzają się z tym, co podpisał wystawca.",
)
KEY_NOT_FETCHED = Message(
    "The issuer's key could not be fetched, so the signature cannot be checked now.",
    "Nie udało się pobrać klucza wystawcy, więc nie można teraz sprawdzić podpisu.",
)
KEY_NOT_FOUND = Message(
    "The issuer's key cannot be found or read.", "Nie można znaleźć ani odczytać klucza wystawcy."
)
POSSESSION_NOT_PROVED = Message(
    "The proof of possession does not match this credential or its holder key.",
    "Dowód posiadania nie pasuje do tego poświadczenia albo klucza posiadacza.",
)


def only(checks: list[Check], code: str) -> Check:
    """The one check with ``code``."""
    [found] = [c for c in checks if c.code == code]
    return found


def did_signed(
    claims: dict[str, Any], disclosures: list[str], *, header: dict[str, Any] | None = None
) -> str:
    """An SD-JWT VC issued by a fresh did:jwk, whose key resolves without the network."""
    key = new_key()
    did = did_jwk(key)
    return issue_sd_jwt(
        {"vct": VCT, "iss": did, **claims},
        disclosures,
        key,
        header={"kid": did + "#0", **(header or {})},
    )


def format_detail(text: str, fetcher: SafeFetcher) -> str | None:
    """The detail of the one check left for ``text``, which must be a failed format."""
    [check] = verify_sd_jwt(text, context(fetcher))
    assert (check.code, check.status, check.required, check.message) == (
        "format",
        CheckStatus.FAILED,
        True,
        UNREADABLE,
    )
    return check.detail


def disclosure_detail(token: str, fetcher: SafeFetcher) -> str | None:
    """The detail of the ``disclosure`` check of ``token``, which must fail."""
    check = only(verify_sd_jwt(token, context(fetcher)), "disclosure")
    assert (check.status, check.required, check.message) == (CheckStatus.FAILED, True, MISMATCHED)
    return check.detail


# --- format ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typ", "message"),
    [("dc+sd-jwt", SD_JWT_VC), ("vc+sd-jwt", SD_JWT_VC), ("example+sd-jwt", PLAIN_SD_JWT)],
)
def test_format_says_whether_the_token_is_an_sd_jwt_vc(
    typ: str, message: Message, fetcher: SafeFetcher
) -> None:
    checks = verify_sd_jwt(did_signed({}, [], header={"typ": typ}), context(fetcher))
    assert (checks[0].code, checks[0].status, checks[0].message) == (
        "format",
        CheckStatus.PASSED,
        message,
    )
    assert Report.of(checks).verdict is Verdict.VERIFIED


def issuer_jwt(header: dict[str, Any] | None = None, **claims: Any) -> str:
    key = new_key()
    return sign_compact({"typ": "dc+sd-jwt", **(header or {})}, {"vct": VCT, **claims}, key)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (issuer_jwt(), "an SD-JWT has at least one '~' after the issuer JWT"),
        (issuer_jwt() + "~~", "an SD-JWT has an empty disclosure"),
        (
            issuer_jwt() + "~" + b64url(b'{"a": 1}') + "~",
            "a disclosure is not a 2- or 3-element JSON array",
        ),
        (
            issuer_jwt() + "~" + b64url(b'["s"]') + "~",
            "a disclosure is not a 2- or 3-element JSON array",
        ),
        (
            issuer_jwt() + "~" + b64url(b'["s", "n", 1, 2]') + "~",
            "a disclosure is not a 2- or 3-element JSON array",
        ),
        (issuer_jwt() + "~" + b64url(b'[1, "n", 1]') + "~", "a disclosure's salt is not a string"),
        (issuer_jwt() + "~" + b64url(b"[1, 2]") + "~", "a disclosure's salt is not a string"),
        (
            issuer_jwt() + "~" + b64url(b'["s", 7, 1]') + "~",
            "a disclosure's claim name is missing or reserved",
        ),
        (
            issuer_jwt() + "~" + disclosure(1, "_sd") + "~",
            "a disclosure's claim name is missing or reserved",
        ),
        (
            issuer_jwt() + "~" + disclosure(1, "...") + "~",
            "a disclosure's claim name is missing or reserved",
        ),
        (issuer_jwt({"typ": 1}) + "~", "the issuer JWT's typ is not a string"),
        (issuer_jwt({"typ": "KB+JWT"}) + "~", "the issuer JWT's typ 'KB+JWT' is not an SD-JWT's"),
        (issuer_jwt({"typ": "vc+jwt"}) + "~", "the issuer JWT's typ 'vc+jwt' is not an SD-JWT's"),
        (
            issuer_jwt({"typ": "vc+ld+json+jwt"}) + "~",
            "the issuer JWT's typ 'vc+ld+json+jwt' is not an SD-JWT's",
        ),
        (issuer_jwt(vct=7) + "~", "the SD-JWT VC has no vct (credential type)"),
        (
            issuer_jwt({"typ": "vc+sd-jwt"}, vct=None) + "~",
            "the SD-JWT VC has no vct (credential type)",
        ),
    ],
    ids=[
        "no-tilde",
        "empty-disclosure",
        "disclosure-object",
        "disclosure-of-one",
        "disclosure-of-four",
        "salt-number",
        "element-salt-number",
        "name-number",
        "name-sd",
        "name-dots",
        "typ-number",
        "typ-kb-jwt",
        "typ-vc-jwt",
        "typ-vc-ld-jwt",
        "vct-number",
        "vct-missing",
    ],
)
def test_format_refusal_names_the_reason(text: str, detail: str, fetcher: SafeFetcher) -> None:
    assert format_detail(text, fetcher) == detail


def concealed_claims(count: int) -> tuple[dict[str, Any], list[str]]:
    builder = SdJwtBuilder()
    names = [f"claim_{n}" for n in range(count)]
    return builder.conceal({name: n for n, name in enumerate(names)}, *names), builder.disclosures


def test_format_accepts_the_most_disclosures_allowed(fetcher: SafeFetcher) -> None:
    claims, disclosures = concealed_claims(MAX_DISCLOSURES)
    checks = verify_sd_jwt(did_signed(claims, disclosures), context(fetcher))
    assert only(checks, "disclosure").message == Message(
        "All 512 revealed details match what the issuer signed.",
        "Wszystkie ujawnione dane (512) zgadzają się z podpisem.",
    )
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_format_refuses_one_disclosure_more_than_allowed(fetcher: SafeFetcher) -> None:
    claims, disclosures = concealed_claims(MAX_DISCLOSURES + 1)
    detail = format_detail(did_signed(claims, disclosures), fetcher)
    assert detail == "an SD-JWT may carry at most 512 disclosures"


def test_format_ignores_whitespace_around_the_token(fetcher: SafeFetcher) -> None:
    claims, disclosures = concealed_claims(2)
    checks = verify_sd_jwt(f"\n {did_signed(claims, disclosures)}\n", context(fetcher))
    assert only(checks, "key_binding").status is CheckStatus.SKIPPED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_parse_sd_jwt_reads_each_disclosure_and_the_key_binding() -> None:
    element = disclosure("Clean a data set", salt="salt-1")
    prop = disclosure("Anna", "given_name", salt="salt-2")
    token = issuer_jwt() + "~" + element + "~" + prop + "~"
    parsed = parse_sd_jwt(token + "kb.jwt.sig")
    assert [(d.encoded, d.salt, d.name, d.value) for d in parsed.disclosures] == [
        (element, "salt-1", None, "Clean a data set"),
        (prop, "salt-2", "given_name", "Anna"),
    ]
    assert (parsed.key_binding, parsed.presented_part) == ("kb.jwt.sig", token)
    assert parse_sd_jwt(token).key_binding is None


# --- disclosures -----------------------------------------------------------------------------


ONE = disclosure("Anna", "given_name")
OTHER = disclosure("Kowalska", "family_name")
ELEMENT = disclosure("Clean a data set")
DECOY = digest(disclosure("decoy", "decoy"))


@pytest.mark.parametrize(
    ("claims", "disclosures", "detail"),
    [
        ({"_sd": [digest(ONE)]}, [ONE, ONE], "the same disclosure is given twice"),
        ({}, [ONE, OTHER], "2 disclosure(s) match no digest signed by the issuer"),
        (
            {"_sd": [digest(ONE)]},
            [ONE, OTHER],
            "1 disclosure(s) match no digest signed by the issuer",
        ),
        ({"_sd": digest(ONE)}, [ONE], "_sd is not a list"),
        (
            {"_sd": [digest(ELEMENT)]},
            [ELEMENT],
            "an array-element disclosure is referenced from _sd",
        ),
        (
            {"given_name": "Ewa", "_sd": [digest(ONE)]},
            [ONE],
            "claim 'given_name' is disclosed but already present",
        ),
        (
            {"outcomes": [{"...": digest(ONE)}]},
            [ONE],
            "a property disclosure is referenced from an array",
        ),
        ({"_sd": [7]}, [], "a digest is not a string"),
        ({"outcomes": [{"...": 7}]}, [], "a digest is not a string"),
        ({"_sd": [digest(ONE), digest(ONE)]}, [ONE], "a digest appears more than once"),
        ({"_sd": [DECOY, DECOY]}, [], "a digest appears more than once"),
        ({"_sd": [DECOY], "outcomes": [{"...": DECOY}]}, [], "a digest appears more than once"),
        (
            {"_sd_alg": "md5", "_sd": [digest(ONE)]},
            [ONE],
            "digest algorithm 'md5' is not supported",
        ),
        ({"_sd_alg": 256, "_sd": [digest(ONE)]}, [ONE], "digest algorithm 256 is not supported"),
    ],
    ids=[
        "given-twice",
        "two-strays",
        "one-stray",
        "sd-not-list",
        "element-in-sd",
        "already-present",
        "property-in-array",
        "digest-number",
        "element-digest-number",
        "digest-listed-twice",
        "decoy-listed-twice",
        "decoy-in-sd-and-array",
        "md5",
        "alg-number",
    ],
)
def test_disclosure_refusal_names_the_reason(
    claims: dict[str, Any], disclosures: list[str], detail: str, fetcher: SafeFetcher
) -> None:
    assert disclosure_detail(did_signed(claims, disclosures), fetcher) == detail


@pytest.mark.parametrize("alg", ["sha-256", "sha-384", "sha-512"])
def test_disclosure_digests_of_each_supported_algorithm_are_matched(
    alg: str, fetcher: SafeFetcher
) -> None:
    claims = {
        "_sd_alg": alg,
        "_sd": [digest(ONE, alg)],
        "outcomes": [{"...": digest(ELEMENT, alg)}],
    }
    token = did_signed(claims, [ONE, ELEMENT])
    checks = verify_sd_jwt(token, context(fetcher))
    assert only(checks, "disclosure").message == Message(
        "All 2 revealed details match what the issuer signed.",
        "Wszystkie ujawnione dane (2) zgadzają się z podpisem.",
    )
    assert Report.of(checks).verdict is Verdict.VERIFIED
    disclosed = reconstruct_claims(token)
    assert (disclosed["given_name"], disclosed["outcomes"]) == ("Anna", ["Clean a data set"])
    assert "_sd_alg" not in disclosed


def test_disclosure_digests_default_to_sha_256(fetcher: SafeFetcher) -> None:
    token = did_signed({"_sd": [digest(ONE)]}, [ONE])
    assert only(verify_sd_jwt(token, context(fetcher)), "disclosure").status is CheckStatus.PASSED
    assert reconstruct_claims(parse_sd_jwt(token))["given_name"] == "Anna"


def test_disclosure_of_unresolvable_key_is_still_checked(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    token = learning_credential(new_key("ES256"), header={}, iss=http_server.url("/gone"))
    checks = verify_sd_jwt(token + ONE + "~", context(fetcher))
    assert [(c.code, c.status) for c in checks] == [
        ("format", CheckStatus.PASSED),
        ("key_resolution", CheckStatus.SKIPPED),
        ("disclosure", CheckStatus.FAILED),
    ]
    assert checks[2].detail == "1 disclosure(s) match no digest signed by the issuer"


# --- presentations -------------------------------------------------------------------------


def test_present_sd_jwt_reaches_disclosures_under_plain_array_elements() -> None:
    builder = SdJwtBuilder()
    first = builder.conceal({"title": "Data literacy"}, "title")
    second = builder.conceal({"title": "Statistics"}, "title")
    claims = {"vct": VCT, "courses": ["plain", first, second]}
    token = issue_sd_jwt(claims, builder.disclosures, new_key())
    shown = reconstruct_claims(present_sd_jwt(token, [("courses", 2, "title")]))
    assert shown["courses"] == ["plain", {}, {"title": "Statistics"}]


def test_present_sd_jwt_reveals_disclosed_array_elements_by_position() -> None:
    builder = SdJwtBuilder()
    items = [builder.conceal_item(v) for v in ("a", "b", "c")]
    claims = {"vct": VCT, "letters": [items[0], "plain", items[1], items[2]]}
    token = issue_sd_jwt(claims, builder.disclosures, new_key())
    assert reconstruct_claims(present_sd_jwt(token, [("letters", 2)]))["letters"] == [
        "plain",
        "b",
    ]
    assert reconstruct_claims(present_sd_jwt(token, [("letters",)]))["letters"] == [
        "a",
        "plain",
        "b",
        "c",
    ]


def test_present_sd_jwt_of_a_parent_keeps_everything_under_it() -> None:
    builder = SdJwtBuilder()
    address = builder.conceal({"locality": "Kraków", "street": "Długa 1"}, "locality", "street")
    claims = builder.conceal({"vct": VCT, "address": address, "given_name": "Anna"}, "address")
    claims = builder.conceal(claims, "given_name")
    token = issue_sd_jwt(claims, builder.disclosures, new_key())
    shown = reconstruct_claims(present_sd_jwt(token, [("address",)]))
    assert shown["address"] == {"locality": "Kraków", "street": "Długa 1"}
    assert "given_name" not in shown


# --- key binding -----------------------------------------------------------------------------


HOLDER = new_key("ES256")


def bound_to(holder: IssuerKey | None, **cnf: Any) -> str:
    """An SD-JWT VC with one disclosure, bound to ``holder`` (or to the ``cnf`` given)."""
    claims: dict[str, Any] = {"_sd": [digest(ONE)]}
    if holder is not None:
        claims["cnf"] = {"jwk": holder.public_jwk()}
    claims.update(cnf)
    return did_signed(claims, [ONE])


def key_binding(token: str, fetcher: SafeFetcher, **bound: Any) -> Check:
    return only(verify_sd_jwt(token, context(fetcher), **bound), "key_binding")


def test_key_binding_absent_is_skipped_and_not_required(fetcher: SafeFetcher) -> None:
    check = key_binding(bound_to(HOLDER), fetcher)
    assert (check.status, check.required, check.detail) == (CheckStatus.SKIPPED, False, None)
    assert check.message == Message(
        "No proof of possession was attached; none is needed to keep a credential.",
        "Nie dołączono dowodu posiadania; nie jest potrzebny do przechowywania poświadczenia.",
    )


def test_key_binding_proved_says_so(fetcher: SafeFetcher) -> None:
    token = with_key_binding(bound_to(HOLDER), HOLDER)
    check = key_binding(token, fetcher, audience=AUDIENCE, nonce="n-1")
    assert (check.status, check.required, check.detail) == (CheckStatus.PASSED, True, None)
    assert check.message == Message(
        "The holder proved possession of the key the credential is bound to.",
        "Posiadacz udowodnił, że ma klucz, z którym związano poświadczenie.",
    )


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"typ": "JWT"}, "the KB-JWT typ is not kb+jwt"),
        ({"sd_hash": b64url(b"\0" * 32)}, "sd_hash does not cover this presentation"),
        ({"iat": None}, "the KB-JWT has no iat"),
        ({"iat": "1"}, "the KB-JWT has no iat"),
        ({"aud": "https://other-verifier.example"}, "the KB-JWT is meant for another audience"),
        ({"nonce": "replayed"}, "the KB-JWT nonce does not match"),
    ],
    ids=["typ", "sd-hash", "no-iat", "text-iat", "aud", "nonce"],
)
def test_key_binding_refusal_names_the_reason(
    overrides: dict[str, Any], detail: str, fetcher: SafeFetcher
) -> None:
    token = with_key_binding(bound_to(HOLDER), HOLDER, **overrides)
    check = key_binding(token, fetcher, audience=AUDIENCE, nonce="n-1")
    assert (check.status, check.required, check.message, check.detail) == (
        CheckStatus.FAILED,
        True,
        POSSESSION_NOT_PROVED,
        detail,
    )


@pytest.mark.parametrize(
    "cnf",
    [{}, {"cnf": {"kid": "holder-key"}}, {"cnf": "holder-key"}],
    ids=["no-cnf", "cnf-without-jwk", "cnf-text"],
)
def test_key_binding_without_a_holder_key_names_the_reason(
    cnf: dict[str, Any], fetcher: SafeFetcher
) -> None:
    token = with_key_binding(bound_to(None, **cnf), HOLDER)
    check = key_binding(token, fetcher, audience=AUDIENCE, nonce="n-1")
    assert (check.status, check.message, check.detail) == (
        CheckStatus.FAILED,
        POSSESSION_NOT_PROVED,
        "the key is not a JSON Web Key object",
    )


def test_key_binding_by_another_key_names_the_reason(fetcher: SafeFetcher) -> None:
    token = with_key_binding(bound_to(HOLDER), new_key("ES256"))
    check = key_binding(token, fetcher, audience=AUDIENCE, nonce="n-1")
    assert (check.status, check.detail) == (
        CheckStatus.FAILED,
        "the KB-JWT is not signed by the cnf key",
    )


def test_key_binding_unreadable_names_the_reason(fetcher: SafeFetcher) -> None:
    check = key_binding(bound_to(HOLDER) + "not-a-jwt", fetcher)
    assert (check.status, check.detail) == (
        CheckStatus.FAILED,
        "a compact JWS has three parts: header.payload.signature",
    )


def test_key_binding_audience_and_nonce_are_checked_only_when_expected(
    fetcher: SafeFetcher,
) -> None:
    token = with_key_binding(bound_to(HOLDER), HOLDER, aud="https://elsewhere", nonce="n-2")
    assert key_binding(token, fetcher).status is CheckStatus.PASSED
    assert key_binding(token, fetcher, audience=AUDIENCE).status is CheckStatus.FAILED
    assert key_binding(token, fetcher, nonce="n-1").status is CheckStatus.FAILED


def test_key_binding_hash_follows_the_disclosure_digest_algorithm(fetcher: SafeFetcher) -> None:
    cnf = {"jwk": HOLDER.public_jwk()}
    token = did_signed({"_sd_alg": "sha-384", "_sd": [digest(ONE, "sha-384")], "cnf": cnf}, [ONE])
    sd_hash = digest(token, "sha-384")
    bound = token + key_binding_jwt(
        token, HOLDER, aud=AUDIENCE, nonce="n-1", iat=1, sd_hash=sd_hash
    )
    checks = verify_sd_jwt(bound, context(fetcher), audience=AUDIENCE, nonce="n-1")
    assert only(checks, "key_binding").status is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_key_binding_uses_a_disclosed_holder_key(fetcher: SafeFetcher) -> None:
    cnf = disclosure({"jwk": HOLDER.public_jwk()}, "cnf")
    token = did_signed({"_sd": [digest(cnf)]}, [cnf])
    assert key_binding(with_key_binding(token, HOLDER), fetcher).status is CheckStatus.PASSED


def test_key_binding_uses_the_signed_holder_key_when_a_disclosure_is_stray(
    fetcher: SafeFetcher,
) -> None:
    token = did_signed({"cnf": {"jwk": HOLDER.public_jwk()}}, [ONE])
    checks = verify_sd_jwt(with_key_binding(token, HOLDER), context(fetcher))
    assert only(checks, "disclosure").status is CheckStatus.FAILED
    assert only(checks, "key_binding").status is CheckStatus.PASSED


def test_key_binding_check_without_claims_has_no_holder_key() -> None:
    token = with_key_binding(bound_to(HOLDER), HOLDER)
    check = key_binding_check(parse_sd_jwt(token), None, audience=None, nonce=None)
    assert (check.status, check.detail) == (
        CheckStatus.FAILED,
        "the key is not a JSON Web Key object",
    )


# --- issuer ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "issuer"),
    [
        ({"iss": "https://a.example", "issuer": "https://b.example"}, "https://a.example"),
        ({"iss": "", "issuer": "https://b.example"}, "https://b.example"),
        ({"iss": 7, "issuer": {"id": "https://b.example"}}, "https://b.example"),
        ({"issuer": {"name": "B"}}, None),
        ({"issuer": ""}, None),
        ({"issuer": 7}, None),
        ({}, None),
    ],
    ids=[
        "iss",
        "empty-iss",
        "issuer-object",
        "issuer-without-id",
        "empty-issuer",
        "number",
        "none",
    ],
)
def test_sd_jwt_issuer_reads_iss_then_issuer(claims: dict[str, Any], issuer: str | None) -> None:
    assert sd_jwt_issuer(claims) == issuer


def test_issuer_binding_without_issuer_is_skipped_and_required(fetcher: SafeFetcher) -> None:
    key = new_key()
    token = learning_credential(key, header={"jwk": key.public_jwk()}, iss=None)
    checks = verify_sd_jwt(token, context(fetcher))
    check = only(checks, "issuer_binding")
    assert (check.status, check.required) == (CheckStatus.SKIPPED, True)
    assert check.message == Message(
        "The credential does not say who issued it.",
        "Poświadczenie nie wskazuje, kto je wystawił.",
    )
    assert only(checks, "proof").status is CheckStatus.PASSED


def test_issuer_key_named_by_a_did_kid_is_not_looked_up_in_metadata(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    token = learning_credential(key, header={"kid": did_jwk(key) + "#0"}, iss=http_server.url("/u"))
    checks = verify_sd_jwt(token, context(fetcher))
    assert (only(checks, "key_resolution").status, only(checks, "proof").status) == (
        CheckStatus.PASSED,
        CheckStatus.PASSED,
    )
    assert http_server.requests == []


def test_issuer_key_of_a_did_issuer_without_kid_is_its_only_key(fetcher: SafeFetcher) -> None:
    key = new_key()
    did = did_jwk(key)
    checks = verify_sd_jwt(learning_credential(key, header={}, iss=did), context(fetcher))
    assert only(checks, "key_resolution").detail == did
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_issuer_key_in_the_header_is_not_looked_up_in_metadata(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    token = learning_credential(key, header={"jwk": key.public_jwk()}, iss=http_server.url("/u"))
    checks = verify_sd_jwt(token, context(fetcher))
    assert (only(checks, "key_resolution").status, only(checks, "proof").status) == (
        CheckStatus.PASSED,
        CheckStatus.PASSED,
    )
    assert "trust" not in [c.code for c in checks]


def did_web_issuer(server: LocalServer, key: IssuerKey) -> str:
    """A did:web on the loopback server whose document lists ``key`` as ``#key-1``."""
    did = "did:web:" + server.host.replace(":", "%3A")
    method = {
        "id": f"{did}#key-1",
        "type": "JsonWebKey",
        "controller": did,
        "publicKeyJwk": key.public_jwk(),
    }
    document = {"id": did, "verificationMethod": [method], "assertionMethod": ["#key-1"]}
    server.serve("/.well-known/did.json", json.dumps(document))
    return did


def test_issuer_key_of_a_did_web_issuer_is_read_over_the_scheme_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    did = did_web_issuer(http_server, key)
    token = learning_credential(key, header={"kid": did + "#key-1"}, iss=did)
    checks = verify_sd_jwt(token, context(fetcher), web_scheme="http")
    assert only(checks, "key_resolution").detail == did
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/did.json"]


def test_issuer_key_of_a_did_web_issuer_is_read_over_https_by_default(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    did = did_web_issuer(http_server, key)
    token = learning_credential(key, header={"kid": did + "#key-1"}, iss=did)
    status, message, detail = key_failure(verify_sd_jwt(token, context(fetcher)))
    assert (status, message) == (CheckStatus.SKIPPED, KEY_NOT_FETCHED)
    assert detail is not None
    assert detail.startswith(f"fetching https://{http_server.host}/.well-known/did.json failed")


def test_issuer_binding_of_a_header_key_looks_in_the_did_web_document_over_the_scheme_given(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key()
    did = did_web_issuer(http_server, key)
    token = learning_credential(key, header={"jwk": key.public_jwk()}, iss=did)
    checks = verify_sd_jwt(token, context(fetcher), web_scheme="http")
    assert only(checks, "issuer_binding").status is CheckStatus.PASSED
    assert Report.of(checks).verdict is Verdict.VERIFIED


# --- issuer metadata -------------------------------------------------------------------------


def metadata_checks(
    fetcher: SafeFetcher, key: IssuerKey, issuer: str, *, kid: Any = "k1"
) -> list[Check]:
    token = learning_credential(key, header={} if kid is None else {"kid": kid}, iss=issuer)
    return verify_sd_jwt(token, context(fetcher))


def key_failure(checks: list[Check]) -> tuple[CheckStatus, Message, str | None]:
    check = only(checks, "key_resolution")
    assert [c.code for c in checks] == ["format", "key_resolution", "disclosure"]
    return check.status, check.message, check.detail


def test_metadata_key_is_asked_for_as_json_and_names_its_issuer(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/tenants/uni")
    serve_metadata(http_server, issuer, key, named=issuer)
    checks = metadata_checks(fetcher, key, issuer)
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert only(checks, "key_resolution").detail == issuer
    assert [h["Accept"] for h in http_server.request_headers] == ["application/json"]


@pytest.mark.parametrize(
    ("path", "metadata"),
    [("/tenants/uni/", "/tenants/uni"), ("/tenants/X", "/tenants/X")],
    ids=["trailing-slash", "last-letter"],
)
def test_metadata_is_at_the_issuer_path_without_its_trailing_slash(
    path: str, metadata: str, fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url(path)
    http_server.serve(
        "/.well-known/jwt-vc-issuer" + metadata,
        json.dumps({"issuer": issuer, "jwks": {"keys": [key.public_jwk(kid="k1")]}}),
    )
    checks = metadata_checks(fetcher, key, issuer)
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/jwt-vc-issuer" + metadata]


def test_metadata_of_an_issuer_without_path_is_at_the_well_known_address(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.base_url
    serve_metadata(http_server, issuer, key, named=issuer)
    assert Report.of(metadata_checks(fetcher, key, issuer)).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/jwt-vc-issuer"]


def test_metadata_key_is_found_by_kid_among_several(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    keys = [new_key("ES256").public_jwk(kid="k1"), key.public_jwk(kid="k2")]
    http_server.serve(
        "/.well-known/jwt-vc-issuer/u", json.dumps({"issuer": issuer, "jwks": {"keys": keys}})
    )
    assert Report.of(metadata_checks(fetcher, key, issuer, kid="k2")).verdict is Verdict.VERIFIED


@pytest.mark.parametrize("kid", [None, 7], ids=["no-kid", "number-kid"])
def test_metadata_key_without_a_usable_kid_is_the_only_key(
    kid: Any, fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    serve_metadata(http_server, issuer, key, named=issuer)
    assert Report.of(metadata_checks(fetcher, key, issuer, kid=kid)).verdict is Verdict.VERIFIED


def test_metadata_keys_by_reference_are_fetched_as_json(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    jwks_uri = http_server.serve("/jwks", json.dumps({"keys": [key.public_jwk(kid="k1")]}))
    http_server.serve(
        "/.well-known/jwt-vc-issuer/u", json.dumps({"issuer": issuer, "jwks_uri": jwks_uri})
    )
    checks = metadata_checks(fetcher, key, issuer)
    assert Report.of(checks).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/jwt-vc-issuer/u", "/jwks"]
    assert [h["Accept"] for h in http_server.request_headers] == ["application/json"] * 2


def test_metadata_keys_given_inline_are_used_before_a_reference(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    metadata = {
        "issuer": issuer,
        "jwks": {"keys": [key.public_jwk(kid="k1")]},
        "jwks_uri": http_server.url("/jwks"),
    }
    http_server.serve("/.well-known/jwt-vc-issuer/u", json.dumps(metadata))
    assert Report.of(metadata_checks(fetcher, key, issuer)).verdict is Verdict.VERIFIED
    assert http_server.requests == ["/.well-known/jwt-vc-issuer/u"]


def test_metadata_keys_not_an_object_are_taken_from_the_reference(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    jwks_uri = http_server.serve("/jwks", json.dumps({"keys": [key.public_jwk(kid="k1")]}))
    metadata = {"issuer": issuer, "jwks": [key.public_jwk(kid="k1")], "jwks_uri": jwks_uri}
    http_server.serve("/.well-known/jwt-vc-issuer/u", json.dumps(metadata))
    assert Report.of(metadata_checks(fetcher, key, issuer)).verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    "published",
    [{}, {"jwks_uri": 7}, {"jwks": "keys"}, {"jwks": ["k1"], "jwks_uri": {"url": "/jwks"}}],
    ids=["nothing", "number-reference", "text-keys", "list-keys-object-reference"],
)
def test_metadata_without_keys_fails_key_resolution(
    published: dict[str, Any], fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    issuer = http_server.url("/u")
    http_server.serve("/.well-known/jwt-vc-issuer/u", json.dumps({"issuer": issuer, **published}))
    assert key_failure(metadata_checks(fetcher, new_key("ES256"), issuer)) == (
        CheckStatus.FAILED,
        KEY_NOT_FOUND,
        "the issuer metadata publishes no keys",
    )
    assert http_server.requests == ["/.well-known/jwt-vc-issuer/u"]


def test_metadata_of_another_issuer_names_the_reason(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    serve_metadata(http_server, issuer, key, named=http_server.url("/other"))
    assert key_failure(metadata_checks(fetcher, key, issuer)) == (
        CheckStatus.FAILED,
        KEY_NOT_FOUND,
        "the issuer metadata is about a different issuer",
    )


@pytest.mark.parametrize(
    "issuer",
    ["ftp://127.0.0.1/u", "http://127.0.0.1/u?tenant=1", "http://127.0.0.1/u#keys", "urn:x:1"],
    ids=["ftp", "query", "fragment", "urn"],
)
def test_metadata_of_an_issuer_that_is_no_plain_web_address_is_not_fetched(
    issuer: str, fetcher: SafeFetcher
) -> None:
    assert key_failure(metadata_checks(fetcher, new_key("ES256"), issuer)) == (
        CheckStatus.FAILED,
        KEY_NOT_FOUND,
        "the issuer is not a web address without query or fragment",
    )


def test_metadata_of_an_https_issuer_is_fetched(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    issuer = f"https://{http_server.host}/u"
    status, message, detail = key_failure(metadata_checks(fetcher, new_key("ES256"), issuer))
    assert (status, message) == (CheckStatus.SKIPPED, KEY_NOT_FETCHED)
    assert detail is not None and detail.startswith(
        f"fetching https://{http_server.host}/.well-known/jwt-vc-issuer/u failed"
    )


@pytest.mark.parametrize("status", [404, 500, 201])
def test_metadata_answering_other_than_ok_cannot_be_checked_now(
    status: int, fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    issuer = http_server.url("/u")
    url = http_server.serve("/.well-known/jwt-vc-issuer/u", "{}", status=status)
    assert key_failure(metadata_checks(fetcher, new_key("ES256"), issuer)) == (
        CheckStatus.SKIPPED,
        KEY_NOT_FETCHED,
        f"{url} answered HTTP {status}",
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[]", "expected a JSON object at the top level"),
        (
            "{",
            "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2",
        ),
    ],
    ids=["list", "broken"],
)
def test_metadata_that_is_no_json_object_names_the_reason(
    body: str, reason: str, fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    issuer = http_server.url("/u")
    url = http_server.serve("/.well-known/jwt-vc-issuer/u", body)
    assert key_failure(metadata_checks(fetcher, new_key("ES256"), issuer)) == (
        CheckStatus.FAILED,
        KEY_NOT_FOUND,
        f"{url} is not a JSON object: {reason}",
    )


def padded(document: dict[str, Any], size: int) -> bytes:
    """``document`` as JSON of exactly ``size`` bytes (trailing spaces)."""
    body = json_bytes(document)
    assert len(body) <= size
    return body + b" " * (size - len(body))


def test_metadata_and_keys_as_large_as_the_cap_are_read(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    jwks = {"keys": [key.public_jwk(kid="k1")]}
    jwks_uri = http_server.serve("/jwks", padded(jwks, MAX_KEY_DOCUMENT_BYTES))
    metadata = {"issuer": issuer, "jwks_uri": jwks_uri}
    http_server.serve("/.well-known/jwt-vc-issuer/u", padded(metadata, MAX_KEY_DOCUMENT_BYTES))
    assert Report.of(metadata_checks(fetcher, key, issuer)).verdict is Verdict.VERIFIED


def test_metadata_larger_than_the_cap_is_refused(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    metadata = {"issuer": issuer, "jwks": {"keys": [key.public_jwk(kid="k1")]}}
    url = http_server.serve(
        "/.well-known/jwt-vc-issuer/u", padded(metadata, MAX_KEY_DOCUMENT_BYTES + 1)
    )
    assert key_failure(metadata_checks(fetcher, key, issuer)) == (
        CheckStatus.SKIPPED,
        KEY_NOT_FETCHED,
        f"{url} is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; the limit is {MAX_KEY_DOCUMENT_BYTES}",
    )


def test_metadata_keys_larger_than_the_cap_are_refused(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    jwks = {"keys": [key.public_jwk(kid="k1")]}
    jwks_uri = http_server.serve("/jwks", padded(jwks, MAX_KEY_DOCUMENT_BYTES + 1))
    http_server.serve(
        "/.well-known/jwt-vc-issuer/u", json.dumps({"issuer": issuer, "jwks_uri": jwks_uri})
    )
    assert key_failure(metadata_checks(fetcher, key, issuer)) == (
        CheckStatus.SKIPPED,
        KEY_NOT_FETCHED,
        f"{jwks_uri} is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; the limit is {MAX_KEY_DOCUMENT_BYTES}",
    )


@dataclass
class UncappedFetcher:
    """The real fetcher, ignoring the caller's byte cap (its own 2 MB cap still holds)."""

    inner: SafeFetcher

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        return self.inner.fetch(url, accept=accept)


def test_metadata_larger_than_the_cap_is_refused_even_by_a_fetcher_without_one(
    fetcher: SafeFetcher, http_server: LocalServer
) -> None:
    key = new_key("ES256")
    issuer = http_server.url("/u")
    metadata = {"issuer": issuer, "jwks": {"keys": [key.public_jwk(kid="k1")]}}
    url = http_server.serve(
        "/.well-known/jwt-vc-issuer/u", padded(metadata, MAX_KEY_DOCUMENT_BYTES + 1)
    )
    token = learning_credential(key, header={"kid": "k1"}, iss=issuer)
    checks = verify_sd_jwt(token, VerificationContext(fetcher=UncappedFetcher(fetcher), at=AT))
    assert key_failure(checks) == (
        CheckStatus.FAILED,
        KEY_NOT_FOUND,
        f"{url} is not a JSON object: JSON document is {MAX_KEY_DOCUMENT_BYTES + 1} bytes; "
        f"the limit is {MAX_KEY_DOCUMENT_BYTES}",
    )
