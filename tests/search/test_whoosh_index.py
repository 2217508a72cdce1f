"""The Whoosh backend's own concerns: an index folder written in an older layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh
from whoosh.fields import ID, Schema

from wallet.search import SearchDocument, SearchQuery
from wallet.search.whoosh_index import INDEX_NAME, WhooshIndex
from wallet.verification.standing import Standing


def test_whoosh_index_in_an_older_layout_is_started_anew(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    folder.mkdir()
    old = whoosh.create_in(str(folder), Schema(key=ID(stored=True)), indexname=INDEX_NAME)
    with old.writer() as writer:
        writer.add_document(key="1")
    old.close()
    index = WhooshIndex(folder)
    try:
        assert index.search(SearchQuery(1)).total == 0
        document = SearchDocument(
            1, 1, "Geografia", "Uczelnia", datetime(2024, 1, 1, tzinfo=UTC), Standing.VERIFIED
        )
        index.rebuild(None, [document])  # type: ignore[arg-type]
        assert [hit.credential_id for hit in index.search(SearchQuery(1, "geografii")).hits] == [1]
    finally:
        index.close()
