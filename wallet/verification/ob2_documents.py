"""The linked documents of an Open Badges 2.0 assertion: fetching, upgrading and validating them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet import importing
from wallet.errors import CredentialFormatError, FetchError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.report import Check, CheckStatus, make_check

ACCEPT_JSON_LD = "application/ld+json, application/json;q=0.9"
MAX_DOCUMENT_BYTES = 1024 * 1024

_REQUIRED = {
    "Assertion": ("id", "type", "recipient", "badge", "issuedOn"),
    "BadgeClass": ("id", "type", "name", "description", "image", "criteria", "issuer"),
    "Issuer": ("id", "type", "name", "url", "email"),
}


@dataclass(frozen=True)
class Retrieved:
    """The outcome of fetching one document: a JSON object, or why there is none.

    ``status`` is None when the server could not be reached; ``document`` is None when the
    answer was not a 200 JSON object.
    """

    url: str
    status: int | None
    document: JsonObject | None
    problem: str | None = None


@dataclass(frozen=True)
class BadgeDocuments:
    """The BadgeClass and issuer Profile an assertion links to, each in its 2.0 form."""

    badge_class: JsonObject
    issuer: JsonObject
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unavailable:
    """A linked document could not be retrieved, so its checks cannot run."""

    url: str
    reason: str


def is_http_url(value: JsonValue) -> bool:
    """Whether a value is an absolute http(s) URL."""
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def fetch_document(ctx: VerificationContext, url: str) -> Retrieved:
    """GET a JSON-LD document under the size cap; every failure becomes data."""
    try:
        fetched = ctx.fetcher.fetch(url, accept=ACCEPT_JSON_LD, max_bytes=MAX_DOCUMENT_BYTES)
    except FetchError as error:
        return Retrieved(url, None, None, error.detail)
    if fetched.status != 200:
        return Retrieved(url, fetched.status, None, f"HTTP {fetched.status}")
    try:
        document = parse_json_object(fetched.body, max_bytes=MAX_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        return Retrieved(url, fetched.status, None, error.detail)
    return Retrieved(url, fetched.status, document)


def load_badge_documents(
    assertion: JsonObject, ctx: VerificationContext
) -> BadgeDocuments | Unavailable:
    """The BadgeClass and issuer of ``assertion``; hosted copies are preferred to embedded ones."""
    badge_class = _linked(assertion.get("badge"), ctx, importing.upgrade_legacy_badge_class)
    if isinstance(badge_class, Unavailable):
        return badge_class
    issuer = _linked(badge_class.get("issuer"), ctx, importing.upgrade_legacy_issuer)
    if isinstance(issuer, Unavailable):
        return issuer
    problems = []
    reference = badge_class.get("issuer")
    expected = reference if isinstance(reference, str) else None
    if expected is not None and issuer.get("id") != expected:
        problems.append(f"the issuer profile at {expected} declares another id")
    return BadgeDocuments(badge_class, issuer, tuple(problems))


def schema_check(assertion: JsonObject, documents: BadgeDocuments) -> Check:
    """Required properties of the assertion, its BadgeClass and its issuer Profile."""
    missing = [
        *_missing("Assertion", assertion),
        *_missing("BadgeClass", documents.badge_class),
        *_missing("Issuer", documents.issuer),
        *documents.problems,
    ]
    if "verification" not in assertion and "verify" not in assertion:
        missing.append("Assertion: verification")
    if missing:
        return make_check(
            "schema",
            CheckStatus.FAILED,
            "The badge's published data is incomplete.",
            "Opublikowane dane odznaki są niekompletne.",
            detail="; ".join(missing),
        )
    return make_check(
        "schema",
        CheckStatus.PASSED,
        "The badge, its description and its issuer are complete.",
        "Odznaka, jej opis i wystawca mają wszystkie wymagane dane.",
    )


def unavailable_check(code: str, missing: Unavailable) -> Check:
    """A required check that could not run because a document was out of reach."""
    return make_check(
        code,
        CheckStatus.SKIPPED,
        "The issuer's published data could not be retrieved, so this could not be checked.",
        "Nie udało się pobrać danych opublikowanych przez wystawcę, więc nie można tego sprawdzić.",
        detail=f"{missing.url}: {missing.reason}",
    )


def strings(value: JsonValue) -> list[str]:
    """A value that may be one string or a list, as its strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _linked(
    reference: JsonValue, ctx: VerificationContext, upgrade: Callable[[JsonObject, str], JsonObject]
) -> JsonObject | Unavailable:
    """A linked document: fetched when it has an http(s) id, embedded otherwise."""
    if isinstance(reference, dict) and not is_http_url(reference.get("id")):
        return reference
    url = reference.get("id") if isinstance(reference, dict) else reference
    if not isinstance(url, str) or not is_http_url(url):
        return Unavailable(str(url), "the link is not an http(s) address")
    retrieved = fetch_document(ctx, url)
    if retrieved.document is None:
        return Unavailable(url, retrieved.problem or "no document")
    document = retrieved.document
    return upgrade(document, url) if importing.is_legacy_document(document) else document


def _missing(kind: str, document: JsonObject) -> list[str]:
    absent = [name for name in _REQUIRED[kind] if document.get(name) in (None, "", [], {})]
    types = strings(document.get("type"))
    expected_types = {"Issuer": ("Issuer", "Profile")}.get(kind, (kind,))
    if types and not any(t in expected_types for t in types):
        absent.append(f"type {kind}")
    return [f"{kind}: {name}" for name in absent]


def revoked_check(detail: str) -> Check:
    """The ``revocation`` check of a badge its issuer has revoked."""
    return make_check(
        "revocation",
        CheckStatus.FAILED,
        "The issuer has revoked this badge.",
        "Wystawca unieważnił tę odznakę.",
        detail=detail,
    )
