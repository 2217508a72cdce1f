"""A holder's pathways: add, import, build, decide on suggestions, and read readiness.

Readiness is computed from the stored credentials at each read, so it follows imports,
revocations, expiry and deletions without being stored. Nothing here awards anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wallet.errors import N_, ConflictError, NotFoundError, PathwayFormatError, ValidationError
from wallet.holder.credentials import get_credential
from wallet.jsonvalues import JsonObject
from wallet.models import Credential, HolderPathway, MatchDecision, PathwayDecision
from wallet.models.base import utcnow
from wallet.pathways.catalogue import Suggestion, suggest_templates, template
from wallet.pathways.definition import pathway_to_json, read_pathway
from wallet.pathways.evaluate import CreditSummary, Decisions, PathwayProgress, evaluate
from wallet.pathways.foreign import read_any_pathway
from wallet.pathways.matching import Holding
from wallet.pathways.model import Group, Leaf, MatcherKind, Pathway
from wallet.records import LocalizedText, record_from_json, skills_from_json
from wallet.verification.report import report_from_json
from wallet.verification.standing import Standing, standing_of

MAX_PATHWAYS = 100


@dataclass(frozen=True)
class CredentialRef:
    """How a page names a credential that a requirement mentions."""

    id: int
    title: str
    source: str
    standing: Standing


@dataclass(frozen=True)
class PathwayView:
    """One stored pathway with its definition and the holder's readiness toward it."""

    stored: HolderPathway
    pathway: Pathway
    progress: PathwayProgress
    credentials: dict[int, CredentialRef]


@dataclass(frozen=True)
class PathwaySummary:
    """A pathway at a glance, for lists and the CV: title, readiness and counts."""

    id: int
    title: LocalizedText
    readiness: float
    satisfied: bool
    requirements_met: int
    requirements_total: int
    credentials_counted: int
    suggestions: int
    credits: CreditSummary | None
    on_cv: bool


def load_holdings(session: Session, user_id: int) -> list[Holding]:
    """Every credential of the holder as the engine sees it, with its standing."""
    rows = session.scalars(
        select(Credential).where(Credential.user_id == user_id).order_by(Credential.id)
    )
    return [Holding(c.id, record_from_json(c.record), _standing(c), c.source) for c in rows]


def _standing(credential: Credential) -> Standing:
    return standing_of(report_from_json(cast(list[dict[str, object]], credential.report)))


def list_pathways(session: Session, user_id: int) -> list[HolderPathway]:
    """The holder's pathways, oldest first."""
    query = select(HolderPathway).where(HolderPathway.user_id == user_id)
    return list(session.scalars(query.order_by(HolderPathway.id)))


def get_pathway(session: Session, user_id: int, pathway_id: int) -> HolderPathway:
    """The holder's pathway ``pathway_id``; another holder's is not found."""
    stored = session.get(HolderPathway, pathway_id)
    if stored is None or stored.user_id != user_id:
        raise NotFoundError(N_("No such pathway."))
    return stored


def definition_of(stored: HolderPathway) -> Pathway:
    """The validated definition of a stored pathway."""
    return read_pathway(cast(JsonObject, stored.document))


def add_template(session: Session, user_id: int, key: str) -> HolderPathway:
    """Follow a shipped template."""
    return store_pathway(session, user_id, template(key), template_key=key)


def import_pathway(session: Session, user_id: int, data: bytes) -> HolderPathway:
    """Follow a pathway from a Plecak, Badgr or CTDL document; a bad one changes nothing."""
    return store_pathway(session, user_id, read_any_pathway(data))


def store_pathway(
    session: Session, user_id: int, pathway: Pathway, *, template_key: str | None = None
) -> HolderPathway:
    existing = session.scalar(
        select(HolderPathway.id).where(
            HolderPathway.user_id == user_id, HolderPathway.key == pathway.id
        )
    )
    if existing is not None:
        raise ConflictError(N_("You already follow this pathway."))
    if len(list_pathways(session, user_id)) >= MAX_PATHWAYS:
        raise ValidationError(N_("You follow as many pathways as Plecak allows."))
    stored = HolderPathway(
        user_id=user_id,
        key=pathway.id,
        template_key=template_key,
        title=_title(pathway),
        document=pathway_to_json(pathway),
    )
    session.add(stored)
    session.flush()
    return stored


def _title(pathway: Pathway) -> str:
    return (pathway.title.get("pl") or pathway.id)[:500]


def replace_definition(session: Session, stored: HolderPathway, document: JsonObject) -> Pathway:
    """Store an edited document after validating it; an invalid one changes nothing."""
    pathway = read_pathway(document)
    stored.document = pathway_to_json(pathway)
    stored.title = _title(pathway)
    stored.updated_at = utcnow()
    leaves = {leaf.id for leaf in pathway.leaves()}
    session.execute(
        delete(PathwayDecision).where(
            PathwayDecision.pathway_id == stored.id, PathwayDecision.leaf_id.not_in(leaves)
        )
    )
    session.flush()
    return pathway


def delete_pathway(session: Session, user_id: int, pathway_id: int) -> None:
    """Stop following a pathway, with the decisions made on it."""
    stored = get_pathway(session, user_id, pathway_id)
    session.execute(delete(PathwayDecision).where(PathwayDecision.pathway_id == stored.id))
    session.delete(stored)
    session.flush()


def export_pathway(session: Session, user_id: int, pathway_id: int) -> bytes:
    """The pathway as a Plecak JSON document."""
    stored = get_pathway(session, user_id, pathway_id)
    document = pathway_to_json(definition_of(stored))
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def set_on_cv(session: Session, user_id: int, pathway_id: int, shown: bool) -> None:
    """Show the pathway's readiness on the holder's CV, or stop."""
    get_pathway(session, user_id, pathway_id).on_cv = shown
    session.flush()


def decide(
    session: Session,
    user_id: int,
    pathway_id: int,
    leaf_id: str,
    credential_id: int,
    decision: MatchDecision | None,
) -> None:
    """Confirm or reject that a credential satisfies a requirement (``None`` withdraws)."""
    stored = get_pathway(session, user_id, pathway_id)
    get_credential(session, user_id, credential_id)
    leaf = next((x for x in definition_of(stored).leaves() if x.id == leaf_id), None)
    if leaf is None:
        raise NotFoundError(N_("No such requirement."))
    if not _holder_may_match(leaf):
        raise ValidationError(N_("This requirement is matched automatically only."))
    session.execute(
        delete(PathwayDecision).where(
            PathwayDecision.pathway_id == stored.id,
            PathwayDecision.leaf_id == leaf_id,
            PathwayDecision.credential_id == credential_id,
        )
    )
    if decision is not None:
        session.add(
            PathwayDecision(
                pathway_id=stored.id,
                user_id=user_id,
                leaf_id=leaf_id,
                credential_id=credential_id,
                decision=decision,
            )
        )
    session.flush()


def _holder_may_match(leaf: Leaf) -> bool:
    return any(m.kind in (MatcherKind.LO_TEXT, MatcherKind.MANUAL) for m in leaf.matchers)


def decisions_of(session: Session, pathway_id: int) -> Decisions:
    """The holder's answers on one pathway."""
    rows = session.scalars(select(PathwayDecision).where(PathwayDecision.pathway_id == pathway_id))
    confirmed: set[tuple[str, int]] = set()
    rejected: set[tuple[str, int]] = set()
    for row in rows:
        pair = (row.leaf_id, row.credential_id)
        (confirmed if row.decision is MatchDecision.CONFIRMED else rejected).add(pair)
    return Decisions(frozenset(confirmed), frozenset(rejected))


def pathway_view(session: Session, user_id: int, pathway_id: int, at: datetime) -> PathwayView:
    """A pathway with the holder's readiness toward it at ``at``."""
    stored = get_pathway(session, user_id, pathway_id)
    holdings = load_holdings(session, user_id)
    pathway = definition_of(stored)
    progress = evaluate(pathway, holdings, at, decisions_of(session, stored.id))
    return PathwayView(stored, pathway, progress, _refs(session, user_id, holdings))


def _refs(session: Session, user_id: int, holdings: Sequence[Holding]) -> dict[int, CredentialRef]:
    query = select(Credential.id, Credential.title).where(Credential.user_id == user_id)
    titles: dict[int, str] = {row.id: row.title for row in session.execute(query)}
    return {
        h.credential_id: CredentialRef(
            h.credential_id, titles.get(h.credential_id, ""), h.source, h.standing
        )
        for h in holdings
    }


def pathway_summaries(
    session: Session, user_id: int, at: datetime, *, on_cv_only: bool = False
) -> list[PathwaySummary]:
    """The holder's pathways at a glance (for the pathway list, the CV and share pages)."""
    holdings = load_holdings(session, user_id)
    found = []
    for stored in list_pathways(session, user_id):
        if on_cv_only and not stored.on_cv:
            continue
        try:
            pathway = definition_of(stored)
        except PathwayFormatError:
            continue
        progress = evaluate(pathway, holdings, at, decisions_of(session, stored.id))
        found.append(_summary(stored, progress))
    return found


def _summary(stored: HolderPathway, progress: PathwayProgress) -> PathwaySummary:
    leaves = progress.leaves()
    return PathwaySummary(
        id=stored.id,
        title=progress.pathway.title,
        readiness=progress.root.progress,
        satisfied=progress.satisfied,
        requirements_met=sum(1 for leaf in leaves if leaf.satisfied),
        requirements_total=len(leaves),
        credentials_counted=len(progress.counted()),
        suggestions=sum(len(leaf.suggestions) for leaf in leaves),
        credits=progress.credits,
        on_cv=stored.on_cv,
    )


def template_suggestions(session: Session, user_id: int, at: datetime) -> tuple[Suggestion, ...]:
    """Shipped templates the portfolio already covers in part, not yet followed."""
    followed = frozenset(p.template_key for p in list_pathways(session, user_id) if p.template_key)
    return suggest_templates(load_holdings(session, user_id), at, exclude=followed)


def credential_choices(session: Session, user_id: int) -> list[tuple[int, str]]:
    """The holder's credentials as (id, title) for a picker, by title."""
    query = (
        select(Credential.id, Credential.title)
        .where(Credential.user_id == user_id)
        .order_by(Credential.title, Credential.id)
    )
    rows = session.execute(query)
    return [(row.id, row.title) for row in rows]


def skill_choices(session: Session, user_id: int, language: str) -> list[tuple[str, str]]:
    """The skills the holder's credentials are aligned to, as (URI, label) for a picker."""
    rows = session.scalars(select(Credential.record).where(Credential.user_id == user_id))
    found: dict[str, str] = {}
    for stored in rows:
        for skill in skills_from_json(stored):
            found.setdefault(skill.uri, skill.label.get(language) or skill.uri)
    return sorted(found.items(), key=lambda item: item[1].casefold())


def group_choices(pathway: Pathway, language: str) -> list[tuple[str, str]]:
    """The pathway's groups as (id, label), parents first, for "add to group"."""
    return [
        (node.id, node.label.get(language) or node.id)
        for node in pathway.nodes()
        if isinstance(node, Group)
    ]
