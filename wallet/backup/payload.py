"""What a backup holds, as typed records, and their JSON form (written, and read back safely).

Everything inside a backup is the holder's own input when restored: whoever knows the
passphrase can write any payload. ``read_payload`` therefore checks every field's type and
size, and the restore re-derives what matters (credentials are re-imported and re-verified).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.share.keys import did_key

from .container import MAX_PAYLOAD_BYTES
from .reading import FieldReader, damaged

FORMAT = "plecak-backup/1"
_MAX_DEPTH = 96
T = TypeVar("T")


@dataclass(frozen=True)
class CredentialEntry:
    """A credential by its original bytes; others refer to it by ``digest`` (SHA-256)."""

    digest: str
    raw: bytes
    media_type: str
    source: str
    format: str
    container: str | None
    hidden: bool
    note: str | None
    imported_at: datetime


@dataclass(frozen=True)
class IdentifierEntry:
    kind: str
    value: str
    confirmed_at: datetime | None


@dataclass(frozen=True)
class TagEntry:
    name: str
    credentials: tuple[str, ...]


@dataclass(frozen=True)
class CollectionEntry:
    name: str
    description: str | None
    created_at: datetime
    credentials: tuple[str, ...]  # in the holder's order


@dataclass(frozen=True)
class DecisionEntry:
    leaf_id: str
    credential: str
    decision: str
    decided_at: datetime


@dataclass(frozen=True)
class PathwayEntry:
    key: str
    template_key: str | None
    document: JsonObject
    on_cv: bool
    created_at: datetime
    updated_at: datetime
    decisions: tuple[DecisionEntry, ...]


@dataclass(frozen=True)
class DocumentLinkEntry:
    document: str
    credential: str
    confirmed_at: datetime


@dataclass(frozen=True)
class CvItemEntry:
    credential: str
    note: str | None


@dataclass(frozen=True)
class CvEntry:
    slug: str
    language: str
    published: bool
    display_name: str
    texts: JsonObject
    contacts: list[JsonValue]
    experience: list[JsonValue]
    education: list[JsonValue]
    languages: list[JsonValue]
    skills: list[JsonValue]
    photo: bytes | None
    photo_media_type: str | None
    updated_at: datetime
    items: tuple[CvItemEntry, ...]


@dataclass(frozen=True)
class ShareItemEntry:
    credential: str
    show_grade: bool
    show_evidence: bool
    show_recipient: bool


@dataclass(frozen=True)
class ShareViewEntry:
    viewed_at: datetime
    device: str


@dataclass(frozen=True)
class ShareLinkEntry:
    token_hash: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    passcode_hash: str | None
    challenge: str
    items: tuple[ShareItemEntry, ...]
    views: tuple[ShareViewEntry, ...]


@dataclass(frozen=True)
class HolderKeyEntry:
    did: str
    private_key: bytes  # the raw Ed25519 seed: the backup's encryption protects it
    created_at: datetime


@dataclass(frozen=True)
class Backup:
    """Everything a holder owns that another instance can recreate."""

    created_at: datetime
    display_name: str
    language: str | None
    identifiers: tuple[IdentifierEntry, ...]
    credentials: tuple[CredentialEntry, ...]
    tags: tuple[TagEntry, ...]
    collections: tuple[CollectionEntry, ...]
    pathways: tuple[PathwayEntry, ...]
    document_links: tuple[DocumentLinkEntry, ...]
    cv: CvEntry | None
    share_links: tuple[ShareLinkEntry, ...]
    holder_key: HolderKeyEntry | None


def payload_to_json(backup: Backup) -> JsonObject:
    """The backup as JSON values (bytes in base64, instants in ISO 8601)."""
    return {
        "format": FORMAT,
        "created_at": _instant(backup.created_at),
        "account": {"display_name": backup.display_name, "language": backup.language},
        "identifiers": [
            {"kind": i.kind, "value": i.value, "confirmed_at": _maybe_instant(i.confirmed_at)}
            for i in backup.identifiers
        ],
        "credentials": [_credential_json(c) for c in backup.credentials],
        "tags": [{"name": t.name, "credentials": list(t.credentials)} for t in backup.tags],
        "collections": [
            {
                "name": c.name,
                "description": c.description,
                "created_at": _instant(c.created_at),
                "credentials": list(c.credentials),
            }
            for c in backup.collections
        ],
        "pathways": [_pathway_json(p) for p in backup.pathways],
        "document_links": [
            {
                "document": d.document,
                "credential": d.credential,
                "confirmed_at": _instant(d.confirmed_at),
            }
            for d in backup.document_links
        ],
        "cv": None if backup.cv is None else _cv_json(backup.cv),
        "share_links": [_link_json(link) for link in backup.share_links],
        "holder_key": None
        if backup.holder_key is None
        else {
            "did": backup.holder_key.did,
            "private_key": _b64(backup.holder_key.private_key),
            "created_at": _instant(backup.holder_key.created_at),
        },
    }


def _credential_json(c: CredentialEntry) -> JsonObject:
    return {
        "digest": c.digest,
        "raw": _b64(c.raw),
        "media_type": c.media_type,
        "source": c.source,
        "format": c.format,
        "container": c.container,
        "hidden": c.hidden,
        "note": c.note,
        "imported_at": _instant(c.imported_at),
    }


def _pathway_json(p: PathwayEntry) -> JsonObject:
    return {
        "key": p.key,
        "template_key": p.template_key,
        "document": p.document,
        "on_cv": p.on_cv,
        "created_at": _instant(p.created_at),
        "updated_at": _instant(p.updated_at),
        "decisions": [
            {
                "leaf_id": d.leaf_id,
                "credential": d.credential,
                "decision": d.decision,
                "decided_at": _instant(d.decided_at),
            }
            for d in p.decisions
        ],
    }


def _cv_json(cv: CvEntry) -> JsonObject:
    return {
        "slug": cv.slug,
        "language": cv.language,
        "published": cv.published,
        "display_name": cv.display_name,
        "texts": cv.texts,
        "contacts": cv.contacts,
        "experience": cv.experience,
        "education": cv.education,
        "languages": cv.languages,
        "skills": cv.skills,
        "photo": None if cv.photo is None else _b64(cv.photo),
        "photo_media_type": cv.photo_media_type,
        "updated_at": _instant(cv.updated_at),
        "items": [{"credential": i.credential, "note": i.note} for i in cv.items],
    }


def _link_json(link: ShareLinkEntry) -> JsonObject:
    return {
        "token_hash": link.token_hash,
        "label": link.label,
        "created_at": _instant(link.created_at),
        "expires_at": _maybe_instant(link.expires_at),
        "revoked_at": _maybe_instant(link.revoked_at),
        "passcode_hash": link.passcode_hash,
        "challenge": link.challenge,
        "items": [
            {
                "credential": i.credential,
                "show_grade": i.show_grade,
                "show_evidence": i.show_evidence,
                "show_recipient": i.show_recipient,
            }
            for i in link.items
        ],
        "views": [{"viewed_at": _instant(v.viewed_at), "device": v.device} for v in link.views],
    }


def read_payload(data: bytes) -> Backup:
    """The backup in decrypted ``data``; ``BackupFileError`` naming the first bad field."""
    try:
        root = parse_json_object(data, max_bytes=MAX_PAYLOAD_BYTES, max_depth=_MAX_DEPTH)
    except CredentialFormatError as error:
        raise damaged(error.detail) from None
    if root.get("format") != FORMAT:
        raise damaged(f"format is {root.get('format')!r}, not {FORMAT}")
    reader = FieldReader(root, "backup")
    account = reader.object("account")
    cv = reader.optional_object("cv")
    key = reader.optional_object("holder_key")
    return Backup(
        created_at=reader.instant("created_at"),
        display_name=account.text("display_name", 120),
        language=account.optional_text("language", 8),
        identifiers=reader.each("identifiers", _identifier),
        credentials=reader.each("credentials", _credential),
        tags=reader.each("tags", lambda r: TagEntry(r.text("name", 80), r.digests("credentials"))),
        collections=reader.each("collections", _collection),
        pathways=reader.each("pathways", _pathway),
        document_links=reader.each("document_links", _document_link),
        cv=None if cv is None else _cv(cv),
        share_links=reader.each("share_links", _link),
        holder_key=None if key is None else _holder_key(key),
    )


def _holder_key(r: FieldReader) -> HolderKeyEntry:
    """The key, checked to be the Ed25519 seed of the did:key it claims to be."""
    entry = HolderKeyEntry(r.text("did", 200), r.data("private_key"), r.instant("created_at"))
    try:
        private_key = Ed25519PrivateKey.from_private_bytes(entry.private_key)
    except ValueError:
        raise damaged("the holder key is not an Ed25519 seed") from None
    if did_key(private_key) != entry.did:
        raise damaged("the holder key does not match its DID")
    return entry


def _identifier(r: FieldReader) -> IdentifierEntry:
    return IdentifierEntry(
        r.text("kind", 16), r.text("value", 512), r.optional_instant("confirmed_at")
    )


def _credential(r: FieldReader) -> CredentialEntry:
    return CredentialEntry(
        digest=r.digest("digest"),
        raw=r.data("raw"),
        media_type=r.text("media_type", 100),
        source=r.text("source", 500),
        format=r.text("format", 32),
        container=r.optional_digest("container"),
        hidden=r.flag("hidden"),
        note=r.optional_text("note", 5000),
        imported_at=r.instant("imported_at"),
    )


def _collection(r: FieldReader) -> CollectionEntry:
    return CollectionEntry(
        r.text("name", 120),
        r.optional_text("description", 5000),
        r.instant("created_at"),
        r.digests("credentials"),
    )


def _pathway(r: FieldReader) -> PathwayEntry:
    return PathwayEntry(
        key=r.text("key", 200),
        template_key=r.optional_text("template_key", 100),
        document=r.raw_object("document"),
        on_cv=r.flag("on_cv"),
        created_at=r.instant("created_at"),
        updated_at=r.instant("updated_at"),
        decisions=r.each(
            "decisions",
            lambda d: DecisionEntry(
                d.text("leaf_id", 200),
                d.digest("credential"),
                d.text("decision", 16),
                d.instant("decided_at"),
            ),
        ),
    )


def _document_link(r: FieldReader) -> DocumentLinkEntry:
    return DocumentLinkEntry(
        r.digest("document"), r.digest("credential"), r.instant("confirmed_at")
    )


def _cv(r: FieldReader) -> CvEntry:
    photo = r.optional_data("photo")
    return CvEntry(
        slug=r.text("slug", 64),
        language=r.text("language", 8),
        published=r.flag("published"),
        display_name=r.text("display_name", 120),
        texts=r.raw_object("texts"),
        contacts=r.raw_list("contacts"),
        experience=r.raw_list("experience"),
        education=r.raw_list("education"),
        languages=r.raw_list("languages"),
        skills=r.raw_list("skills"),
        photo=photo,
        photo_media_type=r.optional_text("photo_media_type", 40),
        updated_at=r.instant("updated_at"),
        items=r.each(
            "items", lambda i: CvItemEntry(i.digest("credential"), i.optional_text("note", 5000))
        ),
    )


def _link(r: FieldReader) -> ShareLinkEntry:
    return ShareLinkEntry(
        token_hash=r.digest("token_hash"),
        label=r.text("label", 120),
        created_at=r.instant("created_at"),
        expires_at=r.optional_instant("expires_at"),
        revoked_at=r.optional_instant("revoked_at"),
        passcode_hash=r.optional_text("passcode_hash", 255),
        challenge=r.text("challenge", 64),
        items=r.each(
            "items",
            lambda i: ShareItemEntry(
                i.digest("credential"),
                i.flag("show_grade"),
                i.flag("show_evidence"),
                i.flag("show_recipient"),
            ),
        ),
        views=r.each(
            "views", lambda v: ShareViewEntry(v.instant("viewed_at"), v.text("device", 16))
        ),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _maybe_instant(value: datetime | None) -> str | None:
    return None if value is None else _instant(value)
