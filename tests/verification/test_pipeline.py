"""The whole pipeline per format: untrusted bytes → read_any → verify_envelope → normalise."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import (
    CertifiedKey,
    SdJwtBuilder,
    b64url,
    did_jwk,
    disclosure,
    issue_certificate,
    issue_sd_jwt,
    json_bytes,
    make_ca,
    new_key,
    seal_jades,
    sign_compact,
)
from tests.support.ob2_issuer import Ob2Issuer, bake_png, bake_svg, make_issuer, sign_jws
from tests.support.samples import load_sample
from tests.support.status_lists import bitstring_entry, bitstring_list_credential, encode_list
from wallet import importing
from wallet.envelope import CredentialFormat, EntryFailure, Envelope
from wallet.fetching import SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.records import CredentialRecord
from wallet.verification.context import VerificationContext
from wallet.verification.report import CheckStatus, Report, Verdict
from wallet.verification.verifier import verify_envelope

AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SUBJECT = "did:example:learner"
RECIPIENTS = frozenset({"alice@example.org", SUBJECT, "urn:epass:person:1"})
RDFC, JCS, ED2020 = "eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"
CLR_ACHIEVEMENT = "https://uczelnia.example.pl/achievements/data-analyst"
PARTS = ("sql-basics", "python-data")
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXPIRED = "2026-03-01T00:00:00Z"  # before AT
EXPIRED_EPOCH = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp())
PAST_EPOCH = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
FUTURE_EPOCH = int(dt.datetime(2026, 9, 1, tzinfo=dt.UTC).timestamp())


@pytest.fixture(scope="module")
def ob2_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca(at=AT)


@pytest.fixture(scope="module")
def sealer(ca: CertifiedKey) -> CertifiedKey:
    return issue_certificate(ca, at=AT, alg="ES256", name="Uniwersytet Przykładowy e-seal")


@dataclass(frozen=True)
class Kit:
    """Everything a case builds on: issuers of each kind and the loopback server."""

    server: LocalServer
    di: TestIssuer
    ob2: Ob2Issuer
    ca: CertifiedKey
    sealer: CertifiedKey


@pytest.fixture
def kit(
    http_server: LocalServer, ob2_key: rsa.RSAPrivateKey, ca: CertifiedKey, sealer: CertifiedKey
) -> Kit:
    return Kit(http_server, TestIssuer.generate(), make_issuer(http_server, ob2_key), ca, sealer)


@dataclass(frozen=True)
class Outcome:
    """What the pipeline made of one envelope."""

    envelope: Envelope
    report: Report
    record: CredentialRecord

    def codes(self, status: CheckStatus, *, required_only: bool = False) -> set[str]:
        return {
            c.code
            for c in self.report.checks
            if c.status is status and (c.required or not required_only)
        }


def run_pipeline(data: bytes, ctx: VerificationContext, source: str = "upload") -> list[Outcome]:
    """read_any → verify_envelope → normalise, with a CLR linked for its nested credentials."""
    found = importing.read_any(data, source)
    envelopes = [item for item in found if not isinstance(item, EntryFailure)]
    assert len(envelopes) == len(found)
    containers = {e.source: e.payload for e in envelopes if e.format is CredentialFormat.CLR2}
    outcomes = []
    for envelope in envelopes:
        verification = verify_envelope(envelope, ctx)
        linked = dict(verification.linked)
        if envelope.container in containers:
            linked[envelope.container] = containers[envelope.container]
        outcomes.append(
            Outcome(envelope, verification.report, importing.normalise(envelope, linked))
        )
    return outcomes


def context(*anchors: CertifiedKey) -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True, timeout=5),
        at=AT,
        recipients=RECIPIENTS,
        trust_anchors=tuple(a.der for a in anchors),
        web_scheme="http",
    )


def text(value: Any) -> bytes:
    return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).encode()


# --- Builders: each returns the bytes a holder would hand over -----------------------------


def ob2_hosted(kit: Kit, *, hosted: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    assertion = kit.ob2.assertion(**(hosted or {}))
    kit.ob2.host(assertion)
    return {**assertion, **changes}


def ob2_signed(kit: Kit, key: rsa.RSAPrivateKey | None = None) -> str:
    return sign_jws(kit.ob2.signed_assertion(), key or kit.ob2.key)


def ob3(kit: Kit, suite: str = RDFC, **changes: Any) -> JsonObject:
    return kit.di.sign(achievement_credential(kit.di.did, **changes), suite)


def tampered(document: JsonObject) -> JsonObject:
    forged = copy.deepcopy(document)
    forged["name"] = "Data Literacy (with distinction)"
    return forged


def vc_jwt(alg: str, *, other_signer: bool = False) -> str:
    key = new_key(alg)
    credential = achievement_credential(did_jwk(key))
    signer = new_key(alg) if other_signer else key
    return sign_compact({"typ": "vc+jwt", "kid": did_jwk(key) + "#0"}, credential, signer)


def vc_jwt_v11(**claims: Any) -> str:
    """A VCDM 1.1 VC-JWT whose validity is stated only by the JWT's own ``nbf``/``exp``."""
    key = new_key("ES256")
    credential = achievement_credential(did_jwk(key))
    for name in ("validFrom", "validUntil", "issuer", "id"):
        credential.pop(name, None)
    credential["@context"] = ["https://www.w3.org/2018/credentials/v1", OB3_CONTEXT]
    payload = {"iss": did_jwk(key), "jti": "urn:uuid:v11", "vc": credential, **claims}
    return sign_compact({"typ": "JWT", "kid": did_jwk(key) + "#0"}, payload, key)


def sd_jwt_vc(*, extra_disclosure: bool = False, other_signer: bool = False, **dates: int) -> str:
    key = new_key("ES256")
    issuer = did_jwk(key)
    claims = {**load_sample("eudi_learning_credential_claims"), "iss": issuer, **dates}
    claims.pop("status")  # a token status list on a host the test cannot reach
    builder = SdJwtBuilder()
    concealed = builder.conceal(claims, "family_name", "given_name", "assessment_grade")
    signer = new_key("ES256") if other_signer else key
    token = issue_sd_jwt(concealed, builder.disclosures, signer, header={"kid": issuer + "#0"})
    return token + (disclosure("Kowalska", "family_name") + "~" if extra_disclosure else "")


def jades(kit: Kit, *, forged: bool = False, **dates: str) -> dict[str, Any]:
    payload = text({**load_sample("elm3_edc_microcredential"), **dates})
    sealed = seal_jades(payload, kit.sealer, (kit.ca,), sig_t="2026-05-20T10:00:00Z")
    if forged:
        sealed["payload"] = sealed["payload"].replace("Example University", "Other University")
    return sealed


def with_status(
    kit: Kit, index: int, *, published: bool = True, as_jwt: bool = False, forged: bool = False
) -> JsonObject:
    """A credential whose bit 7 is set in its issuer's list; ``forged`` clears it after signing."""
    list_url = kit.server.url("/status/1")
    if published:
        listed = bitstring_list_credential(list_url, kit.di.did, encode_list({7: 1}))
        kit.server.serve("/status/1", signed_list(kit, listed, as_jwt=as_jwt, forged=forged))
    return ob3(kit, credentialStatus=bitstring_entry(list_url, index))


def signed_list(kit: Kit, listed: dict[str, Any], *, as_jwt: bool, forged: bool) -> bytes:
    """The list as Data Integrity JSON or a VC-JWT by a did:jwk key, tampered after signing."""
    cleared = {**listed["credentialSubject"], "encodedList": encode_list({})}
    if not as_jwt:
        signed = kit.di.sign(listed, JCS)
        return text({**signed, "credentialSubject": cleared} if forged else signed)
    key = new_key("EdDSA")
    listed = {**listed, "issuer": did_jwk(key)}
    token = sign_compact({"typ": "vc+jwt", "kid": did_jwk(key) + "#0"}, listed, key)
    if forged:
        header, _payload, signature = token.split(".")
        token = ".".join(
            (header, b64url(json_bytes({**listed, "credentialSubject": cleared})), signature)
        )
    return text(token)


@dataclass(frozen=True)
class Case:
    """One holder upload and what the pipeline must conclude about it."""

    build: Callable[[Kit], bytes]
    format: CredentialFormat
    verdict: Verdict
    code: str | None = None  # the one failed check, or the one required check skipped
    anchored: bool = True


F = CredentialFormat
OK, FAILED, UNVERIFIABLE = Verdict.VERIFIED, Verdict.FAILED, Verdict.UNVERIFIABLE
CASES = {
    "ob2-hosted": Case(lambda k: text(ob2_hosted(k)), F.OB2_HOSTED, OK),
    "ob2-signed": Case(lambda k: text(ob2_signed(k)), F.OB2_SIGNED, OK),
    "ob2-signed-other-key": Case(
        lambda k: text(ob2_signed(k, rsa.generate_private_key(65537, 2048))),
        F.OB2_SIGNED,
        FAILED,
        "proof",
    ),
    "ob2-baked-png": Case(lambda k: bake_png(ob2_hosted(k)["id"]), F.OB2_HOSTED, OK),
    "ob2-baked-svg": Case(lambda k: bake_svg(ob2_signed(k)), F.OB2_SIGNED, OK),
    "ob3-baked-png": Case(
        lambda k: bake_png(text(ob3(k)).decode(), keyword=b"openbadgecredential"),
        F.VC_DATA_INTEGRITY,
        OK,
    ),
    "ob3-baked-png-tampered": Case(
        lambda k: bake_png(text(tampered(ob3(k))).decode(), keyword=b"openbadgecredential"),
        F.VC_DATA_INTEGRITY,
        FAILED,
        "proof",
    ),
    "ob3-baked-svg": Case(
        lambda k: bake_svg(text(ob3(k)).decode(), element="credential"), F.VC_DATA_INTEGRITY, OK
    ),
    **{
        f"ob3-{suite}": Case(lambda k, s=suite: text(ob3(k, s)), F.VC_DATA_INTEGRITY, OK)
        for suite in (RDFC, JCS, ED2020)
    },
    **{
        f"ob3-{suite}-tampered": Case(
            lambda k, s=suite: text(tampered(ob3(k, s))), F.VC_DATA_INTEGRITY, FAILED, "proof"
        )
        for suite in (RDFC, JCS, ED2020)
    },
    "ob3-expired": Case(
        lambda k: text(ob3(k, JCS, validUntil="2026-03-01T00:00:00Z")),
        F.VC_DATA_INTEGRITY,
        FAILED,
        "expiry",
    ),
    **{
        f"vc-jwt-{alg}": Case(lambda k, a=alg: text(vc_jwt(a)), F.VC_JWT, OK)
        for alg in ("EdDSA", "ES256", "RS256")
    },
    **{
        f"vc-jwt-{alg}-other-key": Case(
            lambda k, a=alg: text(vc_jwt(a, other_signer=True)), F.VC_JWT, FAILED, "proof"
        )
        for alg in ("EdDSA", "ES256", "RS256")
    },
    "sd-jwt-vc": Case(lambda k: text(sd_jwt_vc()), F.SD_JWT_VC, OK),
    "sd-jwt-vc-other-key": Case(
        lambda k: text(sd_jwt_vc(other_signer=True)), F.SD_JWT_VC, FAILED, "proof"
    ),
    "sd-jwt-vc-unlisted-disclosure": Case(
        lambda k: text(sd_jwt_vc(extra_disclosure=True)), F.SD_JWT_VC, FAILED, "disclosure"
    ),
    "sd-jwt-vc-expired": Case(
        lambda k: text(sd_jwt_vc(exp=EXPIRED_EPOCH)), F.SD_JWT_VC, FAILED, "expiry"
    ),
    "sd-jwt-vc-not-yet-valid": Case(
        lambda k: text(sd_jwt_vc(nbf=FUTURE_EPOCH)), F.SD_JWT_VC, FAILED, "not_before"
    ),
    "vc-jwt-v11": Case(lambda k: text(vc_jwt_v11(nbf=PAST_EPOCH)), F.VC_JWT, OK),
    "vc-jwt-v11-expired": Case(
        lambda k: text(vc_jwt_v11(nbf=PAST_EPOCH, exp=EXPIRED_EPOCH)), F.VC_JWT, FAILED, "expiry"
    ),
    "vc-jwt-v11-not-yet-valid": Case(
        lambda k: text(vc_jwt_v11(nbf=FUTURE_EPOCH)), F.VC_JWT, FAILED, "not_before"
    ),
    "ob2-hosted-expired": Case(
        lambda k: text(ob2_hosted(k, hosted={"expires": EXPIRED})), F.OB2_HOSTED, FAILED, "expiry"
    ),
    "elm-jades-expired": Case(
        lambda k: text(jades(k, expirationDate=EXPIRED)), F.ELM_JADES, FAILED, "expiry"
    ),
    "elm-jsonld-unsealed": Case(
        lambda k: text(load_sample("elm3_edc_microcredential")), F.ELM_JSONLD, UNVERIFIABLE, "proof"
    ),
    "elm-jades-anchored": Case(lambda k: text(jades(k)), F.ELM_JADES, OK),
    "elm-jades-unanchored": Case(lambda k: text(jades(k)), F.ELM_JADES, OK, anchored=False),
    "elm-jades-forged": Case(lambda k: text(jades(k, forged=True)), F.ELM_JADES, FAILED, "proof"),
    "status-unset": Case(lambda k: text(with_status(k, 3)), F.VC_DATA_INTEGRITY, OK),
    "status-revoked": Case(
        lambda k: text(with_status(k, 7)), F.VC_DATA_INTEGRITY, FAILED, "revocation"
    ),
    **{
        f"status-{kind}-list-revoked": Case(
            lambda k, j=as_jwt: text(with_status(k, 7, as_jwt=j)),
            F.VC_DATA_INTEGRITY,
            FAILED,
            "revocation",
        )
        for kind, as_jwt in (("di", False), ("jwt", True))
    },
    **{
        f"status-{kind}-list-forged": Case(
            lambda k, j=as_jwt: text(with_status(k, 7, as_jwt=j, forged=True)),
            F.VC_DATA_INTEGRITY,
            UNVERIFIABLE,
            "revocation",
        )
        for kind, as_jwt in (("di", False), ("jwt", True))
    },
    "status-unreachable": Case(
        lambda k: text(with_status(k, 3, published=False)),
        F.VC_DATA_INTEGRITY,
        UNVERIFIABLE,
        "revocation",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_pipeline_each_format_reaches_expected_verdict_and_record(name: str, kit: Kit) -> None:
    case = CASES[name]
    ctx = context(kit.ca) if case.anchored else context()
    [outcome] = run_pipeline(case.build(kit), ctx, source=f"{name}.upload")
    assert outcome.envelope.format is case.format
    assert outcome.report.verdict is case.verdict
    failed = outcome.codes(CheckStatus.FAILED)
    skipped = outcome.codes(CheckStatus.SKIPPED, required_only=True)
    if case.verdict is FAILED:
        assert failed == {case.code}
    elif case.verdict is UNVERIFIABLE:
        assert (failed, skipped) == (set(), {case.code})
    else:
        assert (failed, skipped) == (set(), set())
        assert outcome.codes(CheckStatus.PASSED) & {"proof", "hosted_match"}
    assert outcome.record.format is case.format
    assert outcome.record.title


def test_pipeline_ob2_hosted_changed_copy_warns_and_records_the_issuer_copy(kit: Kit) -> None:
    upload = text(ob2_hosted(kit, issuedOn="2024-06-01T10:00:00+00:00"))
    [outcome] = run_pipeline(upload, context(kit.ca))
    assert outcome.report.verdict is OK
    assert outcome.codes(CheckStatus.WARNING) >= {"hosted_match"}
    assert outcome.record.issued_on is not None
    assert outcome.record.issued_on.isoformat().startswith("2024-05-01")


def test_pipeline_ob2_hosted_record_reads_the_fetched_badge_class(kit: Kit) -> None:
    [outcome] = run_pipeline(bake_png(ob2_hosted(kit)["id"]), context())
    assert outcome.record.title.get("en") == "3-D Printmaster"


def test_pipeline_jades_trust_follows_the_anchor(kit: Kit) -> None:
    anchored = run_pipeline(text(jades(kit)), context(kit.ca))[0].report.find("trust")
    unanchored = run_pipeline(text(jades(kit)), context())[0].report.find("trust")
    assert anchored is not None and unanchored is not None
    assert anchored.status is CheckStatus.PASSED
    assert (unanchored.status, unanchored.required) == (CheckStatus.SKIPPED, False)


# --- CLR 2.0: the container and each nested credential verified on its own ---------------


def nested(kit: Kit, part: str) -> JsonObject:
    achievement = {
        "id": f"https://uczelnia.example.pl/achievements/{part}",
        "type": ["Achievement"],
        "name": part,
        "criteria": {"narrative": "Pass the module."},
    }
    subject = {"id": SUBJECT, "type": ["AchievementSubject"], "achievement": achievement}
    return ob3(kit, JCS, id=f"urn:uuid:{part}", name=part, credentialSubject=subject)


def clr_document(issuer: str, credentials: list[JsonObject]) -> JsonObject:
    document = load_sample("clr2_two_credentials")
    document["issuer"] = {"id": issuer, "type": ["Profile"], "name": "Politechnika"}
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    subject["id"] = SUBJECT
    subject["verifiableCredential"] = credentials  # type: ignore[assignment]
    return document


def clr(kit: Kit, credentials: list[JsonObject]) -> bytes:
    return text(kit.di.sign(clr_document(kit.di.did, credentials), RDFC))


def clr_jwt(kit: Kit, credentials: list[JsonObject]) -> bytes:
    """A VCDM 1.1-style VC-JWT CLR: the credential in ``vc``, its id in ``jti``."""
    key = new_key("EdDSA")
    document = clr_document(did_jwk(key), credentials)
    claims = {"iss": did_jwk(key), "jti": document.pop("id"), "sub": SUBJECT, "vc": document}
    return text(sign_compact({"typ": "JWT", "kid": did_jwk(key) + "#0"}, claims, key))


@pytest.mark.parametrize("secure", [clr, clr_jwt], ids=["data-integrity", "vc-jwt"])
def test_pipeline_clr_and_each_nested_credential_are_verified(
    secure: Callable[[Kit, list[JsonObject]], bytes], kit: Kit
) -> None:
    outcomes = run_pipeline(secure(kit, [nested(kit, p) for p in PARTS]), context(), "clr.json")
    assert [o.envelope.format for o in outcomes] == [
        F.CLR2,
        F.VC_DATA_INTEGRITY,
        F.VC_DATA_INTEGRITY,
    ]
    assert [o.report.verdict for o in outcomes] == [OK, OK, OK]
    for outcome in outcomes[1:]:
        assert outcome.record.container_id == "https://uczelnia.example.pl/clr/7c1b"
        assert outcome.record.stackability is not None
        assert outcome.record.stackability.towards == (CLR_ACHIEVEMENT,)


def test_pipeline_clr_with_one_forged_nested_credential_fails_only_that_one(kit: Kit) -> None:
    credentials = [tampered(nested(kit, PARTS[0])), nested(kit, PARTS[1])]
    outcomes = run_pipeline(clr(kit, credentials), context(), "clr.json")
    assert [o.report.verdict for o in outcomes] == [OK, FAILED, OK]
    assert outcomes[1].codes(CheckStatus.FAILED) == {"proof"}
    assert outcomes[1].envelope.source == "clr.json#1"
