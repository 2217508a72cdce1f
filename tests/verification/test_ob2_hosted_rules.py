"""Hosted Open Badges 2.0 verification, rule by rule: what the issuer's server answers, the words.

The issuer's documents come from a real server on 127.0.0.1, which records the paths and
headers it was asked with. Each check is compared whole: code, status, English and Polish
wording, whether it is required, and detail. ``origin_check`` is also given documents directly,
for every kind of verification policy and authority.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import LoopbackFetcher, Ob2Issuer, make_issuer
from wallet.errors import FetchError
from wallet.fetching import Fetched
from wallet.verification.context import VerificationContext
from wallet.verification.ob2_documents import BadgeDocuments
from wallet.verification.ob2_hosted import origin_check, verify_hosted
from wallet.verification.report import Check, CheckStatus, Message

AT = datetime(2025, 1, 1, tzinfo=UTC)

NO_ADDRESS = Check(
    "hosted_match",
    CheckStatus.SKIPPED,
    Message(
        "The badge does not say where its issuer publishes it, so it cannot be checked.",
        "Odznaka nie podaje, gdzie wystawca ją publikuje, więc nie można jej sprawdzić.",
    ),
)
MATCHES = Check(
    "hosted_match",
    CheckStatus.PASSED,
    Message(
        "The issuer's server publishes this badge exactly as you have it.",
        "Serwer wystawcy publikuje tę odznakę dokładnie w takiej postaci, jaką masz.",
    ),
)
DIFFERS = Message(
    "The issuer now publishes this badge differently from your copy; "
    "the issuer's copy is the one checked.",
    "Wystawca publikuje teraz tę odznakę inaczej niż w Twojej kopii; sprawdzono kopię wystawcy.",
)
MISMATCH = Message(
    "The issuer's server publishes this badge differently from your copy.",
    "Serwer wystawcy publikuje tę odznakę inaczej niż w Twojej kopii.",
)
NOT_REVOKED = Check(
    "revocation",
    CheckStatus.PASSED,
    Message(
        "The issuer still publishes this badge and has not revoked it.",
        "Wystawca nadal publikuje tę odznakę i jej nie unieważnił.",
    ),
)
REVOKED = Message("The issuer has revoked this badge.", "Wystawca unieważnił tę odznakę.")
UNAVAILABLE = Message(
    "The issuer's published data could not be retrieved, so this could not be checked.",
    "Nie udało się pobrać danych opublikowanych przez wystawcę, więc nie można tego sprawdzić.",
)
SCHEMA_PASSED = Check(
    "schema",
    CheckStatus.PASSED,
    Message(
        "The badge, its description and its issuer are complete.",
        "Odznaka, jej opis i wystawca mają wszystkie wymagane dane.",
    ),
)
ORIGIN_PASSED = Message(
    "The badge is hosted where its issuer says its badges live.",
    "Odznaka jest opublikowana tam, gdzie wystawca publikuje swoje odznaki.",
)
ORIGIN_FAILED = Message(
    "The badge is hosted on a site its issuer does not allow: it may be an imitation.",
    "Odznaka jest opublikowana w miejscu, na które wystawca nie zezwala: może być podróbką.",
)
ORIGIN_UNCHECKED = Message(
    "The issuer has no web address, so where its badges are hosted was not checked.",
    "Wystawca nie ma adresu w sieci, więc nie sprawdzono, gdzie publikuje odznaki.",
)


@pytest.fixture
def issuer(http_server: LocalServer) -> Ob2Issuer:
    return make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))


def _ctx() -> VerificationContext:
    return VerificationContext(fetcher=LoopbackFetcher(), at=AT)


def _origin(url: str) -> Check:
    """The expected passed ``origin`` check for an issuer served at ``url``'s authority."""
    authority = url.removeprefix("http://").split("/", 1)[0]
    return Check(
        "origin",
        CheckStatus.PASSED,
        ORIGIN_PASSED,
        detail=f"same host and port as the issuer ({authority})",
    )


# -- what the issuer's server answers ---------------------------------------------------------


@pytest.mark.parametrize(
    "assertion_id",
    [None, 7, "", "urn:uuid:0b2c5c63-61a4-4dd5-9b29-2a3f1c7e7d01", "ftp://127.0.0.1/a"],
    ids=["none", "number", "empty", "urn", "ftp"],
)
def test_an_assertion_without_a_web_address_is_not_fetched(
    issuer: Ob2Issuer, assertion_id: Any
) -> None:
    assertion = issuer.assertion()
    if assertion_id is None:
        del assertion["id"]
    else:
        assertion["id"] = assertion_id
    ctx = _ctx()
    checks, judged = verify_hosted(assertion, ctx)
    assert checks == [NO_ADDRESS]
    assert judged is assertion
    assert ctx.fetcher.urls == []  # type: ignore[attr-defined]
    assert issuer.server.requests == []


def test_the_assertion_is_asked_for_as_json_ld(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    issuer.host(assertion)
    verify_hosted(assertion, _ctx())
    assert issuer.server.requests[0] == "/assertions/1"
    assert issuer.server.request_headers[0]["Accept"] == (
        "application/ld+json, application/json;q=0.9"
    )


def test_a_gone_assertion_is_revoked_and_nothing_else_is_asked(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    issuer.host({"id": assertion["id"], "revoked": True}, status=410)
    checks, judged = verify_hosted(assertion, _ctx())
    assert checks == [Check("revocation", CheckStatus.FAILED, REVOKED, detail="HTTP 410 Gone")]
    assert judged is assertion
    assert issuer.server.requests == ["/assertions/1"]


@pytest.mark.parametrize("status", [404, 500, 201], ids=["not-found", "error", "created"])
def test_another_answer_leaves_the_match_unchecked(issuer: Ob2Issuer, status: int) -> None:
    assertion = issuer.assertion()
    issuer.host(assertion, status=status)
    checks, judged = verify_hosted(assertion, _ctx())
    assert checks == [
        Check(
            "hosted_match",
            CheckStatus.SKIPPED,
            UNAVAILABLE,
            detail=f"{assertion['id']}: HTTP {status}",
        )
    ]
    assert judged is assertion


def test_a_server_out_of_reach_leaves_the_match_unchecked(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(id="http://127.0.0.1:9/assertions/1")
    [check], judged = verify_hosted(assertion, _ctx())
    assert (check.code, check.status, check.message, check.required) == (
        "hosted_match",
        CheckStatus.SKIPPED,
        UNAVAILABLE,
        True,
    )
    assert check.detail is not None
    assert check.detail.startswith("http://127.0.0.1:9/assertions/1: ")
    assert len(check.detail) > len("http://127.0.0.1:9/assertions/1: ")
    assert judged is assertion


class _SilentFetcher:
    """A fetcher whose every fetch fails without saying why."""

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise FetchError("")


def test_a_fetch_failing_without_a_reason_gives_the_plain_message() -> None:
    ctx = VerificationContext(fetcher=_SilentFetcher(), at=AT)
    checks, _ = verify_hosted({"id": "https://example.org/a/1"}, ctx)
    assert checks == [
        Check(
            "hosted_match",
            CheckStatus.SKIPPED,
            UNAVAILABLE,
            detail="https://example.org/a/1: "
            "The credential could not be fetched from this address.",
        )
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("not json", "not valid JSON: Expecting value at line 1, column 1"),
        ("[1, 2]", "expected a JSON object at the top level"),
    ],
    ids=["text", "array"],
)
def test_an_answer_that_is_no_json_object_is_a_mismatch(
    issuer: Ob2Issuer, body: str, detail: str
) -> None:
    assertion = issuer.assertion()
    issuer.server.serve("/assertions/1", body)
    checks, judged = verify_hosted(assertion, _ctx())
    assert checks == [Check("hosted_match", CheckStatus.FAILED, MISMATCH, detail=detail)]
    assert judged is assertion


def test_a_published_badge_passes_every_check(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    url = issuer.host(assertion)
    checks, judged = verify_hosted(assertion, _ctx())
    assert checks == [MATCHES, NOT_REVOKED, SCHEMA_PASSED, _origin(url)]
    assert judged == assertion
    assert issuer.server.requests == ["/assertions/1", "/badges/1", "/issuer"]


# -- the copy compared with the issuer's ------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["recipient", "badge", "issuedOn", "expires", "evidence", "narrative"]
)
def test_each_compared_property_changed_on_the_server_warns(issuer: Ob2Issuer, key: str) -> None:
    assertion = issuer.assertion(expires="2030-01-01T00:00:00+00:00", evidence="x", narrative="y")
    changed = {
        "recipient": {"type": "email", "hashed": False, "identity": "bob@example.org"},
        "badge": issuer.server.url("/badges/1?v=2"),
        "issuedOn": "2024-06-01T10:00:00+00:00",
        "expires": "2031-01-01T00:00:00+00:00",
        "evidence": "z",
        "narrative": "w",
    }
    issuer.server.serve("/badges/1?v=2", json.dumps(issuer.badge_class))
    hosted = assertion | {key: changed[key]}
    issuer.host(hosted)
    checks, judged = verify_hosted(assertion, _ctx())
    assert checks[0] == Check(
        "hosted_match", CheckStatus.WARNING, DIFFERS, required=False, detail=f"differs: {key}"
    )
    assert judged == hosted


def test_a_property_only_one_side_has_differs_either_way(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(narrative="kept locally")
    issuer.host(issuer.assertion(evidence="added on the server"))
    checks, _ = verify_hosted(assertion, _ctx())
    assert checks[0].detail == "differs: evidence, narrative"
    assert checks[0].status is CheckStatus.WARNING


def test_changes_are_named_in_a_fixed_order(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(narrative="a", expires="2030-01-01T00:00:00+00:00")
    hosted = assertion | {
        "narrative": "b",
        "issuedOn": "2024-06-01T10:00:00+00:00",
        "expires": "2031-01-01T00:00:00+00:00",
    }
    issuer.host(hosted)
    checks, _ = verify_hosted(assertion, _ctx())
    assert checks[0].detail == "differs: issuedOn, expires, narrative"


def test_other_properties_are_not_compared(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(image="http://127.0.0.1/a.png")
    issuer.host(assertion | {"image": "http://127.0.0.1/b.png", "extra": 1})
    checks, _ = verify_hosted(assertion, _ctx())
    assert checks[0] == MATCHES


def test_a_copy_with_nothing_but_its_address_is_not_compared(issuer: Ob2Issuer) -> None:
    hosted = issuer.assertion()
    issuer.host(hosted)
    checks, judged = verify_hosted({"id": hosted["id"]}, _ctx())
    assert checks[0] == MATCHES
    assert judged == hosted


def test_a_copy_with_one_more_property_is_compared(issuer: Ob2Issuer) -> None:
    hosted = issuer.assertion()
    issuer.host(hosted)
    checks, _ = verify_hosted({"id": hosted["id"], "type": "Assertion"}, _ctx())
    assert checks[0].detail == "differs: recipient, badge, issuedOn"


@pytest.mark.parametrize("extra", [{}, {"name": "3-D Printmaster"}], ids=["id-only", "with-name"])
def test_an_embedded_document_matches_a_link_to_it(
    issuer: Ob2Issuer, extra: dict[str, Any]
) -> None:
    hosted = issuer.assertion()
    issuer.host(hosted)
    assertion = hosted | {"badge": {"id": issuer.badge_url} | extra}
    checks, _ = verify_hosted(assertion, _ctx())
    assert checks[0] == MATCHES


@pytest.mark.parametrize(
    "badge",
    [{"name": "3-D Printmaster"}, {"id": "urn:uuid:1"}],
    ids=["no-id", "urn-id"],
)
def test_an_embedded_document_without_a_web_id_is_compared_whole(
    issuer: Ob2Issuer, badge: dict[str, Any]
) -> None:
    hosted = issuer.assertion(badge=badge.get("id", issuer.badge_url))
    issuer.host(hosted)
    checks, _ = verify_hosted(hosted | {"badge": badge}, _ctx())
    assert checks[0].detail == "differs: badge"


def test_objects_compare_whatever_the_order_of_their_keys(issuer: Ob2Issuer) -> None:
    recipient = {"type": "email", "hashed": False, "identity": "alice@example.org"}
    assertion = issuer.assertion(recipient=recipient)
    issuer.host(assertion | {"recipient": dict(reversed(list(recipient.items())))})
    checks, _ = verify_hosted(assertion, _ctx())
    assert checks[0] == MATCHES


# -- revocation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "detail"),
    [
        ({"revocationReason": "awarded in error"}, "awarded in error"),
        ({}, "revoked: true"),
        ({"revocationReason": 3}, "revoked: true"),
    ],
    ids=["reason", "no-reason", "number-reason"],
)
def test_a_revoked_assertion_fails_revocation_and_its_documents_are_not_read(
    issuer: Ob2Issuer, extra: dict[str, Any], detail: str
) -> None:
    assertion = issuer.assertion()
    hosted = assertion | {"revoked": True} | extra
    issuer.host(hosted)
    checks, judged = verify_hosted(assertion, _ctx())
    assert checks == [MATCHES, Check("revocation", CheckStatus.FAILED, REVOKED, detail=detail)]
    assert judged == hosted
    assert issuer.server.requests == ["/assertions/1"]


@pytest.mark.parametrize("flag", [False, "true", 1], ids=["false", "text", "one"])
def test_only_revoked_true_revokes(issuer: Ob2Issuer, flag: Any) -> None:
    assertion = issuer.assertion(revoked=flag)
    issuer.host(assertion)
    checks, _ = verify_hosted(assertion, _ctx())
    assert checks[1] == NOT_REVOKED


# -- linked documents --------------------------------------------------------------------------


def test_a_badge_class_out_of_reach_leaves_schema_and_origin_unchecked(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion(badge=issuer.server.url("/badges/missing"))
    issuer.host(assertion)
    checks, _ = verify_hosted(assertion, _ctx())
    detail = f"{issuer.server.url('/badges/missing')}: HTTP 404"
    assert checks == [
        MATCHES,
        NOT_REVOKED,
        Check("schema", CheckStatus.SKIPPED, UNAVAILABLE, detail=detail),
        Check("origin", CheckStatus.SKIPPED, UNAVAILABLE, detail=detail),
    ]


def test_document_warnings_follow_the_checks(issuer: Ob2Issuer) -> None:
    issuer.profile["id"] = issuer.server.url("/issuer#me")
    issuer.publish()
    assertion = issuer.assertion()
    issuer.host(assertion)
    checks, _ = verify_hosted(assertion, _ctx())
    assert [(c.code, c.status) for c in checks] == [
        ("hosted_match", CheckStatus.PASSED),
        ("revocation", CheckStatus.PASSED),
        ("schema", CheckStatus.PASSED),
        ("origin", CheckStatus.PASSED),
        ("linked_ids", CheckStatus.WARNING),
    ]


def test_a_legacy_hosted_assertion_is_judged_in_its_2_0_form(issuer: Ob2Issuer) -> None:
    legacy_badge = {k: v for k, v in issuer.badge_class.items() if k not in ("@context", "type")}
    legacy_badge.pop("id")
    legacy_badge["issuer"] = issuer.server.url("/issuer/legacy")
    issuer.server.serve("/issuer/legacy", json.dumps({"name": "Old", "url": "http://x.test"}))
    issuer.server.serve("/badges/legacy", json.dumps(legacy_badge))
    url = issuer.server.url("/assertions/legacy")
    legacy = {
        "uid": "abc123",
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "badge": issuer.server.url("/badges/legacy"),
        "issuedOn": "2015-04-30",
        "verify": {"type": "hosted", "url": url},
    }
    issuer.server.serve("/assertions/legacy", json.dumps(legacy))
    checks, judged = verify_hosted({"id": url}, _ctx())
    assert judged["type"] == "Assertion"
    assert judged["id"] == url
    assert "verify" not in judged
    # The older rules apply to the linked documents: an issuer with no email is a warning only.
    assert [(c.code, c.status) for c in checks] == [
        ("hosted_match", CheckStatus.PASSED),
        ("revocation", CheckStatus.PASSED),
        ("schema", CheckStatus.PASSED),
        ("origin", CheckStatus.PASSED),
        ("issuer_email", CheckStatus.WARNING),
    ]


# -- where the badge is hosted -----------------------------------------------------------------


def _documents(
    issuer: dict[str, Any],
    badge_id: Any = "https://badges.example.org/classes/1",
    issuer_url: str | None = None,
) -> BadgeDocuments:
    return BadgeDocuments({"id": badge_id}, issuer, issuer_url=issuer_url)


def _passed(detail: str) -> Check:
    return Check("origin", CheckStatus.PASSED, ORIGIN_PASSED, detail=detail)


def _failed(detail: str) -> Check:
    return Check("origin", CheckStatus.FAILED, ORIGIN_FAILED, detail=detail)


@pytest.mark.parametrize(
    ("origins", "url", "allowed"),
    [
        ("example.org", "https://example.org/a/1", True),
        ("Example.ORG", "https://EXAMPLE.org/a/1", True),
        (["other.org", "example.org"], "https://example.org/a/1", True),
        ("example.org:8443", "https://example.org:8443/a/1", True),
        ("example.org", "https://example.org:8443/a/1", True),
        ("example.org:8443", "https://example.org/a/1", False),
        ("example.org", "https://sub.example.org/a/1", False),
        ("example.org", "https://example.org.evil.test/a/1", False),
    ],
    ids=["host", "case", "list", "host-port", "host-any-port", "port-not-given", "sub", "suffix"],
)
def test_allowed_origins_name_hosts_or_hosts_with_ports(
    origins: Any, url: str, allowed: bool
) -> None:
    policy = {"type": "VerificationObject", "allowedOrigins": origins}
    check = origin_check(url, _documents({"id": "https://x.test", "verification": policy}))
    names = origins if isinstance(origins, list) else [origins]
    rule = "allowedOrigins " + ", ".join(n.lower() for n in names)
    assert check == (_passed(rule) if allowed else _failed(f"{url} is outside {rule}"))


def test_allowed_origins_empty_text_matches_an_address_with_no_host() -> None:
    policy = {"allowedOrigins": [""]}
    check = origin_check("http:///a/1", _documents({"verification": policy}))
    assert check == _passed("allowedOrigins ")


def test_allowed_origins_empty_text_matches_a_host_whose_port_cannot_be_read() -> None:
    policy = {"allowedOrigins": ["", "x.test"]}
    url = "https://example.org:99999/a/1"
    check = origin_check(url, _documents({"verification": policy}))
    assert check == _passed("allowedOrigins , x.test")


def test_allowed_origins_do_not_match_an_address_with_no_host() -> None:
    policy = {"allowedOrigins": "xxxx"}
    check = origin_check("http:///a/1", _documents({"verification": policy}))
    assert check == _failed("http:///a/1 is outside allowedOrigins xxxx")


def test_allowed_origins_win_over_starts_with() -> None:
    policy = {"allowedOrigins": "example.org", "startsWith": "https://other.org/"}
    check = origin_check("https://example.org/a/1", _documents({"verification": policy}))
    assert check == _passed("allowedOrigins example.org")


@pytest.mark.parametrize(
    ("prefixes", "url", "allowed"),
    [
        ("https://example.org/badges/", "https://example.org/badges/1", True),
        (["https://a.test/", "https://example.org/b"], "https://example.org/badges/1", True),
        ("https://example.org/badges/", "https://example.org/other/1", False),
        ("https://Example.org/badges/", "https://example.org/badges/1", False),
    ],
    ids=["prefix", "list", "other-path", "case-matters"],
)
def test_starts_with_compares_the_address_text(prefixes: Any, url: str, allowed: bool) -> None:
    policy = {"startsWith": prefixes}
    check = origin_check(url, _documents({"id": "https://x.test", "verification": policy}))
    names = prefixes if isinstance(prefixes, list) else [prefixes]
    rule = "startsWith " + ", ".join(names)
    assert check == (_passed(rule) if allowed else _failed(f"{url} is outside {rule}"))


@pytest.mark.parametrize(
    "policy",
    ["allowedOrigins", ["x"], {"allowedOrigins": []}, {"startsWith": 3}],
    ids=["text", "list", "empty-origins", "number-prefix"],
)
def test_a_policy_that_names_nothing_falls_back_to_the_issuer_authority(policy: Any) -> None:
    check = origin_check(
        "https://example.org/a/1",
        _documents({"id": "https://x.test/i", "verification": policy}),
    )
    rule = "same host and port as the issuer (x.test)"
    assert check == _failed(f"https://example.org/a/1 is outside {rule}")


@pytest.mark.parametrize(
    ("issuer_id", "url", "authority", "allowed"),
    [
        ("https://example.org/issuer", "https://example.org/a/1", "example.org", True),
        ("https://example.org/issuer", "http://example.org/a/1", "example.org", True),
        ("https://example.org:443/issuer", "http://example.org:80/a/1", "example.org", True),
        ("HTTPS://Example.ORG/issuer", "https://example.org/a/1", "example.org", True),
        ("http://example.org:443/i", "https://example.org/a/1", "example.org:443", False),
        ("https://example.org:80/i", "http://example.org/a/1", "example.org:80", False),
        ("https://example.org:8443/i", "https://example.org:8443/a", "example.org:8443", True),
        ("https://example.org:8443/i", "https://example.org/a/1", "example.org:8443", False),
        ("https://example.org/issuer", "https://example.org:99999/a/1", "example.org", False),
    ],
    ids=[
        "same",
        "other-scheme",
        "default-ports",
        "case",
        "443-over-http",
        "80-over-https",
        "same-port",
        "port-missing",
        "bad-port",
    ],
)
def test_without_a_policy_the_assertion_shares_the_issuer_authority(
    issuer_id: str, url: str, authority: str, allowed: bool
) -> None:
    check = origin_check(url, _documents({"id": issuer_id}, badge_id=None))
    rule = f"same host and port as the issuer ({authority})"
    assert check == (_passed(rule) if allowed else _failed(f"{url} is outside {rule}"))


@pytest.mark.parametrize(
    ("badge_id", "allowed"),
    [
        ("https://example.org/classes/1", True),
        ("https://other.org/classes/1", False),
        ("urn:uuid:1", True),
        (None, True),
    ],
    ids=["same", "other", "urn", "none"],
)
def test_an_http_badge_class_shares_the_issuer_authority_too(badge_id: Any, allowed: bool) -> None:
    url = "https://example.org/a/1"
    check = origin_check(url, _documents({"id": "https://example.org/i"}, badge_id=badge_id))
    rule = "same host and port as the issuer (example.org)"
    assert check == (_passed(rule) if allowed else _failed(f"{url} is outside {rule}"))


def test_the_address_the_issuer_was_fetched_from_stands_in_for_its_id() -> None:
    documents = _documents(
        {"id": "urn:uuid:2"}, badge_id=None, issuer_url="https://example.org:8443/i"
    )
    assert origin_check("https://example.org:8443/a", documents) == _passed(
        "same host and port as the issuer (example.org:8443)"
    )


def test_the_declared_id_is_preferred_to_the_fetched_address() -> None:
    documents = _documents(
        {"id": "https://example.org/i"}, badge_id=None, issuer_url="https://other.org/i"
    )
    assert origin_check("https://example.org/a", documents) == _passed(
        "same host and port as the issuer (example.org)"
    )


@pytest.mark.parametrize(
    ("issuer_id", "shown"),
    [
        ("urn:uuid:2", "'urn:uuid:2'"),
        (None, "None"),
        ("https://example.org:x/i", "'https://example.org:x/i'"),
    ],
    ids=["urn", "none", "bad-port"],
)
def test_an_issuer_without_a_web_address_leaves_the_origin_unchecked(
    issuer_id: Any, shown: str
) -> None:
    profile = {} if issuer_id is None else {"id": issuer_id}
    check = origin_check("https://example.org/a", _documents(profile, badge_id=None))
    assert check == Check(
        "origin",
        CheckStatus.WARNING,
        ORIGIN_UNCHECKED,
        required=False,
        detail=f"issuer id {shown} is not an http(s) URL",
    )


def test_an_issuer_address_with_no_host_has_no_authority() -> None:
    check = origin_check("http:///a/1", _documents({"id": "http:///i"}, badge_id=None))
    assert check == Check(
        "origin",
        CheckStatus.WARNING,
        ORIGIN_UNCHECKED,
        required=False,
        detail="issuer id 'http:///i' is not an http(s) URL",
    )


def test_an_assertion_not_on_the_web_is_outside_the_issuer_authority() -> None:
    url = "ftp://example.org/a/1"
    check = origin_check(url, _documents({"id": "https://example.org/i"}, badge_id=None))
    assert check == _failed(f"{url} is outside same host and port as the issuer (example.org)")


def test_an_issuer_fetched_from_no_web_address_has_no_authority() -> None:
    documents = _documents({"id": "urn:uuid:2"}, badge_id=None, issuer_url="urn:uuid:3")
    assert origin_check("https://example.org/a", documents) == Check(
        "origin",
        CheckStatus.WARNING,
        ORIGIN_UNCHECKED,
        required=False,
        detail="issuer id 'urn:uuid:2' is not an http(s) URL",
    )
