"""Hosted Open Badges 2.0 verification: the issuer's server is the source of truth."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from wallet import importing
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext
from wallet.verification.ob2_documents import (
    BadgeDocuments,
    Unavailable,
    document_warnings,
    fetch_document,
    is_http_url,
    load_badge_documents,
    revoked_check,
    schema_check,
    strings,
    unavailable_check,
)
from wallet.verification.report import Check, CheckStatus, make_check

# What an issuer may not change after award without the holder's copy becoming a different badge.
_COMPARED = ("recipient", "badge", "issuedOn", "expires", "evidence", "narrative")


def verify_hosted(
    assertion: JsonObject, ctx: VerificationContext
) -> tuple[list[Check], JsonObject]:
    """Checks for a hosted assertion, and the assertion as the issuer now serves it."""
    url = assertion.get("id")
    if not isinstance(url, str) or not is_http_url(url):
        return [_no_address()], assertion
    retrieved = fetch_document(ctx, url)
    if retrieved.status == 410:
        return [revoked_check("HTTP 410 Gone")], assertion
    if retrieved.status != 200:
        return [
            unavailable_check("hosted_match", Unavailable(url, retrieved.problem or ""))
        ], assertion
    if retrieved.document is None:
        return [_mismatch(retrieved.problem or "not a JSON object")], assertion
    hosted = retrieved.document
    legacy = importing.legacy_version(hosted) is not None
    if legacy:
        hosted = importing.upgrade_legacy_assertion(hosted, url)
    checks = [_match_check(assertion, hosted)]
    if hosted.get("revoked") is True:
        reason = hosted.get("revocationReason")
        checks.append(revoked_check(reason if isinstance(reason, str) else "revoked: true"))
        return checks, hosted
    checks.append(
        make_check(
            "revocation",
            CheckStatus.PASSED,
            "The issuer still publishes this badge and has not revoked it.",
            "Wystawca nadal publikuje tę odznakę i jej nie unieważnił.",
        )
    )
    documents = load_badge_documents(hosted, ctx, legacy=legacy)
    if isinstance(documents, Unavailable):
        checks += [unavailable_check("schema", documents), unavailable_check("origin", documents)]
    else:
        checks += [schema_check(hosted, documents), origin_check(url, documents)]
        checks += document_warnings(documents)
    return checks, hosted


def origin_check(assertion_url: str, documents: BadgeDocuments) -> Check:
    """Whether the assertion is hosted where its issuer's verification policy allows.

    Without a policy the assertion (and an http(s) BadgeClass) must share the issuer's
    authority, host and port, whatever the scheme; an issuer without an http(s) id has no
    authority to compare, so the rule cannot be enforced and only a warning is given.
    """
    policy = documents.issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    allowed_origins = [o.lower() for o in strings(policy.get("allowedOrigins"))]
    prefixes = strings(policy.get("startsWith"))
    if allowed_origins:
        parts = urlsplit(assertion_url)
        hosts = {(parts.hostname or "").lower(), _authority(assertion_url) or ""}
        allowed = bool(hosts & set(allowed_origins))
        rule = f"allowedOrigins {', '.join(allowed_origins)}"
    elif prefixes:
        allowed = any(assertion_url.startswith(prefix) for prefix in prefixes)
        rule = f"startsWith {', '.join(prefixes)}"
    else:
        declared = documents.issuer.get("id")
        issuer_authority = _authority(declared) or _authority(documents.issuer_url)
        if issuer_authority is None:
            return make_check(
                "origin",
                CheckStatus.WARNING,
                "The issuer has no web address, so where its badges are hosted was not checked.",
                "Wystawca nie ma adresu w sieci, więc nie sprawdzono, gdzie publikuje odznaki.",
                required=False,
                detail=f"issuer id {declared!r} is not an http(s) URL",
            )
        badge_id = documents.badge_class.get("id")
        urls: list[JsonValue] = [assertion_url]
        if is_http_url(badge_id):
            urls.append(badge_id)
        allowed = all(_authority(u) == issuer_authority for u in urls)
        rule = f"same host and port as the issuer ({issuer_authority})"
    if allowed:
        return make_check(
            "origin",
            CheckStatus.PASSED,
            "The badge is hosted where its issuer says its badges live.",
            "Odznaka jest opublikowana tam, gdzie wystawca publikuje swoje odznaki.",
            detail=rule,
        )
    return make_check(
        "origin",
        CheckStatus.FAILED,
        "The badge is hosted on a site its issuer does not allow: it may be an imitation.",
        "Odznaka jest opublikowana w miejscu, na które wystawca nie zezwala: może być podróbką.",
        detail=f"{assertion_url} is outside {rule}",
    )


def _match_check(imported: JsonObject, hosted: JsonObject) -> Check:
    """HostedBadge verification judges the issuer's copy; a different local copy is a warning."""
    # A baked URL carries nothing to compare: the issuer's copy is the badge.
    compared = [key for key in _COMPARED if key in imported or key in hosted]
    if set(imported) <= {"id"}:
        compared = []
    changed = [
        key for key in compared if _canonical(imported.get(key)) != _canonical(hosted.get(key))
    ]
    if changed:
        return make_check(
            "hosted_match",
            CheckStatus.WARNING,
            "The issuer now publishes this badge differently from your copy; "
            "the issuer's copy is the one checked.",
            "Wystawca publikuje teraz tę odznakę inaczej niż w Twojej kopii; "
            "sprawdzono kopię wystawcy.",
            required=False,
            detail="differs: " + ", ".join(changed),
        )
    return make_check(
        "hosted_match",
        CheckStatus.PASSED,
        "The issuer's server publishes this badge exactly as you have it.",
        "Serwer wystawcy publikuje tę odznakę dokładnie w takiej postaci, jaką masz.",
    )


def _canonical(value: JsonValue) -> str:
    if isinstance(value, dict) and set(value) >= {"id"} and is_http_url(value.get("id")):
        value = value["id"]  # an embedded document and a link to it name the same thing
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _authority(value: JsonValue) -> str | None:
    """``host[:port]`` of an http(s) URL, lower-cased, without a scheme's default port."""
    if not isinstance(value, str) or not is_http_url(value):
        return None
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if port is None or port == _DEFAULT_PORTS[parts.scheme.lower()]:
        return host
    return f"{host}:{port}"


def _no_address() -> Check:
    return make_check(
        "hosted_match",
        CheckStatus.SKIPPED,
        "The badge does not say where its issuer publishes it, so it cannot be checked.",
        "Odznaka nie podaje, gdzie wystawca ją publikuje, więc nie można jej sprawdzić.",
    )


def _mismatch(detail: str) -> Check:
    return make_check(
        "hosted_match",
        CheckStatus.FAILED,
        "The issuer's server publishes this badge differently from your copy.",
        "Serwer wystawcy publikuje tę odznakę inaczej niż w Twojej kopii.",
        detail=detail,
    )
