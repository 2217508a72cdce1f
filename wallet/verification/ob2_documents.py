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
class Linked:
    """One linked document in its 2.0 form, where it was fetched from and whether it was older."""

    document: JsonObject
    fetched_from: str | None = None
    legacy: bool = False


@dataclass(frozen=True)
class BadgeDocuments:
    """The BadgeClass and issuer Profile an assertion links to, each in its 2.0 form.

    ``issuer_url`` is where the Profile was fetched (None when embedded); ``legacy_issuer`` and
    ``legacy_badge`` say they were upgraded from 0.5/1.x, whose rules were looser; ``id_notes``
    name documents whose declared id differs from the address they were fetched from.
    """

    badge_class: JsonObject
    issuer: JsonObject
    issuer_url: str | None = None
    legacy_issuer: bool = False
    legacy_badge: bool = False
    id_notes: tuple[str, ...] = ()


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
    assertion: JsonObject, ctx: VerificationContext, *, legacy: bool = False
) -> BadgeDocuments | Unavailable:
    """The BadgeClass and issuer of ``assertion``; hosted copies are preferred to embedded ones.

    ``legacy`` says the assertion was upgraded from 0.5/1.x: its embedded documents follow
    the older rules too.
    """
    badge = _linked(assertion.get("badge"), ctx, importing.upgrade_legacy_badge_class, legacy)
    if isinstance(badge, Unavailable):
        return badge
    issuer = _linked(badge.document.get("issuer"), ctx, importing.upgrade_legacy_issuer, legacy)
    if isinstance(issuer, Unavailable):
        return issuer
    notes = [note for note in (_id_note(badge), _id_note(issuer)) if note]
    return BadgeDocuments(
        badge.document,
        issuer.document,
        issuer_url=issuer.fetched_from,
        legacy_issuer=issuer.legacy,
        legacy_badge=badge.legacy,
        id_notes=tuple(notes),
    )


def _id_note(linked: Linked) -> str | None:
    declared = linked.document.get("id")
    if linked.fetched_from is None or declared == linked.fetched_from:
        return None
    return f"{linked.fetched_from} declares its id as {declared}"


def schema_check(assertion: JsonObject, documents: BadgeDocuments) -> Check:
    """Required properties and value rules of the assertion, its BadgeClass and its Profile."""
    missing = [
        *_missing("Assertion", assertion),
        *_missing("BadgeClass", documents.badge_class, legacy=documents.legacy_badge),
        *_missing("Issuer", documents.issuer, legacy=documents.legacy_issuer),
        *_assertion_values(assertion),
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


def document_warnings(documents: BadgeDocuments) -> list[Check]:
    """What the reference validators report as warnings, not failures, about linked documents."""
    warnings = []
    if documents.id_notes:
        warnings.append(
            make_check(
                "linked_ids",
                CheckStatus.WARNING,
                "The issuer publishes a document under another address than the one it declares.",
                "Wystawca publikuje dokument pod innym adresem niż ten, który w nim podaje.",
                required=False,
                detail="; ".join(documents.id_notes),
            )
        )
    if documents.legacy_issuer and _absent(documents.issuer.get("email")):
        warnings.append(
            make_check(
                "issuer_email",
                CheckStatus.WARNING,
                "The issuer, described in an older Open Badges version, gives no contact email.",
                "Wystawca, opisany w starszej wersji Open Badges, nie podaje adresu e-mail.",
                required=False,
            )
        )
    return warnings


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
    reference: JsonValue,
    ctx: VerificationContext,
    upgrade: Callable[[JsonObject, str], JsonObject],
    legacy: bool,
) -> Linked | Unavailable:
    """A linked document: fetched when it has an http(s) id, embedded otherwise."""
    if isinstance(reference, dict) and not is_http_url(reference.get("id")):
        return Linked(reference, legacy=legacy)
    url = reference.get("id") if isinstance(reference, dict) else reference
    if not isinstance(url, str) or not is_http_url(url):
        return Unavailable(str(url), "the link is not an http(s) address")
    retrieved = fetch_document(ctx, url)
    if retrieved.document is None:
        return Unavailable(url, retrieved.problem or "no document")
    document = retrieved.document
    if importing.is_legacy_document(document):
        return Linked(upgrade(document, url), url, legacy=True)
    return Linked(document, url)


def _absent(value: JsonValue) -> bool:
    return value in (None, "", [], {})


def _missing(kind: str, document: JsonObject, *, legacy: bool = False) -> list[str]:
    required = _REQUIRED[kind]
    if legacy:
        # 0.5 embedded its BadgeClass and issuer without ids, and 1.0 issuers had no email.
        required = tuple(name for name in required if name not in ("id", "email"))
    absent = [name for name in required if _absent(document.get(name))]
    types = strings(document.get("type"))
    expected_types = {"Issuer": ("Issuer", "Profile")}.get(kind, (kind,))
    if types and not any(t in expected_types for t in types):
        absent.append(f"type {kind}")
    return [f"{kind}: {name}" for name in absent]


def _assertion_values(assertion: JsonObject) -> list[str]:
    """OB 2.0 value rules: an Assertion's image is an IRI of a baked image, not its data."""
    image = assertion.get("image")
    image_id = image.get("id") if isinstance(image, dict) else image
    if isinstance(image_id, str) and image_id.strip().lower().startswith("data:"):
        return ["Assertion: image is a data: URI, not the address of an image"]
    return []


def revoked_check(detail: str) -> Check:
    """The ``revocation`` check of a badge its issuer has revoked."""
    return make_check(
        "revocation",
        CheckStatus.FAILED,
        "The issuer has revoked this badge.",
        "Wystawca unieważnił tę odznakę.",
        detail=detail,
    )
