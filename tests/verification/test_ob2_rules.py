"""OB 2.0 rules the reference validators settle: warnings versus failures, legacy documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import LoopbackFetcher, Ob2Issuer, make_issuer
from wallet import importing
from wallet.verification.context import VerificationContext
from wallet.verification.ob2 import verify_ob2
from wallet.verification.report import CheckStatus, Report, Verdict

AT = datetime(2025, 1, 1, tzinfo=UTC)
PNG_DATA_URI = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAYAAACNbyblAAAAHElEQVQI12P4"
    "//8/w38GIAXDIBKE0DHxgljNBAAO9TXL0Y4OHwAAAABJRU5ErkJggg=="
)


@pytest.fixture
def issuer(http_server: LocalServer) -> Ob2Issuer:
    return make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))


def _verify(data: dict[str, Any], source: str = "badge.json", at: datetime = AT) -> Report:
    [envelope] = importing.read_envelopes(json.dumps(data).encode(), source)
    ctx = VerificationContext(
        fetcher=LoopbackFetcher(), at=at, recipients=frozenset({"alice@example.org"})
    )
    return Report.of(verify_ob2(envelope, ctx))


def _status(report: Report, code: str) -> CheckStatus | None:
    check = report.find(code)
    return check.status if check else None


def _legacy_issuer(issuer: Ob2Issuer, **profile: Any) -> str:
    """A 1.0 issuer organisation (no context, type or id) and a 1.0 BadgeClass naming it."""
    issuer.server.serve("/issuer/legacy", json.dumps(profile))
    legacy_badge = {
        k: v for k, v in issuer.badge_class.items() if k not in ("@context", "type", "id")
    }
    legacy_badge["issuer"] = issuer.server.url("/issuer/legacy")
    return issuer.server.serve("/badges/legacy", json.dumps(legacy_badge))


def test_verify_ob2_legacy_issuer_without_email_warns(issuer: Ob2Issuer) -> None:
    badge = _legacy_issuer(issuer, name="Basic Issuer", url=issuer.server.base_url)
    assertion = issuer.assertion(badge=badge)
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "schema") is CheckStatus.PASSED
    assert _status(report, "issuer_email") is CheckStatus.WARNING
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_legacy_issuer_with_email_has_no_warning(issuer: Ob2Issuer) -> None:
    badge = _legacy_issuer(issuer, name="Basic Issuer", url="https://a.example", email="a@b.org")
    assertion = issuer.assertion(badge=badge)
    issuer.host(assertion)
    assert _status(_verify(assertion), "issuer_email") is None


def test_verify_ob2_current_issuer_without_email_fails_schema(issuer: Ob2Issuer) -> None:
    del issuer.profile["email"]
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    check = report.find("schema")
    assert check is not None and check.status is CheckStatus.FAILED
    assert check.detail == "Issuer: email"


def test_verify_ob2_issuer_declaring_other_id_warns_not_schema(issuer: Ob2Issuer) -> None:
    issuer.profile["id"] = issuer.server.url("/issuers/canonical")
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    ids = report.find("linked_ids")
    assert ids is not None and ids.status is CheckStatus.WARNING
    assert ids.detail == f"{issuer.issuer_url} declares its id as {issuer.profile['id']}"
    assert _status(report, "schema") is CheckStatus.PASSED
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_origin_same_authority_other_scheme_passes(issuer: Ob2Issuer) -> None:
    issuer.profile["id"] = issuer.issuer_url.replace("http://", "https://")
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "origin") is CheckStatus.PASSED


def test_verify_ob2_origin_other_port_fails(issuer: Ob2Issuer) -> None:
    issuer.profile["id"] = "http://127.0.0.1:9/issuer"
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "origin") is CheckStatus.FAILED
    assert report.verdict is Verdict.FAILED


def test_verify_ob2_origin_issuer_without_http_id_warns(issuer: Ob2Issuer) -> None:
    embedded = {k: v for k, v in issuer.profile.items() if k != "id"}
    embedded["id"] = "urn:uuid:2f1c3e0e-7a0b-4c1e-9a55-6f7d0e6b2c11"
    issuer.badge_class["issuer"] = embedded
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "origin") is CheckStatus.WARNING
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_issued_after_verification_time_fails(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(issuedOn="2025-06-01T00:00:00Z")
    issuer.host(assertion)
    report = _verify(assertion)
    assert _status(report, "not_before") is CheckStatus.FAILED
    assert report.verdict is Verdict.FAILED
    later = _verify(assertion, at=datetime(2025, 7, 1, tzinfo=UTC))
    assert _status(later, "not_before") is CheckStatus.PASSED
    assert later.verdict is Verdict.VERIFIED


def test_verify_ob2_assertion_image_data_uri_fails_schema(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(image=PNG_DATA_URI)
    issuer.host(assertion)
    report = _verify(assertion)
    check = report.find("schema")
    assert check is not None and check.status is CheckStatus.FAILED
    assert check.detail == "Assertion: image is a data: URI, not the address of an image"


def test_verify_ob2_assertion_image_url_passes_schema(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(image=issuer.server.url("/assertions/1/image.png"))
    issuer.host(assertion)
    assert _status(_verify(assertion), "schema") is CheckStatus.PASSED


def test_verify_ob2_badge_class_image_data_uri_is_allowed(issuer: Ob2Issuer) -> None:
    issuer.badge_class["image"] = PNG_DATA_URI
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    assert _status(_verify(assertion), "schema") is CheckStatus.PASSED


def _legacy_0_5(issuer: Ob2Issuer) -> dict[str, Any]:
    return {
        "recipient": "alice@example.org",
        "issued_on": "2012-01-01",
        "badge": {
            "version": "0.5.0",
            "name": "Basic McBadge",
            "image": "/images/1",
            "description": "A basic badge.",
            "criteria": "/criteria/1",
            "issuer": {"origin": issuer.server.base_url, "name": "Basic Issuer"},
        },
    }


def test_verify_ob2_0_5_imported_by_url_uses_fetch_url_as_id(issuer: Ob2Issuer) -> None:
    legacy = _legacy_0_5(issuer)
    url = issuer.server.serve("/assertions/0.5", json.dumps(legacy))
    [envelope] = importing.read_envelopes(json.dumps(legacy).encode(), url)
    assert envelope.payload["id"] == url
    report = _verify(legacy, source=url)
    assert _status(report, "hosted_match") is CheckStatus.PASSED
    assert _status(report, "schema") is CheckStatus.PASSED
    assert _status(report, "origin") is CheckStatus.WARNING
    assert _status(report, "issuer_email") is CheckStatus.WARNING
    assert report.verdict is Verdict.VERIFIED


def test_verify_ob2_0_5_from_a_file_has_no_address(issuer: Ob2Issuer) -> None:
    report = _verify(_legacy_0_5(issuer), source="badge.json")
    assert _status(report, "hosted_match") is CheckStatus.SKIPPED
    assert report.verdict is Verdict.UNVERIFIABLE
