"""The plain export for data-protection requests: original files and a JSON of everything else.

Nothing secret leaves: no private key (sealed or not), no password, passcode or token hash,
no connection tokens. What a holder sees in the wallet is what the JSON says.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.models import (
    Connection,
    Credential,
    HolderKey,
    ImportItem,
    ImportJob,
    Notice,
    ShareLink,
    User,
    VerificationRun,
)

from .collect import collect_backup
from .payload import Backup, CredentialEntry

EXPORT_FORMAT = "plecak-export/1"
_EXTENSIONS = {
    "application/json": "json",
    "application/ld+json": "jsonld",
    "application/vc+jwt": "jwt",
    "application/jwt": "jwt",
    "application/vc+sd-jwt": "sd-jwt",
    "application/dc+sd-jwt": "sd-jwt",
    "text/plain": "txt",
    "image/png": "png",
    "image/svg+xml": "svg",
    "application/pdf": "pdf",
    "application/xml": "xml",
    "text/xml": "xml",
}


def export_archive(session: Session, user: User, now: datetime) -> bytes:
    """A ZIP: ``credentials/`` with each original file byte for byte, and ``plecak-export.json``."""
    # The holder key is left out here, so no secret is needed to read the rest.
    backup = collect_backup(session, user, "", now, with_key=False)
    names = _file_names(backup.credentials)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in backup.credentials:
            archive.writestr(names[entry.digest], entry.raw)
        if backup.cv is not None and backup.cv.photo:
            archive.writestr("cv/photo", backup.cv.photo)
        document = export_document(session, user, backup, names, now)
        text = json.dumps(document, ensure_ascii=False, indent=2)
        archive.writestr("plecak-export.json", text.encode())
    return buffer.getvalue()


def export_filename(now: datetime) -> str:
    """The name a downloaded export gets."""
    return f"plecak-export-{now:%Y-%m-%d}.zip"


def _file_names(entries: tuple[CredentialEntry, ...]) -> dict[str, str]:
    names = {}
    for number, entry in enumerate(entries, start=1):
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", entry.source.rsplit("/", 1)[-1])[:60].strip("-.")
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
        extension = _EXTENSIONS.get(entry.media_type.split(";")[0].strip(), "bin")
        names[entry.digest] = f"credentials/{number:04d}-{stem or 'credential'}.{extension}"
    return names


def export_document(
    session: Session, user: User, backup: Backup, names: dict[str, str], now: datetime
) -> JsonObject:
    """Everything but the files, as JSON, credentials named by their file in the archive."""
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _at(now),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "created_at": _at(user.created_at),
        },
        "identifiers": [
            {"kind": i.kind, "value": i.value, "confirmed_at": _at(i.confirmed_at)}
            for i in backup.identifiers
        ],
        "holder_did": session.scalar(select(HolderKey.did).where(HolderKey.user_id == user.id)),
        "credentials": _credentials(session, user.id, names),
        "tags": [
            {"name": t.name, "credentials": [names[d] for d in t.credentials]} for t in backup.tags
        ],
        "collections": [
            {
                "name": c.name,
                "description": c.description,
                "created_at": _at(c.created_at),
                "credentials": [names[d] for d in c.credentials],
            }
            for c in backup.collections
        ],
        "pathways": [
            {
                "key": p.key,
                "document": p.document,
                "on_cv": p.on_cv,
                "created_at": _at(p.created_at),
                "updated_at": _at(p.updated_at),
                "decisions": [
                    {
                        "requirement": d.leaf_id,
                        "credential": names[d.credential],
                        "decision": d.decision,
                        "decided_at": _at(d.decided_at),
                    }
                    for d in p.decisions
                ],
            }
            for p in backup.pathways
        ],
        "document_pairs": [
            {"document": names[d.document], "credential": names[d.credential]}
            for d in backup.document_links
        ],
        "cv": _cv(backup, names),
        "share_links": _share_links(session, user.id, backup, names),
        "connections": _connections(session, user.id),
        "import_history": _imports(session, user.id, names),
        "notices": [
            {
                "kind": n.kind.value,
                "details": n.details,
                "created_at": _at(n.created_at),
                "read_at": _at(n.read_at),
            }
            for n in session.scalars(
                select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)
            )
        ],
    }


def _credentials(session: Session, user_id: int, names: dict[str, str]) -> list[JsonValue]:
    rows = session.scalars(
        select(Credential).where(Credential.user_id == user_id).order_by(Credential.id)
    )
    found: list[JsonValue] = []
    for c in rows:
        runs = session.scalars(
            select(VerificationRun)
            .where(VerificationRun.credential_id == c.id)
            .order_by(VerificationRun.ran_at)
        )
        found.append(
            {
                "file": names[c.content_hash],
                "sha256": c.content_hash,
                "media_type": c.media_type,
                "source": c.source,
                "format": c.format.value,
                "title": c.title,
                "issuer": c.issuer_name,
                "issued_on": _at(c.issued_on),
                "imported_at": _at(c.imported_at),
                "hidden": c.hidden,
                "note": c.note,
                "verdict": c.verdict.value,
                "verified_at": _at(c.verified_at),
                "checks": cast(list[JsonValue], c.report),
                "verification_history": [
                    {"ran_at": _at(r.ran_at), "verdict": r.verdict.value} for r in runs
                ],
                "record": c.record,
            }
        )
    return found


def _cv(backup: Backup, names: dict[str, str]) -> JsonValue:
    cv = backup.cv
    if cv is None:
        return None
    return {
        "address": cv.slug,
        "published": cv.published,
        "language": cv.language,
        "display_name": cv.display_name,
        "texts": cv.texts,
        "contacts": cv.contacts,
        "experience": cv.experience,
        "education": cv.education,
        "languages": cv.languages,
        "skills": cv.skills,
        "photo": "cv/photo" if cv.photo else None,
        "updated_at": _at(cv.updated_at),
        "credentials": [{"credential": names[i.credential], "note": i.note} for i in cv.items],
    }


def _share_links(
    session: Session, user_id: int, backup: Backup, names: dict[str, str]
) -> list[JsonValue]:
    locked = {
        link.challenge: link.locked_until
        for link in session.scalars(select(ShareLink).where(ShareLink.user_id == user_id))
    }
    return [
        {
            "label": link.label,
            "created_at": _at(link.created_at),
            "expires_at": _at(link.expires_at),
            "revoked_at": _at(link.revoked_at),
            "passcode": link.passcode_hash is not None,
            "locked_until": _at(locked.get(link.challenge)),
            "credentials": [
                {
                    "credential": names[item.credential],
                    "shows_grade": item.show_grade,
                    "shows_evidence": item.show_evidence,
                    "shows_recipient": item.show_recipient,
                }
                for item in link.items
            ],
            "views": [{"viewed_at": _at(v.viewed_at), "device": v.device} for v in link.views],
        }
        for link in backup.share_links
    ]


def _connections(session: Session, user_id: int) -> list[JsonValue]:
    rows = session.scalars(
        select(Connection).where(Connection.user_id == user_id).order_by(Connection.id)
    )
    return [
        {
            "name": c.name,
            "address": c.address,
            "state": c.state.value,
            "created_at": _at(c.created_at),
            "last_synced_at": _at(c.last_synced_at),
            "credentials_received": c.credential_count,
        }
        for c in rows
    ]


def _imports(session: Session, user_id: int, names: dict[str, str]) -> list[JsonValue]:
    rows = session.execute(
        select(Credential.id, Credential.content_hash).where(Credential.user_id == user_id)
    )
    digests = {credential_id: digest for credential_id, digest in rows}
    jobs = session.scalars(
        select(ImportJob).where(ImportJob.user_id == user_id).order_by(ImportJob.id)
    )
    history: list[JsonValue] = []
    for job in jobs:
        items = session.scalars(
            select(ImportItem).where(ImportItem.job_id == job.id).order_by(ImportItem.position)
        )
        history.append(
            {
                "source": job.source,
                "state": job.state.value,
                "created_at": _at(job.created_at),
                "finished_at": _at(job.finished_at),
                "error": job.error,
                "items": [
                    {
                        "source": item.source,
                        "outcome": item.outcome.value,
                        "message": item.message,
                        "credential": names.get(digests.get(item.credential_id or 0, "")),
                    }
                    for item in items
                ],
            }
        )
    return history


def _at(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
