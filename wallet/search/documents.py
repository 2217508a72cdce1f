"""Search documents derived from stored credentials, their records and the holder's tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from wallet.errors import CredentialFormatError
from wallet.models import Credential, CredentialTag, Tag
from wallet.records import CredentialRecord, LocalizedText, record_from_json
from wallet.search import SearchDocument
from wallet.search.concepts import labels_for
from wallet.verification.report import report_from_json
from wallet.verification.standing import Standing, standing_from

BATCH = 500


def document_for(
    credential: Credential, tags: Sequence[str], record: CredentialRecord | None
) -> SearchDocument:
    """The search document of one credential (``record`` None when it cannot be read)."""
    return build_document(
        credential_id=credential.id,
        user_id=credential.user_id,
        title=credential.title,
        issuer=credential.issuer_name,
        issued_on=credential.issued_on,
        verdict=standing_from(credential.verdict, report_from_json(credential.report)),
        tags=tags,
        note=credential.note or "",
        record=record,
    )


def build_document(
    *,
    credential_id: int,
    user_id: int,
    title: str,
    issuer: str,
    issued_on: datetime | None,
    verdict: Standing,
    tags: Sequence[str],
    note: str,
    record: CredentialRecord | None,
) -> SearchDocument:
    """A search document from a credential's column values and its record."""
    base = SearchDocument(
        credential_id=credential_id,
        user_id=user_id,
        title=title,
        issuer=issuer,
        issued_on=issued_on,
        verdict=verdict,
        tags=_distinct(tags),
        note=note,
    )
    if record is None:
        return base
    skills = [*record.skills, *(skill for o in record.learning_outcomes for skill in o.skills)]
    return replace(
        base,
        description=_all_languages(record.description),
        criteria=_all_languages(record.criteria.narrative),
        skills=_distinct(label for skill in skills if (label := skill.label.get())),
        tags=_distinct([*tags, *record.tags]),
        level=level_label(record),
        other_titles="\n".join(text for _lang, text in record.title.entries if text != title),
        concept_labels="\n".join(
            dict.fromkeys(
                [
                    *(text for skill in skills for _lang, text in skill.label.entries),
                    *labels_for(skill.uri for skill in skills),
                ]
            )
        ),
    )


def level_label(record: CredentialRecord) -> str | None:
    """The level facet value: the EQF level, else the national framework level."""
    if record.level.eqf is not None:
        return f"EQF {record.level.eqf}"
    nqf = record.level.nqf
    if nqf is not None and nqf.level:
        return f"{nqf.framework} {nqf.level}"
    return None


def load_documents(session: Session, credential_ids: Collection[int]) -> list[SearchDocument]:
    """The documents of the credentials that still exist among ``credential_ids``."""
    ids = sorted(credential_ids)
    documents: list[SearchDocument] = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        statement = select(Credential).where(Credential.id.in_(chunk))
        documents.extend(_documents(session, statement))
    return documents


def owner_documents(session: Session, user_id: int) -> list[SearchDocument]:
    """The documents of every credential ``user_id`` holds."""
    statement = select(Credential).where(Credential.user_id == user_id).order_by(Credential.id)
    return list(_documents(session, statement))


def all_documents(session: Session) -> Iterator[SearchDocument]:
    """The documents of every stored credential, read in batches."""
    last_id = 0
    while True:
        ids = list(
            session.scalars(
                select(Credential.id)
                .where(Credential.id > last_id)
                .order_by(Credential.id)
                .limit(BATCH)
            )
        )
        if not ids:
            return
        # Paged by id, not by document: a batch of hidden credentials yields none.
        yield from _documents(session, select(Credential).where(Credential.id.in_(ids)))
        last_id = ids[-1]
        session.expunge_all()


def _documents(session: Session, statement: Select[Credential]) -> Iterator[SearchDocument]:
    # A hidden credential has no document: search honours hiding as the list does.
    credentials = session.scalars(statement.where(Credential.hidden.is_(False))).all()
    tags = _tag_names(session, [credential.id for credential in credentials])
    for credential in credentials:
        yield document_for(credential, tags.get(credential.id, ()), _record(credential))


def _tag_names(session: Session, credential_ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    if not credential_ids:
        return names
    rows = session.execute(
        select(CredentialTag.credential_id, Tag.name)
        .join(Tag, Tag.id == CredentialTag.tag_id)
        .where(CredentialTag.credential_id.in_(credential_ids))
        .order_by(Tag.name)
    )
    for credential_id, name in rows:
        names[credential_id].append(name)
    return names


def _record(credential: Credential) -> CredentialRecord | None:
    try:
        return record_from_json(credential.record)
    except CredentialFormatError:
        # Still findable by its title and issuer; re-derivation will repair the record.
        return None


def _all_languages(text: LocalizedText) -> str:
    return "\n".join(dict.fromkeys(value for _lang, value in text.entries))


def _distinct(values: Iterator[str] | Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))
