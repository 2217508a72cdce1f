"""JSON-LD to canonical N-Quads (RDFC-1.0), with bundled contexts inlined before parsing."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph
from pyld import jsonld

from wallet.errors import CredentialFormatError
from wallet.fetching import Fetched
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context_pruning import prune_contexts
from wallet.verification.jsonld import (
    ContextError,
    ContextLoader,
    bundled_context,
    context_value,
)

MAX_INLINE_DEPTH = 8


class Escaping(enum.Enum):
    """How literals are escaped in N-Quads lines."""

    # RDFC-1.0 / canonical N-Triples: \t \b \n \f \r \" \\ and \uXXXX for other controls.
    RDFC = "rdfc"
    # Older JavaScript canonicalisers escaped only \" \\ \n \r and left controls raw.
    LEGACY = "legacy"


class Ordering(enum.Enum):
    """How the canonical lines are sorted."""

    CODE_POINT = "code_point"
    # JavaScript's default sort compares UTF-16 code units, which differs for astral characters.
    UTF16 = "utf16"


@dataclass(frozen=True)
class RdfDocument:
    """A JSON-LD document converted to an RDF dataset with canonical blank-node labels."""

    lines: tuple[str, ...]
    remote_contexts: tuple[str, ...]

    def nquads(
        self, escaping: Escaping = Escaping.RDFC, ordering: Ordering = Ordering.CODE_POINT
    ) -> str:
        """The canonical N-Quads text under the given escaping and ordering."""
        lines = self.lines if escaping is Escaping.RDFC else [_legacy(line) for line in self.lines]
        if ordering is Ordering.UTF16:
            ordered = sorted(lines, key=lambda line: line.encode("utf-16-be"))
        else:
            ordered = sorted(lines)
        return "".join(line + "\n" for line in ordered)

    def variants(self) -> list[tuple[Escaping, Ordering]]:
        """The compatibility variants that would give a different text from the canonical one."""
        text = "".join(self.lines)
        astral = any(ord(char) > 0xFFFF for char in text)
        controls = _RDFC_ONLY_ESCAPE.search(text) is not None
        found: list[tuple[Escaping, Ordering]] = []
        if astral:
            found.append((Escaping.RDFC, Ordering.UTF16))
        if controls:
            found.append((Escaping.LEGACY, Ordering.CODE_POINT))
        if astral and controls:
            found.append((Escaping.LEGACY, Ordering.UTF16))
        return found


def to_rdf(
    document: JsonObject, loader: ContextLoader, *, prune: bool = True, sha384: bool = False
) -> RdfDocument:
    """Convert ``document`` to RDF with canonical blank-node labels (RDFC-1.0).

    ``prune`` drops context terms the document cannot use first; the RDF is the same.
    ``sha384`` runs RDFC-1.0 with SHA-384 as its hash, as ecdsa-rdfc-2019 does for P-384 keys.
    """
    remote: list[str] = []
    inlined = _inline(document, loader, remote, 0)
    if prune and isinstance(inlined, dict) and "@context" in inlined:
        _prune_every_context(document, inlined)
    text = json.dumps(inlined, ensure_ascii=False)
    try:
        if '"@direction"' in text or _has_several_scoped_types(inlined):
            dataset = _dataset_via_pyld(inlined)
        else:
            dataset = pyoxigraph.Dataset(
                pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.JSON_LD)
            )
        algorithm = pyoxigraph.CanonicalizationAlgorithm
        dataset.canonicalize(algorithm.RDFC_1_0_SHA_384 if sha384 else algorithm.RDFC_1_0)
    except (SyntaxError, ValueError, jsonld.JsonLdError) as error:
        raise CredentialFormatError(f"the JSON-LD cannot be converted to RDF: {error}") from None
    lines = tuple(line for line in str(dataset).split("\n") if line)
    return RdfDocument(lines, tuple(dict.fromkeys(remote)))


def _prune_every_context(document: JsonObject, inlined: JsonObject) -> None:
    """Prune the outer context and every embedded one with one shared set of used terms.

    An embedded credential repeats its own contexts; pruned alike, a protected term keeps an
    identical definition where it is declared again, as JSON-LD requires.
    """
    holders = _context_holders(inlined, [])
    pruned = prune_contexts(document, [holder["@context"] for holder in holders])
    assert isinstance(pruned, list)
    for holder, context in zip(holders, pruned, strict=True):
        holder["@context"] = context


def _context_holders(value: JsonValue, found: list[JsonObject]) -> list[JsonObject]:
    """The objects of a document body that carry an ``@context``, in document order."""
    if isinstance(value, list):
        for item in value:
            _context_holders(item, found)
    elif isinstance(value, dict):
        if "@context" in value:
            found.append(value)
        for key, member in value.items():
            if key != "@context":
                _context_holders(member, found)
    return found


def _has_several_scoped_types(inlined: JsonValue) -> bool:
    """Whether a node has two or more types that carry type-scoped contexts.

    pyoxigraph applies only the first such context, losing the terms the others define, so
    these documents go through pyld, which applies every one in lexicographic order.
    """
    scoped = _scoped_terms([holder["@context"] for holder in _context_holders(inlined, [])], set())
    return bool(scoped) and _several_scoped(inlined, scoped)


def _scoped_terms(context: JsonValue, found: set[str]) -> set[str]:
    """Names of the term definitions, at any depth, that carry their own ``@context``."""
    if isinstance(context, list):
        for item in context:
            _scoped_terms(item, found)
    elif isinstance(context, dict):
        for name, definition in context.items():
            if isinstance(definition, dict) and "@context" in definition:
                found.add(name)
                _scoped_terms(definition["@context"], found)
    return found


def _several_scoped(value: JsonValue, scoped: set[str]) -> bool:
    if isinstance(value, list):
        return any(_several_scoped(item, scoped) for item in value)
    if not isinstance(value, dict):
        return False
    for key, member in value.items():
        if key == "@context":
            continue
        if key in ("type", "@type") and isinstance(member, list):
            if sum(1 for kind in member if isinstance(kind, str) and kind in scoped) > 1:
                return True
        elif _several_scoped(member, scoped):
            return True
    return False


def _dataset_via_pyld(inlined: JsonValue) -> pyoxigraph.Dataset:
    """JSON-LD 1.1 to RDF without rdfDirection: a base direction is dropped, as specified."""
    nquads = jsonld.to_rdf(
        inlined, {"format": "application/n-quads", "documentLoader": _no_remote_documents}
    )
    return pyoxigraph.Dataset(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS))


def _no_remote_documents(url: str, options: object = None) -> object:
    raise ContextError(f"the context {url} was not inlined")


def _inline(value: JsonValue, loader: ContextLoader, remote: list[str], depth: int) -> JsonValue:
    """Copy ``value`` with every context URL replaced by that context's content."""
    if isinstance(value, list):
        return [_inline(item, loader, remote, depth) for item in value]
    if not isinstance(value, dict):
        return value
    copied: JsonObject = {}
    for key, member in value.items():
        if key == "@context":
            copied[key] = _inline_context(member, loader, remote, depth)
        else:
            copied[key] = _inline(member, loader, remote, depth)
    return copied


def _inline_context(
    value: JsonValue, loader: ContextLoader, remote: list[str], depth: int
) -> JsonValue:
    if depth > MAX_INLINE_DEPTH:
        raise ContextError("contexts are nested too deeply")
    if isinstance(value, list):
        return [_inline_context(item, loader, remote, depth) for item in value]
    if isinstance(value, str):
        cached = _inlined_bundled(value)
        if cached is not None:
            return cached
        loaded = loader.load(value)
        if not loaded.bundled:
            remote.append(value)
        return _inline_context(context_value(loaded.document), loader, remote, depth + 1)
    return _inline(value, loader, remote, depth + 1)


@lru_cache(maxsize=64)
def _inlined_bundled(url: str) -> JsonValue:
    """Bundled contexts never change, so their inlined form is computed once per process."""
    document = bundled_context(url)
    if document is None:
        return None
    return _inline_context(context_value(document), offline_loader(), [], 1)


def offline_loader() -> ContextLoader:
    """A loader that serves bundled contexts only and never reaches the network."""
    return ContextLoader(_OfflineFetcher(), strict=True)


class _OfflineFetcher:
    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise ContextError(f"bundled contexts may only refer to bundled contexts, not {url}")


_RDFC_ONLY_ESCAPE = re.compile(r"\\(u00[01][0-9A-F]|u007F|[tbf])")
_UNESCAPE = re.compile(r"\\(\\|u00[01][0-9A-F]|u007F|[tbf\"nr])")
_RAW = {"t": "\t", "b": "\b", "f": "\f"}


def _legacy(line: str) -> str:
    """Undo the escapes an older canonicaliser would not have written."""
    return _UNESCAPE.sub(_legacy_escape, line)


def _legacy_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in ("\\", '"', "n", "r"):
        return match.group(0)
    if code in _RAW:
        return _RAW[code]
    return chr(int(code[1:], 16))
