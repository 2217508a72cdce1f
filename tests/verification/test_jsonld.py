"""The context loader: bundled contexts offline, others fetched once, pinned and reported."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pyld import jsonld

from tests.support.di_issuer import achievement_credential
from tests.support.httpserver import LocalServer
from wallet.fetching import Fetched, SafeFetcher
from wallet.jsonvalues import JsonObject
from wallet.verification.canonical import offline_loader, to_rdf
from wallet.verification.jsonld import (
    ContextError,
    ContextLoader,
    FileContextStore,
    MemoryContextStore,
    bundled_context,
    bundled_urls,
)

REMOTE_CONTEXT = {"@context": {"@vocab": "https://vocab.example/terms#"}}


class NoNetwork:
    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        raise AssertionError(f"unexpected fetch of {url}")


def test_bundled_contexts_all_load_without_network() -> None:
    loader = ContextLoader(NoNetwork(), strict=True)
    for url in bundled_urls():
        loaded = loader.load(url)
        assert loaded.bundled and "@context" in loaded.document
    assert "https://www.w3.org/ns/credentials/v2" in bundled_urls()


def test_unbundled_context_fetched_once_and_pinned(http_server: LocalServer) -> None:
    url = http_server.serve("/ctx.jsonld", json.dumps(REMOTE_CONTEXT))
    store = MemoryContextStore()
    loader = ContextLoader(SafeFetcher(allow_loopback=True), store)
    first = loader.load(url)
    second = loader.load(url)
    assert not first.bundled and first.document == second.document
    assert http_server.requests == ["/ctx.jsonld"]
    body = json.dumps(REMOTE_CONTEXT).encode()
    assert store.pinned(url) == hashlib.sha256(body).hexdigest()


def test_unbundled_context_changed_after_pin_refused(
    http_server: LocalServer, tmp_path: Path
) -> None:
    url = http_server.serve("/ctx.jsonld", json.dumps(REMOTE_CONTEXT))
    fetcher = SafeFetcher(allow_loopback=True)
    ContextLoader(fetcher, FileContextStore(tmp_path)).load(url)
    for cached in tmp_path.glob("*.jsonld"):
        cached.unlink()  # the cached copy is gone; its pin file stays
    http_server.serve("/ctx.jsonld", json.dumps({"@context": {"@vocab": "https://evil.example/"}}))
    with pytest.raises(ContextError) as caught:
        ContextLoader(fetcher, FileContextStore(tmp_path)).load(url)
    assert url in caught.value.message


def test_file_store_reuses_pinned_copy_without_fetching(
    http_server: LocalServer, tmp_path: Path
) -> None:
    url = http_server.serve("/ctx.jsonld", json.dumps(REMOTE_CONTEXT))
    ContextLoader(SafeFetcher(allow_loopback=True), FileContextStore(tmp_path)).load(url)
    assert ContextLoader(NoNetwork(), FileContextStore(tmp_path)).load(url).document == (
        REMOTE_CONTEXT
    )


def test_strict_loader_refuses_unbundled_context_naming_url() -> None:
    with pytest.raises(ContextError) as caught:
        ContextLoader(NoNetwork(), strict=True).load("https://vocab.example/ctx")
    assert "https://vocab.example/ctx" in caught.value.message


def test_unbundled_context_error_status_refused(http_server: LocalServer) -> None:
    url = http_server.serve("/missing.jsonld", b"", status=404)
    with pytest.raises(ContextError):
        ContextLoader(SafeFetcher(allow_loopback=True)).load(url)


def test_to_rdf_reports_remote_contexts(http_server: LocalServer) -> None:
    url = http_server.serve("/ctx.jsonld", json.dumps(REMOTE_CONTEXT))
    document: JsonObject = {"@context": url, "@id": "urn:x", "name": "x"}
    rdf = to_rdf(document, ContextLoader(SafeFetcher(allow_loopback=True)))
    assert rdf.remote_contexts == (url,)
    assert rdf.lines == ('<urn:x> <https://vocab.example/terms#name> "x" .',)


def _pyld_nquads(document: JsonObject) -> str:
    def load(url: str, options: object = None) -> dict[str, object]:
        return {"contextUrl": None, "documentUrl": url, "document": bundled_context(url)}

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load}
    result: str = jsonld.normalize(document, options)
    return result


@pytest.mark.parametrize(
    "name",
    ["Data Literacy", {"@value": "محو الأمية", "@language": "ar", "@direction": "rtl"}],
    ids=["plain", "direction"],
)
def test_to_rdf_matches_pyld(name: object) -> None:
    credential = achievement_credential("did:example:issuer", name=name)  # type: ignore[arg-type]
    assert to_rdf(credential, offline_loader()).nquads() == _pyld_nquads(credential)


SAMPLE = Path(__file__).parent.parent / "data" / "vc-corpus-sample"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE.glob("*-valid-000.json")))
def test_context_pruning_keeps_rdf_identical(name: str) -> None:
    credential = json.loads((SAMPLE / name).read_text())
    credential.pop("proof")
    pruned = to_rdf(credential, offline_loader())
    assert pruned.nquads() == to_rdf(credential, offline_loader(), prune=False).nquads()


def test_context_pruning_keeps_prefix_and_type_scoped_terms() -> None:
    credential = achievement_credential("did:example:issuer")
    credential["credentialSubject"]["achievement"]["achievementType"] = "Course"  # type: ignore[index]
    pruned = to_rdf(credential, offline_loader())
    assert pruned.nquads() == to_rdf(credential, offline_loader(), prune=False).nquads()


def test_file_store_second_save_keeps_the_first_pin(tmp_path: Path) -> None:
    url = "https://issuer.example/ctx.jsonld"
    first, second = b'{"@context": {}}', b'{"@context": {"x": "y"}}'
    FileContextStore(tmp_path).save(url, first)
    FileContextStore(tmp_path).save(url, second)  # as another worker would
    assert FileContextStore(tmp_path).pinned(url) == hashlib.sha256(first).hexdigest()
    assert list(tmp_path.glob("*.part")) == []
