"""JAdES-sealed European Digital Credentials: the unencoded-payload seal and certificate trust."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.jose_issuer import (
    CertifiedKey,
    b64url,
    issue_certificate,
    json_bytes,
    make_ca,
    new_key,
    seal_jades,
)
from wallet.fetching import SafeFetcher
from wallet.verification.context import VerificationContext
from wallet.verification.jades import decode_jades, verify_jades
from wallet.verification.report import CheckStatus, Report, Verdict

AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
EDC: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ],
    "id": "urn:epass:credential:1",
    "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
    "issuer": {"id": "urn:epass:org:1", "type": "Organisation", "legalName": {"pl": "Uczelnia"}},
    "credentialSubject": {"id": "urn:epass:person:1", "type": "Person"},
}
PAYLOAD = json.dumps(EDC, ensure_ascii=False).encode()


@pytest.fixture
def ca() -> CertifiedKey:
    return make_ca(at=AT)


@pytest.fixture
def sealer(ca: CertifiedKey) -> CertifiedKey:
    return issue_certificate(ca, at=AT, alg="RS256", name="Uczelnia e-seal")


def context(*anchors: CertifiedKey) -> VerificationContext:
    return VerificationContext(
        fetcher=SafeFetcher(timeout=1), at=AT, trust_anchors=tuple(a.der for a in anchors)
    )


def statuses(document: dict[str, Any], ctx: VerificationContext) -> dict[str, CheckStatus]:
    return {c.code: c.status for c in verify_jades(json.dumps(document), ctx)}


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256"])
def test_verify_jades_sealed_by_anchored_certificate_is_verified(
    alg: str, ca: CertifiedKey
) -> None:
    sealer = issue_certificate(ca, at=AT, alg=alg)
    checks = verify_jades(json.dumps(seal_jades(PAYLOAD, sealer, (ca,))), context(ca))
    assert {c.code: c.status for c in checks} == {
        "key_resolution": CheckStatus.PASSED,
        "proof": CheckStatus.PASSED,
        "trust": CheckStatus.PASSED,
    }
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_jades_without_anchors_skips_trust_not_required(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    checks = verify_jades(json.dumps(seal_jades(PAYLOAD, sealer, (ca,))), context())
    trust = next(c for c in checks if c.code == "trust")
    assert (trust.status, trust.required) == (CheckStatus.SKIPPED, False)
    assert Report.of(checks).verdict is Verdict.VERIFIED


def test_verify_jades_chain_to_unknown_anchor_warns(ca: CertifiedKey, sealer: CertifiedKey) -> None:
    other = make_ca("Another Anchor", at=AT)
    result = statuses(seal_jades(PAYLOAD, sealer, (ca,)), context(other))
    assert result["proof"] is CheckStatus.PASSED
    assert result["trust"] is CheckStatus.WARNING


def test_verify_jades_expired_leaf_without_timestamp_is_indeterminate(ca: CertifiedKey) -> None:
    expired = issue_certificate(ca, at=AT, valid_days=(-400, -10))
    report = Report.of(verify_jades(json.dumps(seal_jades(PAYLOAD, expired, (ca,))), context(ca)))
    trust = report.find("trust")
    assert trust is not None and trust.status is CheckStatus.SKIPPED and trust.required
    assert report.find("proof") is not None
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_jades_leaf_not_yet_valid_fails_trust(ca: CertifiedKey) -> None:
    future = issue_certificate(ca, at=AT, valid_days=(10, 400))
    result = statuses(seal_jades(PAYLOAD, future, (ca,)), context(ca))
    assert result["proof"] is CheckStatus.PASSED
    assert result["trust"] is CheckStatus.FAILED


def test_verify_jades_changed_payload_fails_proof(ca: CertifiedKey, sealer: CertifiedKey) -> None:
    sealed = seal_jades(PAYLOAD, sealer, (ca,))
    sealed["payload"] = sealed["payload"].replace("Uczelnia", "Akademia")
    result = statuses(sealed, context(ca))
    assert result["proof"] is CheckStatus.FAILED
    assert result["trust"] is CheckStatus.PASSED


def test_verify_jades_unknown_critical_header_fails_format(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    sealed = seal_jades(PAYLOAD, sealer, protected={"exp": 1, "crit": ["b64", "sigT", "exp"]})
    assert statuses(sealed, context(ca)) == {"format": CheckStatus.FAILED}


def test_verify_jades_b64_not_critical_fails_format(ca: CertifiedKey, sealer: CertifiedKey) -> None:
    sealed = seal_jades(PAYLOAD, sealer, protected={"crit": ["sigT"]})
    assert statuses(sealed, context(ca)) == {"format": CheckStatus.FAILED}


def test_verify_jades_none_algorithm_fails_format(ca: CertifiedKey, sealer: CertifiedKey) -> None:
    sealed = seal_jades(PAYLOAD, sealer)
    header = json.loads(b64url_decode_text(sealed["signatures"][0]["protected"]))
    sealed["signatures"][0]["protected"] = b64url(json_bytes({**header, "alg": "none"}))
    assert statuses(sealed, context(ca)) == {"format": CheckStatus.FAILED}


def test_verify_jades_thumbprint_of_other_certificate_fails_key_resolution(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    sealed = seal_jades(PAYLOAD, sealer, (ca,), protected={"x5t#S256": b64url(b"\0" * 32)})
    assert statuses(sealed, context(ca)) == {"key_resolution": CheckStatus.FAILED}


def test_verify_jades_without_certificate_fails_key_resolution(
    ca: CertifiedKey, sealer: CertifiedKey
) -> None:
    sealed = seal_jades(PAYLOAD, sealer, protected={"x5c": None})
    assert statuses(sealed, context(ca)) == {"key_resolution": CheckStatus.FAILED}


def test_verify_jades_leaf_from_lookalike_ca_warns_trust(ca: CertifiedKey) -> None:
    rogue_ca = make_ca("Test Trust Anchor", at=AT)
    rogue = issue_certificate(rogue_ca, at=AT)
    result = statuses(seal_jades(PAYLOAD, rogue, (ca,)), context(ca))
    assert result["proof"] is CheckStatus.PASSED
    assert result["trust"] is CheckStatus.WARNING


def forged_by_other_key(ca: CertifiedKey) -> tuple[CertifiedKey, tuple[CertifiedKey, ...]]:
    """A leaf naming the anchor as issuer and authority key, signed by another key."""
    return issue_certificate(ca, at=AT, signer=new_key("ES256")), (ca,)


def issued_by_non_ca(ca: CertifiedKey) -> tuple[CertifiedKey, tuple[CertifiedKey, ...]]:
    """A leaf issued by an anchored certificate whose basic constraints say it is no CA."""
    middle = issue_certificate(ca, at=AT, alg="ES256", name="Not a CA")
    return issue_certificate(middle, at=AT), (middle, ca)


@pytest.mark.parametrize("broken", [forged_by_other_key, issued_by_non_ca])
def test_verify_jades_broken_chain_to_anchor_fails_trust(
    broken: Callable[[CertifiedKey], tuple[CertifiedKey, tuple[CertifiedKey, ...]]],
    ca: CertifiedKey,
) -> None:
    leaf, chain = broken(ca)
    checks = verify_jades(json.dumps(seal_jades(PAYLOAD, leaf, chain)), context(ca))
    trust = Report.of(checks).find("trust")
    assert trust is not None and (trust.status, trust.required) == (CheckStatus.FAILED, True)
    assert Report.of(checks).verdict is Verdict.FAILED


def test_decode_jades_returns_sealed_credential(sealer: CertifiedKey) -> None:
    assert decode_jades(json.dumps(seal_jades(PAYLOAD, sealer))) == EDC


def b64url_decode_text(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
