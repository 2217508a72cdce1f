"""Why a result matched: the skill, description or other text that holds the query's words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wallet.errors import N_
from wallet.search import SearchDocument, SearchHit
from wallet.search.documents import load_documents
from wallet.search.text import MIN_PREFIX, query_terms, terms

MAX_REASONS = 2
MAX_SNIPPET = 160
# What the holder is told each kind of text is; the route translates it.
FIELD_LABELS = {
    "skill": N_("Skill"),
    "description": N_("Description"),
    "criteria": N_("Criteria"),
    "tag": N_("Tag"),
    "note": N_("Your note"),
    "issuer": N_("Issuer"),
}


@dataclass(frozen=True)
class MatchReason:
    """One text of a credential that holds a word of the query."""

    field: str
    text: str


def _parts(document: SearchDocument) -> Iterable[tuple[str, str]]:
    for label in (*document.skills, *document.concept_labels.splitlines()):
        yield "skill", label
    for field, text in (("description", document.description), ("criteria", document.criteria)):
        for line in text.splitlines():
            yield field, line
    for tag in document.tags:
        yield "tag", tag
    yield "note", document.note
    yield "issuer", document.issuer


def _holds(text: str, wanted: Sequence[str]) -> bool:
    found = terms(text)
    return any(
        term in found or (len(term) >= MIN_PREFIX and any(f.startswith(term) for f in found))
        for term in wanted
    )


def match_reasons(document: SearchDocument, text: str) -> tuple[MatchReason, ...]:
    """Up to two texts besides the title that hold a word of ``text``, shortened."""
    wanted = query_terms(text)
    if not wanted:
        return ()
    reasons: dict[str, MatchReason] = {}
    for field, part in _parts(document):
        part = part.strip()
        if part and part not in reasons and _holds(part, wanted):
            short = part if len(part) <= MAX_SNIPPET else part[: MAX_SNIPPET - 1].rstrip() + "…"
            reasons[part] = MatchReason(field, short)
            if len(reasons) == MAX_REASONS:
                break
    return tuple(reasons.values())


def hit_reasons(
    session: Session, hits: Sequence[SearchHit], text: str
) -> dict[int, tuple[MatchReason, ...]]:
    """The match reasons of each hit on a page, by credential id."""
    if not query_terms(text):
        return {}
    documents = load_documents(session, [hit.credential_id for hit in hits])
    return {document.credential_id: match_reasons(document, text) for document in documents}
