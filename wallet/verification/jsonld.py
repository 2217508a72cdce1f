"""JSON-LD contexts: bundled ones from the package, others fetched once and pinned by hash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object

MAX_CONTEXT_BYTES = 512 * 1024
MAX_CONTEXT_DEPTH = 16
_ACCEPT = "application/ld+json, application/json;q=0.9"


class ContextError(WalletError):
    """A JSON-LD context cannot be used: unknown, refused in strict mode, or changed."""

    code = "context"


@dataclass(frozen=True)
class LoadedContext:
    """A context document and whether it came from the package (bundled) or the network."""

    url: str
    document: JsonObject
    bundled: bool


class ContextStore(Protocol):
    """Remembers fetched contexts and the SHA-256 each URL was pinned to on first use."""

    def pinned(self, url: str) -> str | None: ...

    def body(self, url: str) -> bytes | None: ...

    def save(self, url: str, body: bytes) -> None: ...


@dataclass
class MemoryContextStore:
    """A ``ContextStore`` in memory, for tests and one-off verification runs."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    pins: dict[str, str] = field(default_factory=dict)

    def pinned(self, url: str) -> str | None:
        """The pinned SHA-256 hex digest of ``url``, if it was ever fetched."""
        return self.pins.get(url)

    def body(self, url: str) -> bytes | None:
        """The stored document of ``url``, if kept."""
        return self.bodies.get(url)

    def save(self, url: str, body: bytes) -> None:
        """Keep ``body`` for ``url`` and pin its hash (the first pin wins)."""
        self.bodies[url] = body
        self.pins.setdefault(url, _sha256(body))


class FileContextStore:
    """A ``ContextStore`` in a folder: per URL, the document and a pin file with its hash.

    Several worker processes may share the folder: a pin is created exclusively, so the
    first one wins, and documents are replaced atomically.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def pinned(self, url: str) -> str | None:
        """The pinned SHA-256 hex digest of ``url``, if it was ever fetched."""
        path = self._path(url, ".pin")
        return path.read_text().strip() if path.is_file() else None

    def body(self, url: str) -> bytes | None:
        """The stored document of ``url``, if its file is still there."""
        path = self._path(url, ".jsonld")
        return path.read_bytes() if path.is_file() else None

    def save(self, url: str, body: bytes) -> None:
        """Write ``body`` for ``url`` and pin its hash (the first pin wins)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        document = self._path(url, ".jsonld")
        partial = document.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(body)
        os.replace(partial, document)
        try:
            with self._path(url, ".pin").open("x") as pin:
                pin.write(_sha256(body))
        except FileExistsError:
            pass

    def _path(self, url: str, suffix: str) -> Path:
        return self._folder / f"{_sha256(url.encode())}{suffix}"


class ContextLoader:
    """Loads context documents: bundled from the package, others through the fetcher."""

    def __init__(
        self, fetcher: Fetcher, store: ContextStore | None = None, *, strict: bool = False
    ) -> None:
        self._fetcher = fetcher
        self._store = store if store is not None else MemoryContextStore()
        self.strict = strict

    def load(self, url: str) -> LoadedContext:
        """The context at ``url``; ``ContextError`` names the URL when it cannot be used."""
        bundled = bundled_context(url)
        if bundled is not None:
            return LoadedContext(url, bundled, bundled=True)
        if self.strict:
            raise ContextError(f"the context {url} is not bundled and strict mode refuses it")
        body = self._store.body(url)
        if body is None:
            body = self._fetch(url)
        pin = self._store.pinned(url)
        if pin is not None and pin != _sha256(body):
            raise ContextError(f"the context {url} changed since it was first used; refused")
        try:
            document = parse_json_object(
                body, max_bytes=MAX_CONTEXT_BYTES, max_depth=MAX_CONTEXT_DEPTH
            )
        except CredentialFormatError as error:
            raise ContextError(f"the context {url} is not valid JSON: {error.detail}") from None
        self._store.save(url, body)
        return LoadedContext(url, document, bundled=False)

    def _fetch(self, url: str) -> bytes:
        try:
            fetched = self._fetcher.fetch(url, accept=_ACCEPT, max_bytes=MAX_CONTEXT_BYTES)
        except FetchError as error:
            raise ContextError(f"the context {url} cannot be fetched: {error.detail}") from None
        if fetched.status != 200:
            raise ContextError(f"the context {url} answered HTTP {fetched.status}")
        return fetched.body


def bundled_context(url: str) -> JsonObject | None:
    """The packaged copy of a standard context, or ``None`` when it is not bundled.

    Callers must not mutate the returned object: it is shared.
    """
    name = _bundled_index().get(url)
    return None if name is None else _read_bundled(name)


def bundled_urls() -> frozenset[str]:
    """Every context URL Plecak ships a copy of."""
    return frozenset(_bundled_index())


@cache
def _bundled_index() -> dict[str, str]:
    text = resources.files("wallet.contexts").joinpath("index.json").read_bytes()
    return {url: str(name) for url, name in parse_json_object(text).items()}


@cache
def _read_bundled(name: str) -> JsonObject:
    data = resources.files("wallet.contexts").joinpath(name).read_bytes()
    return parse_json_object(data, max_bytes=MAX_CONTEXT_BYTES)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def context_value(document: JsonObject) -> JsonValue:
    """The ``@context`` member of a context document (``ContextError`` if missing)."""
    if "@context" not in document:
        raise ContextError("a context document has no @context member")
    return document["@context"]
