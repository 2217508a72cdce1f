"""Hosted Open Badges 2.0 verification against a real issuer on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import LoopbackFetcher, Ob2Issuer, bake_png, make_issuer
from wallet import importing
from wallet.verification.context import VerificationContext
from wallet.verification.ob2 import assertion_dates, verify_ob2
from wallet.verification.report import CheckStatus, Report, Verdict


@pytest.fixture
def issuer(http_server: LocalServer) -> Ob2Issuer:
    return make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))


def _ctx() -> VerificationContext:
    return VerificationContext(
        fetcher=LoopbackFetcher(),
        at=datetime(2025, 1, 1, tzinfo=UTC),
        recipients=frozenset({"alice@example.org"}),
    )


def _verify(data: dict[str, Any] | bytes) -> Report:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    [envelope] = importing.read_envelopes(raw, "badge")
    return Report.of(verify_ob2(envelope, _ctx()))


def _status(report: Report, code: str) -> CheckStatus | None:
    check = report.find(code)
    return check.status if check else None


def test_verify_ob2_hosted_valid_assertion_is_verified(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    assert report.verdict is Verdict.VERIFIED
    for code in ("hosted_match", "revocation", "schema", "origin", "recipient"):
        assert _status(report, code) is CheckStatus.PASSED, code


def test_verify_ob2_hosted_baked_url_uses_the_issuer_copy(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    url = issuer.host(assertion)
    report = _verify(bake_png(url, chunk=b"tEXt"))
    assert report.verdict is Verdict.VERIFIED
    assert _status(report, "recipient") is CheckStatus.PASSED


def test_verify_ob2_hosted_changed_on_server_warns_and_judges_hosted_copy(
    issuer: Ob2Issuer,
) -> None:
    assertion = issuer.assertion()
    issuer.host(assertion | {"issuedOn": "2024-06-01T10:00:00+00:00"})
    report = _verify(assertion)
    match = report.find("hosted_match")
    assert match is not None and match.status is CheckStatus.WARNING
    assert match.detail == "differs: issuedOn"
    assert report.verdict is Verdict.VERIFIED
    issued = report.find("not_before")
    assert issued is not None and issued.detail == "issuedOn 2024-06-01T10:00:00+00:00"


def test_verify_ob2_hosted_copy_for_an_unconfirmed_recipient_warns(issuer: Ob2Issuer) -> None:
    # The hosted copy is the assertion; an address the holder has not confirmed proves nothing
    # false, so the recipient check warns and names it (a hash matching none would fail).
    assertion = issuer.assertion()
    bob = {"type": "email", "hashed": False, "identity": "bob@example.org"}
    issuer.host(assertion | {"recipient": bob})
    report = _verify(assertion)
    assert _status(report, "hosted_match") is CheckStatus.WARNING
    assert _status(report, "recipient") is CheckStatus.WARNING
    recipient = report.find("recipient")
    assert recipient is not None and "bob@example.org" in recipient.message.en


def test_verify_ob2_hosted_gone_is_revoked(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    issuer.host({"id": assertion["id"], "revoked": True}, status=410)
    report = _verify(assertion)
    assert _status(report, "revocation") is CheckStatus.FAILED


def test_verify_ob2_hosted_revoked_flag_is_revoked(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    issuer.host(assertion | {"revoked": True, "revocationReason": "awarded in error"})
    report = _verify(assertion)
    assert _status(report, "revocation") is CheckStatus.FAILED


def test_verify_ob2_hosted_outside_allowed_origins_fails_origin(issuer: Ob2Issuer) -> None:
    issuer.profile["verification"] = {"type": "VerificationObject", "allowedOrigins": "example.org"}
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "origin") is CheckStatus.FAILED
    assert _status(report, "hosted_match") is CheckStatus.PASSED


def test_verify_ob2_hosted_outside_starts_with_fails_origin(issuer: Ob2Issuer) -> None:
    prefix = issuer.server.url("/other-app/")
    issuer.profile["verification"] = {"type": "VerificationObject", "startsWith": prefix}
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    assert _status(_verify(assertion), "origin") is CheckStatus.FAILED


def test_verify_ob2_hosted_issuer_on_other_origin_fails_origin(issuer: Ob2Issuer) -> None:
    other_origin = issuer.issuer_url.replace("127.0.0.1", "localhost")
    issuer.profile["id"] = other_origin
    issuer.badge_class["issuer"] = other_origin
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "origin") is CheckStatus.FAILED
    assert _status(report, "schema") is CheckStatus.PASSED


def test_verify_ob2_hosted_unreachable_is_unverifiable(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(id="http://127.0.0.1:9/assertions/1")
    report = _verify(assertion)
    assert _status(report, "hosted_match") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_ob2_hosted_badge_class_missing_fields_fails_schema(issuer: Ob2Issuer) -> None:
    del issuer.badge_class["criteria"]
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    check = report.find("schema")
    assert check is not None and check.status is CheckStatus.FAILED
    assert check.detail == "BadgeClass: criteria"


def test_verify_ob2_hosted_badge_class_unreachable_skips_schema(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(badge=issuer.server.url("/badges/missing"))
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "schema") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE


def test_verify_ob2_hosted_unconfirmed_plain_recipient_warns(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(
        recipient={"type": "email", "hashed": False, "identity": "bob@example.org"}
    )
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "recipient") is CheckStatus.WARNING
    assert _status(report, "hosted_match") is CheckStatus.PASSED
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_hosted_hash_of_another_address_fails_recipient(issuer: Ob2Issuer) -> None:
    digest = hashlib.sha256(b"bob@example.org").hexdigest()
    assertion = issuer.assertion(
        recipient={"type": "email", "hashed": True, "identity": f"sha256${digest}"}
    )
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "recipient") is CheckStatus.FAILED
    assert _status(report, "hosted_match") is CheckStatus.PASSED


def test_verify_ob2_legacy_1_0_hosted_assertion_is_verified(issuer: Ob2Issuer) -> None:
    legacy_badge = {
        k: v for k, v in issuer.badge_class.items() if k not in ("@context", "type", "id")
    }
    issuer.server.serve("/badges/legacy", json.dumps(legacy_badge))
    assertion = {
        "uid": "abc123",
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "badge": issuer.server.url("/badges/legacy"),
        "issuedOn": "2015-04-30",
        "verify": {"type": "hosted", "url": issuer.server.url("/assertions/legacy")},
    }
    issuer.server.serve("/assertions/legacy", json.dumps(assertion))
    report = _verify(assertion)
    assert report.verdict is Verdict.VERIFIED


def test_assertion_dates_reads_issued_and_expires() -> None:
    dates = assertion_dates(
        {"issuedOn": "2024-05-01T10:00:00Z", "expires": "2026-05-01T00:00:00+02:00"}
    )
    assert dates.issued_on == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert dates.expires == datetime(2026, 4, 30, 22, tzinfo=UTC)
