"""Drop the term definitions a document cannot use before JSON-LD parsing (a speed-up).

Processing the large standard contexts costs far more than converting a credential. A term
can only affect the RDF of a document if its name occurs in the document: as a key, as a
value (types and vocabulary-typed values), as the prefix of a compact IRI, or through the
definition of another term that is kept. Everything else is removed; keywords stay.
"""

from __future__ import annotations

from wallet.jsonvalues import JsonObject, JsonValue

MAX_ROUNDS = 32


def prune_contexts(document: JsonObject, contexts: JsonValue) -> JsonValue:
    """``contexts`` (already inlined) keeping only the terms ``document`` may use."""
    used = _with_prefixes(_strings(document, set()))
    for _round in range(MAX_ROUNDS):
        referenced = _with_prefixes(_kept_strings(contexts, used, set())) - used
        if not referenced:
            break
        used |= referenced
    return _prune(contexts, used)


def _strings(value: JsonValue, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, member in value.items():
            found.add(key)
            _strings(member, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)
    elif isinstance(value, str):
        found.add(value)
    return found


def _with_prefixes(strings: set[str]) -> set[str]:
    return strings | {text.split(":", 1)[0] for text in strings if ":" in text}


def _kept(name: str, used: set[str]) -> bool:
    return name.startswith("@") or name in used


def _kept_strings(context: JsonValue, used: set[str], found: set[str]) -> set[str]:
    """Strings inside the definitions that are kept: they may name further terms."""
    if isinstance(context, list):
        for item in context:
            _kept_strings(item, used, found)
    elif isinstance(context, dict):
        for name, definition in context.items():
            if not _kept(name, used):
                continue
            if isinstance(definition, str):
                found.add(definition)
            elif isinstance(definition, dict):
                for key, member in definition.items():
                    if key == "@context":
                        _kept_strings(member, used, found)
                    else:
                        _strings(member, found)
    return found


def _prune(context: JsonValue, used: set[str]) -> JsonValue:
    if isinstance(context, list):
        return [_prune(item, used) for item in context]
    if not isinstance(context, dict):
        return context
    pruned: JsonObject = {}
    for name, definition in context.items():
        if not _kept(name, used):
            continue
        if isinstance(definition, dict) and "@context" in definition:
            definition = {**definition, "@context": _prune(definition["@context"], used)}
        pruned[name] = definition
    return pruned
