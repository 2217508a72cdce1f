"""Building and editing a pathway in the browser: groups, requirements and thresholds.

Every edit changes a copy of the stored document and is validated whole before it is kept, so
a pathway built here obeys the same rules as an imported one.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from sqlalchemy.orm import Session

from wallet.errors import N_, NotFoundError, ValidationError
from wallet.holder.credentials import get_credential
from wallet.holder.pathways import get_pathway, replace_definition, store_pathway
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.models import HolderPathway
from wallet.pathways.definition import FORMAT, read_pathway
from wallet.pathways.model import GroupKind, MatcherKind, Pathway
from wallet.records import record_from_json

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class RequirementSpec:
    """A leaf as the builder form describes it."""

    label_pl: str
    label_en: str
    kind: MatcherKind
    value: str = ""
    framework: str | None = None
    min_level: int | None = None
    credits: float | None = None
    credential_id: int | None = None


@dataclass(frozen=True)
class GroupSpec:
    """A group as the builder form describes it."""

    label_pl: str
    label_en: str
    kind: GroupKind
    n: int | None = None
    min_credits: float | None = None


def create_own_pathway(
    session: Session,
    user_id: int,
    title_pl: str,
    title_en: str,
    root: GroupSpec,
    first: RequirementSpec,
    *,
    prk_level: int | None = None,
) -> HolderPathway:
    """A new pathway of the holder's own, with its top group and a first requirement."""
    key = f"own-{_SLUG.sub('-', (title_en or title_pl).casefold()).strip('-')[:60] or 'pathway'}"
    document: JsonObject = {
        "format": FORMAT,
        "id": key,
        "version": "1",
        "title": _text(title_pl, title_en),
        "target": {"kind": "qualification", "label": _text(title_pl, title_en)},
        "level": {"eqf": prk_level, "prk": prk_level},
        "source": {"kind": "holder"},
        "root": _group_json("root", root, [_leaf_json(session, user_id, "r1", first)]),
    }
    return store_pathway(session, user_id, _validated(document))


def add_requirement(
    session: Session,
    user_id: int,
    pathway_id: int,
    parent_id: str,
    requirement: RequirementSpec,
    group: GroupSpec | None = None,
) -> HolderPathway:
    """Add a requirement under ``parent_id``, inside a new group when ``group`` is given."""
    stored = get_pathway(session, user_id, pathway_id)
    document = copy.deepcopy(cast(JsonObject, stored.document))
    parent = _find(document, parent_id)
    if parent is None or parent.get("type") == "leaf":
        raise NotFoundError(N_("No such group."))
    used = {str(node["id"]) for node in _nodes(cast(JsonObject, document["root"]))}
    leaf = _leaf_json(session, user_id, _fresh(used), requirement)
    node = leaf if group is None else _group_json(_fresh(used | {str(leaf["id"])}), group, [leaf])
    _children(parent).append(node)
    replace_definition(session, stored, _valid_document(document))
    return stored


def remove_node(session: Session, user_id: int, pathway_id: int, node_id: str) -> HolderPathway:
    """Remove a requirement or group (not the top group, nor a group's last requirement)."""
    stored = get_pathway(session, user_id, pathway_id)
    document = copy.deepcopy(cast(JsonObject, stored.document))
    for node in _nodes(cast(JsonObject, document["root"])):
        children = _children(node) if node.get("type") != "leaf" else []
        kept = [c for c in children if isinstance(c, dict) and c.get("id") != node_id]
        if len(kept) == len(children):
            continue
        if not kept:
            raise ValidationError(N_("A group needs at least one requirement; remove the group."))
        node["children"] = cast(list[JsonValue], kept)
        if isinstance(node.get("n"), int):
            node["n"] = min(cast(int, node["n"]), len(kept))
        replace_definition(session, stored, _valid_document(document))
        return stored
    raise NotFoundError(N_("No such requirement."))


def set_threshold(
    session: Session, user_id: int, pathway_id: int, node_id: str, value: float
) -> HolderPathway:
    """Set how many requirements (``at_least_n``) or credits (``min_credits``) a group needs."""
    stored = get_pathway(session, user_id, pathway_id)
    document = copy.deepcopy(cast(JsonObject, stored.document))
    node = _find(document, node_id)
    if node is None or node.get("type") not in ("at_least_n", "min_credits"):
        raise NotFoundError(N_("No such group."))
    if node["type"] == "at_least_n":
        if value != int(value) or not 1 <= value <= len(_children(node)):
            raise ValidationError(N_("Choose a number from 1 to the number of requirements."))
        node["n"] = int(value)
    else:
        if value <= 0:
            raise ValidationError(N_("The credit total must be more than zero."))
        node["min_credits"] = value
    replace_definition(session, stored, _valid_document(document))
    return stored


def _valid_document(document: JsonObject) -> JsonObject:
    _validated(document)
    return document


def _validated(document: JsonObject) -> Pathway:
    """The document's pathway; ``PathwayFormatError`` names what an edit would break."""
    return read_pathway(document)


def _leaf_json(session: Session, user_id: int, node_id: str, spec: RequirementSpec) -> JsonObject:
    matcher: JsonObject = {"type": spec.kind.value}
    value = spec.value.strip()
    if spec.credential_id is not None and not value:
        value = _credential_key(session, user_id, spec.credential_id, spec.kind)
    if value:
        matcher["value"] = value
    if spec.framework:
        matcher["framework"] = spec.framework
    if spec.min_level is not None:
        matcher["min_level"] = spec.min_level
    leaf: JsonObject = {
        "id": node_id,
        "type": "leaf",
        "label": _text(spec.label_pl, spec.label_en) or {"und": value or spec.kind.value},
        "match": [matcher],
    }
    if spec.credits is not None:
        leaf["credits"] = spec.credits
    return leaf


def _credential_key(session: Session, user_id: int, credential_id: int, kind: MatcherKind) -> str:
    """What identifies the chosen credential for ``kind``: its achievement id or its issuer."""
    record = record_from_json(get_credential(session, user_id, credential_id).record)
    keys = record.match_keys
    found = {
        MatcherKind.ACHIEVEMENT_ID: keys.achievement_ids,
        MatcherKind.ISSUER: keys.issuer_ids,
        MatcherKind.ALIGNMENT_URI: keys.alignment_uris,
    }.get(kind, ())
    if not found:
        raise ValidationError(N_("The chosen credential has no identifier of that kind."))
    return found[0]


def _group_json(node_id: str, spec: GroupSpec, children: list[JsonValue]) -> JsonObject:
    group: JsonObject = {
        "id": node_id,
        "type": spec.kind.value,
        "label": _text(spec.label_pl, spec.label_en) or {"und": spec.kind.value},
        "children": children,
    }
    if spec.kind is GroupKind.AT_LEAST_N:
        group["n"] = spec.n or 1
    if spec.kind is GroupKind.MIN_CREDITS:
        group["min_credits"] = spec.min_credits or 1.0
    return group


def _text(pl: str, en: str) -> JsonObject:
    return {lang: text.strip() for lang, text in (("pl", pl), ("en", en)) if text.strip()}


def _fresh(used: set[str]) -> str:
    number = len(used) + 1
    while f"r{number}" in used:
        number += 1
    return f"r{number}"


def _children(node: JsonObject) -> list[JsonValue]:
    children = node.setdefault("children", [])
    assert isinstance(children, list)
    return children


def _nodes(node: JsonObject) -> Iterator[JsonObject]:
    yield node
    for child in cast(list[JsonValue], node.get("children") or []):
        if isinstance(child, dict):
            yield from _nodes(child)


def _find(document: JsonObject, node_id: str) -> JsonObject | None:
    root = document.get("root")
    if not isinstance(root, dict):
        return None
    return next((n for n in _nodes(root) if n.get("id") == node_id), None)
