"""Plecak pathway documents (JSON): read and validated into a ``Pathway``, and written back.

The published JSON Schema (``schema.json``) settles the shape; the checks here add what a schema
cannot say (unique ids, ``n`` within the number of children, exclusive groups over leaves).
Every error names the field, as a JSON path from the document's top.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import cast

import jsonschema

from wallet.errors import CredentialFormatError, PathwayFormatError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json
from wallet.pathways.model import (
    Conditions,
    CreditRule,
    CreditUnit,
    Group,
    GroupKind,
    Leaf,
    Matcher,
    MatcherKind,
    Node,
    Pathway,
    PathwayLevel,
    Source,
    SourceKind,
    Target,
    TargetKind,
)
from wallet.records import LocalizedText

FORMAT = "plecak-pathway/1"
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 12
MAX_NODES = 5000


@functools.cache
def pathway_schema() -> JsonObject:
    """The published JSON Schema of Plecak pathway documents."""
    text = resources.files("wallet.pathways").joinpath("schema.json").read_text("utf-8")
    return cast(JsonObject, json.loads(text))


def read_pathway_bytes(data: bytes) -> Pathway:
    """A pathway from a document's bytes; raises ``PathwayFormatError`` naming the problem."""
    try:
        document = parse_json(data, max_bytes=MAX_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        raise PathwayFormatError(error.detail) from None
    return read_pathway(document)


def read_pathway(document: JsonValue) -> Pathway:
    """A pathway from a decoded document, validated against the schema and the tree rules."""
    if not isinstance(document, dict):
        raise PathwayFormatError("$: a pathway document is a JSON object")
    _check_schema(document)
    root = cast(JsonObject, document["root"])
    _check_tree(root)
    return Pathway(
        id=_str(document["id"]),
        version=_str(document["version"]),
        title=_text(document["title"]),
        description=_text(document.get("description")),
        target=_target(document.get("target")),
        level=_level(document.get("level")),
        credits=_credits(document.get("credits")),
        source=_source(document.get("source")),
        root=cast(Group, _node(root)),
    )


def _check_schema(document: JsonObject) -> None:
    validator = jsonschema.Draft202012Validator(pathway_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise PathwayFormatError(f"{_path(error.absolute_path)}: {_schema_message(error)}")


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"unknown field ({error.message.split('(')[-1].rstrip(')')})"
    if error.validator == "required":
        return f"missing field: {error.message}"
    return str(error.message)


def _path(parts: Iterable[object]) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _check_tree(root: JsonObject) -> None:
    seen: set[str] = set()
    for count, (node, path, depth) in enumerate(_walk(root, "$.root", 1), start=1):
        if depth > MAX_DEPTH or count > MAX_NODES:
            raise PathwayFormatError(f"{path}: the tree is deeper or larger than allowed")
        node_id = _str(node["id"])
        if node_id in seen:
            raise PathwayFormatError(f"{path}.id: the id {node_id!r} is used twice")
        seen.add(node_id)
        if node["type"] == "leaf":
            _check_leaf(node, path)
        else:
            _check_group(node, path)


def _walk(node: JsonObject, path: str, depth: int) -> Iterator[tuple[JsonObject, str, int]]:
    yield node, path, depth
    for index, child in enumerate(_children(node)):
        yield from _walk(child, f"{path}.children[{index}]", depth + 1)


def _children(node: JsonObject) -> list[JsonObject]:
    return [cast(JsonObject, c) for c in cast(list[JsonValue], node.get("children") or [])]


def _check_group(node: JsonObject, path: str) -> None:
    children = _children(node)
    kind = node["type"]
    if kind == "at_least_n":
        n = node.get("n")
        if not isinstance(n, int) or not 1 <= n <= len(children):
            raise PathwayFormatError(
                f"{path}.n: at_least_n needs n between 1 and the {len(children)} children"
            )
    if kind == "min_credits" and not node.get("min_credits"):
        raise PathwayFormatError(f"{path}.min_credits: min_credits needs a positive total")
    if node.get("exclusive") and any(child["type"] != "leaf" for child in children):
        raise PathwayFormatError(f"{path}.exclusive: an exclusive group may hold only leaves")


def _check_leaf(node: JsonObject, path: str) -> None:
    for index, item in enumerate(cast(list[JsonObject], node["match"])):
        where = f"{path}.match[{index}]"
        kind = item["type"]
        value = item.get("value")
        has_value = isinstance(value, str) and value.strip()
        if kind not in ("manual", "level") and not has_value:
            raise PathwayFormatError(f"{where}.value: a {kind} match needs a value")
        if kind == "competence" and not item.get("framework"):
            raise PathwayFormatError(f"{where}.framework: a competence match names its framework")
        if kind == "level" and item.get("min_level") is None and not str(value).isdigit():
            raise PathwayFormatError(f"{where}.min_level: a level match needs a minimum level")


def _node(data: JsonObject) -> Node:
    label = _text(data["label"])
    description = _text(data.get("description"))
    if data["type"] == "leaf":
        return Leaf(
            id=_str(data["id"]),
            label=label,
            matchers=tuple(
                _matcher(cast(JsonObject, m)) for m in cast(list[JsonValue], data["match"])
            ),
            conditions=_conditions(data.get("require")),
            credits=_number(data.get("credits")),
            description=description,
        )
    return Group(
        id=_str(data["id"]),
        label=label,
        kind=GroupKind(data["type"]),
        children=tuple(_node(child) for child in _children(data)),
        n=cast(int | None, data.get("n")),
        min_credits=_number(data.get("min_credits")),
        exclusive=bool(data.get("exclusive", False)),
        description=description,
    )


def _matcher(data: JsonObject) -> Matcher:
    return Matcher(
        kind=MatcherKind(data["type"]),
        value=_str(data.get("value") or "").strip(),
        framework=cast(str | None, data.get("framework")),
        min_level=cast(int | None, data.get("min_level")),
    )


def _conditions(data: JsonValue) -> Conditions:
    if not isinstance(data, dict):
        return Conditions()
    return Conditions(
        verified_only=bool(data.get("verified_only", True)),
        still_valid=bool(data.get("still_valid", True)),
        min_grade=_number(data.get("min_grade")),
        min_eqf=cast(int | None, data.get("min_eqf")),
    )


def _target(data: JsonValue) -> Target:
    if not isinstance(data, dict):
        return Target(TargetKind.CUSTOM)
    return Target(
        TargetKind(data["kind"]), _text(data.get("label")), cast(str | None, data.get("uri"))
    )


def _level(data: JsonValue) -> PathwayLevel:
    if not isinstance(data, dict):
        return PathwayLevel()
    return PathwayLevel(cast(int | None, data.get("eqf")), cast(int | None, data.get("prk")))


def _credits(data: JsonValue) -> CreditRule:
    if not isinstance(data, dict):
        return CreditRule()
    unit = CreditUnit(data["unit"])
    custom = cast(str | None, data.get("custom_unit"))
    if unit is CreditUnit.CUSTOM and not custom:
        raise PathwayFormatError("$.credits.custom_unit: a custom credit unit needs a name")
    return CreditRule(unit, custom, _number(data.get("hours_per_ects")))


def _source(data: JsonValue) -> Source:
    if not isinstance(data, dict):
        return Source(SourceKind.NATIVE)
    return Source(
        SourceKind(data["kind"]), cast(str | None, data.get("ref")), _text(data.get("note"))
    )


def _text(value: JsonValue) -> LocalizedText:
    if isinstance(value, str):
        return LocalizedText.of({"und": value.strip()})
    if isinstance(value, dict):
        return LocalizedText.of({k: v.strip() for k, v in value.items() if isinstance(v, str)})
    return LocalizedText()


def _str(value: JsonValue) -> str:
    assert isinstance(value, str)
    return value


def _number(value: JsonValue) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def pathway_to_json(pathway: Pathway) -> JsonObject:
    """The pathway as a Plecak document; ``read_pathway`` gives back an equal pathway."""
    document: JsonObject = {
        "format": FORMAT,
        "id": pathway.id,
        "version": pathway.version,
        "title": _text_json(pathway.title),
        "description": _text_json(pathway.description),
        "target": _drop_none(
            {
                "kind": pathway.target.kind.value,
                "label": _text_json(pathway.target.label),
                "uri": pathway.target.uri,
            }
        ),
        "level": {"eqf": pathway.level.eqf, "prk": pathway.level.prk},
        "credits": {
            "unit": pathway.credits.unit.value,
            "custom_unit": pathway.credits.custom_unit,
            "hours_per_ects": pathway.credits.hours_per_ects,
        },
        "source": {
            "kind": pathway.source.kind.value,
            "ref": pathway.source.ref,
            "note": _text_json(pathway.source.note),
        },
        "root": node_to_json(pathway.root),
    }
    return document


def node_to_json(node: Node) -> JsonObject:
    """One node of the tree as JSON."""
    if isinstance(node, Leaf):
        c = node.conditions
        return {
            "id": node.id,
            "type": "leaf",
            "label": _text_json(node.label),
            "description": _text_json(node.description),
            "match": [_matcher_json(m) for m in node.matchers],
            "require": {
                "verified_only": c.verified_only,
                "still_valid": c.still_valid,
                "min_grade": c.min_grade,
                "min_eqf": c.min_eqf,
            },
            "credits": node.credits,
        }
    return {
        "id": node.id,
        "type": node.kind.value,
        "label": _text_json(node.label),
        "description": _text_json(node.description),
        "n": node.n,
        "min_credits": node.min_credits,
        "exclusive": node.exclusive,
        "children": [node_to_json(child) for child in node.children],
    }


def _matcher_json(matcher: Matcher) -> JsonObject:
    return _drop_none(
        {
            "type": matcher.kind.value,
            "value": matcher.value,
            "framework": matcher.framework,
            "min_level": matcher.min_level,
        }
    )


def _text_json(text: LocalizedText) -> JsonObject:
    return {lang: value for lang, value in text.entries}


def _drop_none(data: dict[str, JsonValue]) -> JsonObject:
    return {key: value for key, value in data.items() if value is not None}
