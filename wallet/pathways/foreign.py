"""Pathways published elsewhere: Badgr pathway trees and Credential Engine CTDL pathways.

Each reader turns the foreign document into a Plecak pathway document and validates that, so a
foreign pathway obeys the same rules as a native one. Errors name the foreign field.

Badgr: elements with ``completionRequirements`` (``junctionConfig`` Conjunction → all_of,
Disjunction with ``requiredNumber`` → at_least_n) over child ``elements`` or ``badges``.
CTDL: ``ceterms:Pathway`` → its destination component; a component's
``ceterms:ComponentCondition`` (``requiredNumber`` of ``targetComponent``) → at_least_n, a
credit constraint → min_credits; a component without conditions or children is a leaf that a
credential matches through an alignment whose ``targetUrl`` is its ``ceterms:sourceData``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wallet.errors import CredentialFormatError, PathwayFormatError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json
from wallet.pathways.definition import FORMAT, MAX_DOCUMENT_BYTES, read_pathway
from wallet.pathways.model import Pathway

_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_COMPONENTS = 2000


def read_any_pathway(data: bytes) -> Pathway:
    """A pathway from Plecak, Badgr or CTDL JSON, the kind detected from the content."""
    try:
        document = parse_json(data, max_bytes=MAX_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        raise PathwayFormatError(error.detail) from None
    if not isinstance(document, dict):
        raise PathwayFormatError("$: a pathway document is a JSON object")
    if document.get("format") == FORMAT:
        return read_pathway(document)
    if _is_ctdl(document):
        return read_ctdl(document)
    if any(key in document for key in ("rootElement", "elements", "completionRequirements")):
        return read_badgr(document)
    raise PathwayFormatError(
        "$: not a Plecak pathway (format), a CTDL pathway (ceterms:Pathway) or a Badgr pathway"
    )


def _is_ctdl(document: JsonObject) -> bool:
    items = document.get("@graph")
    nodes = items if isinstance(items, list) else [document]
    return any(isinstance(n, dict) and "ceterms:Pathway" in _types(n) for n in nodes)


def _types(node: JsonObject) -> list[str]:
    value = node.get("@type")
    return [value] if isinstance(value, str) else [v for v in _list(value) if isinstance(v, str)]


def _list(value: JsonValue) -> list[JsonValue]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: JsonValue, where: str) -> JsonObject:
    """A language map from a CTDL/Badgr text (a string or a language map)."""
    if isinstance(value, str) and value.strip():
        return {"und": value.strip()}
    if isinstance(value, dict):
        found: JsonObject = {}
        for lang, text in value.items():
            key = lang.split("-")[0].lower()
            if isinstance(text, str) and text.strip() and re.fullmatch(r"[a-z]{2,3}", key):
                found[key] = text.strip()
        if found:
            return found
    raise PathwayFormatError(f"{where}: a name is required")


def _optional_text(value: JsonValue) -> JsonObject:
    try:
        return _text(value, "")
    except PathwayFormatError:
        return {}


class _Ids:
    """Short, unique node ids made from foreign identifiers."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, foreign: str) -> str:
        base = _SLUG.sub("-", foreign.rstrip("/").rsplit("/", 1)[-1])[:60].strip("-") or "node"
        candidate, number = base, 1
        while candidate in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate)
        return candidate


# --- Badgr -------------------------------------------------------------------------------


def read_badgr(document: JsonObject) -> Pathway:
    """A Badgr-style pathway tree (elements with completion requirements)."""
    elements: dict[str, JsonObject] = {}
    for index, item in enumerate(_list(document.get("elements"))):
        if not isinstance(item, dict):
            raise PathwayFormatError(f"$.elements[{index}]: an element is an object")
        elements[_badgr_id(item, f"$.elements[{index}]")] = item
    root_value = document.get("rootElement", document)
    if isinstance(root_value, str):
        if root_value not in elements:
            raise PathwayFormatError(f"$.rootElement: no element {root_value!r} in elements")
        root_value = elements[root_value]
    if not isinstance(root_value, dict):
        raise PathwayFormatError("$.rootElement: the root element is an object or an element id")
    ids = _Ids()
    root = _badgr_node(root_value, elements, ids, "$.rootElement", set())
    if root["type"] == "leaf":
        root = {
            "id": ids.make("pathway"),
            "type": "all_of",
            "label": root["label"],
            "children": [root],
        }
    name = document.get("name", root_value.get("name"))
    return read_pathway(
        {
            "format": FORMAT,
            "id": str(document.get("slug") or document.get("@id") or "badgr-pathway")[:200],
            "version": "1",
            "title": _text(name, "$.name"),
            "description": _optional_text(document.get("description")),
            "target": {"kind": "credential", "uri": _uri(document.get("completionBadge"))},
            "source": {"kind": "badgr", "ref": _uri(document.get("@id"))},
            "root": root,
        }
    )


def _badgr_id(element: JsonObject, where: str) -> str:
    for key in ("@id", "id", "slug"):
        value = element.get(key)
        if isinstance(value, str) and value:
            return value
    raise PathwayFormatError(f"{where}: an element needs an @id or slug")


def _badgr_node(
    element: JsonObject, elements: dict[str, JsonObject], ids: _Ids, where: str, path: set[str]
) -> JsonObject:
    key = next(
        (element[k] for k in ("@id", "id", "slug") if isinstance(element.get(k), str)), where
    )
    assert isinstance(key, str)
    if key in path:
        raise PathwayFormatError(f"{where}: the element {key!r} contains itself")
    label = _text(element.get("name"), f"{where}.name")
    node_id = ids.make(key)
    spec = element.get("completionRequirements", element.get("requirements"))
    children: list[JsonValue] = []
    if isinstance(spec, dict):
        children.extend(_badgr_badges(spec, ids))
        for index, child in enumerate(_list(spec.get("elements"))):
            resolved = elements.get(child) if isinstance(child, str) else child
            if not isinstance(resolved, dict):
                raise PathwayFormatError(
                    f"{where}.completionRequirements.elements[{index}]: unknown element {child!r}"
                )
            children.append(_badgr_node(resolved, elements, ids, f"{where}>{index}", {*path, key}))
    elif spec is not None:
        raise PathwayFormatError(f"{where}.completionRequirements: an object is expected")
    completion = _uri(element.get("completionBadge"))
    if not children:
        if completion is None:
            raise PathwayFormatError(f"{where}: an element needs requirements or a completionBadge")
        return {"id": node_id, "type": "leaf", "label": label, "match": [_achievement(completion)]}
    group = _junction(spec if isinstance(spec, dict) else {}, len(children), where)
    node: JsonObject = {"id": node_id, "label": label, "children": children, **group}
    if completion is not None:
        # Holding the element's own completion badge satisfies it whatever its parts.
        own: JsonObject = {
            "id": ids.make(f"{key}-badge"),
            "type": "leaf",
            "label": label,
            "match": [_achievement(completion)],
        }
        return {
            "id": ids.make(f"{key}-or"),
            "type": "at_least_n",
            "n": 1,
            "label": label,
            "children": [own, node],
        }
    return node


def _badgr_badges(spec: JsonObject, ids: _Ids) -> Iterable[JsonObject]:
    for badge in _list(spec.get("badges")):
        uri = _uri(badge)
        if uri is not None:
            yield {
                "id": ids.make(uri),
                "type": "leaf",
                "label": {"und": uri.rsplit("/", 1)[-1]},
                "match": [_achievement(uri)],
            }


def _junction(spec: JsonObject, count: int, where: str) -> JsonObject:
    config = spec.get("junctionConfig")
    kind = config.get("@type") if isinstance(config, dict) else "Conjunction"
    if kind == "Conjunction":
        return {"type": "all_of"}
    if kind != "Disjunction":
        raise PathwayFormatError(
            f"{where}.junctionConfig.@type: Conjunction or Disjunction expected"
        )
    assert isinstance(config, dict)
    number = config.get("requiredNumber", 1)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= count:
        raise PathwayFormatError(
            f"{where}.junctionConfig.requiredNumber: a number from 1 to {count} is expected"
        )
    return {"type": "at_least_n", "n": number}


def _achievement(uri: str) -> JsonObject:
    return {"type": "achievement_id", "value": uri}


def _uri(value: JsonValue) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id", value.get("id"))
    return value.strip()[:2000] if isinstance(value, str) and value.strip() else None


# --- CTDL --------------------------------------------------------------------------------


def read_ctdl(document: JsonObject) -> Pathway:
    """A Credential Engine CTDL pathway (``@graph`` with a ``ceterms:Pathway``)."""
    graph = [n for n in _list(document.get("@graph", [document])) if isinstance(n, dict)]
    if len(graph) > MAX_COMPONENTS:
        raise PathwayFormatError("$.@graph: too many components")
    pathway = next((n for n in graph if "ceterms:Pathway" in _types(n)), None)
    if pathway is None:
        raise PathwayFormatError("$.@graph: no ceterms:Pathway in the document")
    nodes = {str(n["@id"]): n for n in graph if isinstance(n.get("@id"), str)}
    start = _list(pathway.get("ceterms:hasDestinationComponent")) or _list(
        pathway.get("ceterms:hasChild")
    )
    if not start:
        raise PathwayFormatError("ceterms:hasDestinationComponent: the pathway names no component")
    ids = _Ids()
    reader = _CtdlReader(nodes, ids)
    roots: list[JsonValue] = [
        reader.component(_uri(item) or "", "ceterms:hasDestinationComponent", set())
        for item in start
    ]
    root = roots[0]
    assert isinstance(root, dict)
    if root["type"] == "leaf" or len(roots) > 1:
        root = {
            "id": ids.make("pathway"),
            "type": "all_of",
            "label": root["label"],
            "children": roots,
        }
    return read_pathway(
        {
            "format": FORMAT,
            "id": str(pathway.get("ceterms:ctid") or pathway.get("@id") or "ctdl-pathway")[:200],
            "version": str(pathway.get("ceterms:dateModified") or "1")[:40],
            "title": _text(pathway.get("ceterms:name"), "ceterms:Pathway.ceterms:name"),
            "description": _optional_text(pathway.get("ceterms:description")),
            "target": {"kind": "credential", "uri": _uri(pathway.get("@id"))},
            "source": {"kind": "ctdl", "ref": _uri(pathway.get("@id"))},
            "root": root,
        }
    )


class _CtdlReader:
    def __init__(self, nodes: dict[str, JsonObject], ids: _Ids) -> None:
        self.nodes = nodes
        self.ids = ids

    def component(self, ref: str, where: str, path: set[str]) -> JsonObject:
        node = self.nodes.get(ref)
        if node is None:
            raise PathwayFormatError(f"{where}: no component {ref!r} in @graph")
        if ref in path:
            raise PathwayFormatError(f"{where}: the component {ref!r} contains itself")
        where = f"component {ref}"
        label = _text(node.get("ceterms:name"), f"{where}: ceterms:name")
        inner = {*path, ref}
        conditions: list[JsonValue] = [
            self.condition(c, f"{where}: ceterms:hasCondition[{i}]", inner, label)
            for i, c in enumerate(_list(node.get("ceterms:hasCondition")))
        ]
        if not conditions:
            children: list[JsonValue] = [
                self.component(_uri(c) or "", f"{where}: ceterms:hasChild", inner)
                for c in _list(node.get("ceterms:hasChild"))
            ]
            if children:
                conditions = [
                    {
                        "id": self.ids.make(ref),
                        "type": "all_of",
                        "label": label,
                        "children": children,
                    }
                ]
        if not conditions:
            return self.leaf(ref, node, label, where)
        if len(conditions) == 1 and isinstance(conditions[0], dict):
            return conditions[0]
        return {"id": self.ids.make(ref), "type": "all_of", "label": label, "children": conditions}

    def leaf(self, ref: str, node: JsonObject, label: JsonObject, where: str) -> JsonObject:
        source = _uri(node.get("ceterms:sourceData"))
        if source is None:
            raise PathwayFormatError(f"{where}: ceterms:sourceData is needed to match a credential")
        leaf: JsonObject = {
            "id": self.ids.make(ref),
            "type": "leaf",
            "label": label,
            "description": _optional_text(node.get("ceterms:description")),
            "match": [{"type": "alignment_uri", "value": source}, _achievement(source)],
        }
        credits = _credit_value(node.get("ceterms:creditValue"))
        if credits is not None:
            leaf["credits"] = credits
        return leaf

    def condition(
        self, value: JsonValue, where: str, path: set[str], label: JsonObject
    ) -> JsonObject:
        if not isinstance(value, dict):
            raise PathwayFormatError(f"{where}: a ceterms:ComponentCondition object is expected")
        targets: list[JsonValue] = [
            self.component(_uri(t) or "", f"{where}.ceterms:targetComponent", path)
            for t in _list(value.get("ceterms:targetComponent"))
        ]
        targets.extend(
            self.condition(c, f"{where}.ceterms:hasCondition", path, label)
            for c in _list(value.get("ceterms:hasCondition"))
        )
        if not targets:
            raise PathwayFormatError(f"{where}.ceterms:targetComponent: no components to fulfil")
        name = _optional_text(value.get("ceterms:name")) or label
        node: JsonObject = {"id": self.ids.make("condition"), "label": name, "children": targets}
        credits = _credit_constraint(value.get("ceterms:hasConstraint"), where)
        if credits is not None:
            return {**node, "type": "min_credits", "min_credits": credits}
        number = value.get("ceterms:requiredNumber", len(targets))
        if (
            not isinstance(number, int)
            or isinstance(number, bool)
            or not 1 <= number <= len(targets)
        ):
            raise PathwayFormatError(
                f"{where}.ceterms:requiredNumber: a number from 1 to {len(targets)} is expected"
            )
        kind = "all_of" if number == len(targets) else "at_least_n"
        return {**node, "type": kind, **({"n": number} if kind == "at_least_n" else {})}


def _credit_value(value: JsonValue) -> float | None:
    for item in _list(value):
        if isinstance(item, dict):
            for key in ("qdata:value", "schema:value", "ceterms:value"):
                number = _number(item.get(key))
                if number is not None:
                    return number
    return None


def _credit_constraint(value: JsonValue, where: str) -> float | None:
    for index, item in enumerate(_list(value)):
        if not isinstance(item, dict):
            continue
        left = " ".join(str(v) for v in _list(item.get("ceterms:leftSource")))
        comparator = _uri(item.get("ceterms:comparator")) or str(item.get("ceterms:comparator", ""))
        if "creditValue" not in left:
            continue
        if "gteq" not in comparator and "greaterThanEqual" not in comparator:
            raise PathwayFormatError(
                f"{where}.ceterms:hasConstraint[{index}].ceterms:comparator: only gteq is supported"
            )
        for right in _list(item.get("ceterms:rightSource")):
            number = _number(right)
            if number is not None and number > 0:
                return number
        raise PathwayFormatError(
            f"{where}.ceterms:hasConstraint[{index}].ceterms:rightSource: a positive number"
        )
    return None


def _number(value: JsonValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None
