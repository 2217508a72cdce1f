"""Open Badges 0.5, 1.0 and 1.1 documents upgraded to the Open Badges 2.0 model."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urljoin

from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_V1_CONTEXTS = ("w3id.org/openbadges/v1", "openbadgespec.org/v1")
_HASH_PREFIXES = ("sha256$", "md5$")


def legacy_version(document: JsonObject) -> str | None:
    """ "0.5", "1.0" or "1.1" when ``document`` is a pre-2.0 assertion, else None."""
    context = document.get("@context")
    if isinstance(context, str) and any(marker in context for marker in _V1_CONTEXTS):
        return "1.1"
    if context is not None or "badge" not in document or "recipient" not in document:
        return None
    if isinstance(document.get("verify"), dict):
        return "1.0"
    if isinstance(document.get("recipient"), str) and isinstance(document.get("badge"), dict):
        return "0.5"
    return None


def upgrade_legacy_assertion(document: JsonObject, fetched_from: str | None = None) -> JsonObject:
    """The 2.0 form of a 0.5/1.0/1.1 assertion; unknown extra properties are kept.

    A 0.5 assertion never states its own address: when it was fetched from an http(s) URL,
    that URL is its id (as the reference validator does).
    """
    version = legacy_version(document)
    if version is None:
        raise CredentialFormatError("not an Open Badges 0.5, 1.0 or 1.1 assertion")
    upgraded: JsonObject = {
        key: value
        for key, value in document.items()
        if key not in ("@context", "verify", "issued_on", "salt")
    }
    upgraded["@context"] = OB2_CONTEXT
    upgraded["type"] = "Assertion"
    upgraded["recipient"] = _upgrade_recipient(document)
    upgraded["verification"] = _upgrade_verification(document.get("verify"))
    assertion_id = _assertion_id(document)
    if assertion_id is None and fetched_from and fetched_from.startswith(("https://", "http://")):
        assertion_id = fetched_from
    if assertion_id is not None:
        upgraded["id"] = assertion_id
    issued = _upgrade_date(document.get("issuedOn", document.get("issued_on")))
    if issued is not None:
        upgraded["issuedOn"] = issued
    expires = _upgrade_date(document.get("expires"))
    if expires is not None:
        upgraded["expires"] = expires
    badge = document.get("badge")
    if isinstance(badge, dict):
        upgraded["badge"] = _upgrade_embedded_badge(badge)
    return upgraded


def upgrade_legacy_badge_class(document: JsonObject, url: str) -> JsonObject:
    """The 2.0 form of a 1.x BadgeClass fetched from ``url`` (it had no ``id`` or ``type``)."""
    upgraded: JsonObject = {key: v for key, v in document.items() if key != "@context"}
    upgraded["@context"] = OB2_CONTEXT
    upgraded.setdefault("id", url)
    upgraded["type"] = "BadgeClass"
    alignment = document.get("alignment")
    if isinstance(alignment, list):
        upgraded["alignment"] = [_upgrade_alignment(item) for item in alignment]
    return upgraded


def upgrade_legacy_issuer(document: JsonObject, url: str) -> JsonObject:
    """The 2.0 form of a 1.x issuer organisation fetched from ``url``."""
    upgraded: JsonObject = {key: v for key, v in document.items() if key != "@context"}
    upgraded["@context"] = OB2_CONTEXT
    upgraded.setdefault("id", url)
    upgraded["type"] = "Issuer"
    return upgraded


def is_legacy_document(document: JsonObject) -> bool:
    """Whether a fetched BadgeClass or issuer is in the 1.x shape (no 2.0 context)."""
    context = document.get("@context")
    if context is None:
        return True
    return isinstance(context, str) and any(marker in context for marker in _V1_CONTEXTS)


def _upgrade_recipient(document: JsonObject) -> JsonValue:
    recipient = document.get("recipient")
    if isinstance(recipient, dict):
        return recipient
    if not isinstance(recipient, str):
        raise CredentialFormatError("a legacy assertion without a recipient")
    identity: JsonObject = {
        "type": "email",
        "identity": recipient,
        "hashed": recipient.lower().startswith(_HASH_PREFIXES),
    }
    salt = document.get("salt")
    if isinstance(salt, str):
        identity["salt"] = salt
    return identity


def _upgrade_verification(verify: JsonValue) -> JsonObject:
    if not isinstance(verify, dict):
        # 0.5 assertions were always hosted, at an address the assertion does not state.
        return {"type": "HostedBadge"}
    if verify.get("type") == "signed":
        verification: JsonObject = {"type": "SignedBadge"}
        if isinstance(verify.get("url"), str):
            verification["creator"] = verify["url"]
        return verification
    return {"type": "HostedBadge"}


def _assertion_id(document: JsonObject) -> str | None:
    existing = document.get("id")
    if isinstance(existing, str):
        return existing
    verify = document.get("verify")
    if isinstance(verify, dict) and verify.get("type") == "hosted":
        url = verify.get("url")
        if isinstance(url, str):
            return url
    return None


def _upgrade_date(value: JsonValue) -> str | None:
    """1.x allowed Unix timestamps and bare dates; 2.0 needs ISO 8601 with a zone."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).isoformat()
    if not isinstance(value, str):
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC).isoformat()
    if len(value) == 10:
        return f"{value}T00:00:00+00:00"
    return value


def _upgrade_embedded_badge(badge: JsonObject) -> JsonObject:
    """0.5 embedded badge and issuer; relative URLs are relative to the issuer's origin."""
    issuer = badge.get("issuer")
    origin = issuer.get("origin") if isinstance(issuer, dict) else None
    base = origin if isinstance(origin, str) else ""
    upgraded: JsonObject = {k: v for k, v in badge.items() if k not in ("version", "issuer")}
    upgraded["type"] = "BadgeClass"
    for key in ("image", "criteria"):
        value = badge.get(key)
        if isinstance(value, str) and base:
            upgraded[key] = urljoin(base, value)
    if isinstance(issuer, dict):
        profile: JsonObject = {"type": "Profile"}
        if isinstance(issuer.get("name"), str):
            profile["name"] = issuer["name"]
        url = issuer.get("url", origin)
        if isinstance(url, str):
            profile["url"] = url
        if isinstance(issuer.get("contact"), str):
            profile["email"] = issuer["contact"]
        upgraded["issuer"] = profile
    return upgraded


def _upgrade_alignment(item: JsonValue) -> JsonValue:
    if not isinstance(item, dict) or "targetName" in item:
        return item
    renamed = {"name": "targetName", "url": "targetUrl", "description": "targetDescription"}
    return {renamed.get(key, key): value for key, value in item.items()}
