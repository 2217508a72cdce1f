"""The Whoosh backend's own concerns: an index folder in an older layout, segment merging."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh
from whoosh.fields import ID, Schema

from wallet.search import IndexChanges, SearchDocument, SearchQuery
from wallet.search.whoosh_index import INDEX_NAME, MAX_UNMERGED_SEGMENTS, WhooshIndex
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


def document(credential_id: int, title: str = "Geografia") -> SearchDocument:
    issued = datetime(2024, 1, 1, tzinfo=UTC)
    return SearchDocument(credential_id, 1, title, "Uczelnia", issued, Standing.VERIFIED)


def segments(folder: Path) -> int:
    opened = whoosh.open_dir(str(folder), indexname=INDEX_NAME)
    try:
        with opened.reader() as reader:
            return len(reader.leaf_readers())
    finally:
        opened.close()


def test_additions_leave_merging_to_a_later_commit_up_to_the_bound(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    index = WhooshIndex(folder)
    try:
        counts = []
        for credential_id in range(1, MAX_UNMERGED_SEGMENTS + 6):
            index.apply(None, IndexChanges(added=(document(credential_id),)))  # type: ignore[arg-type]
            counts.append(segments(folder))
        assert counts[:MAX_UNMERGED_SEGMENTS] == list(range(1, MAX_UNMERGED_SEGMENTS + 1))
        assert max(counts) == MAX_UNMERGED_SEGMENTS
        index.apply(None, IndexChanges(documents=(document(1, "Historia"),)))  # type: ignore[arg-type]
        assert segments(folder) < counts[-1]
        found = index.search(SearchQuery(1, "geografii"))
        assert found.total == MAX_UNMERGED_SEGMENTS + 4
        assert [hit.credential_id for hit in index.search(SearchQuery(1, "historii")).hits] == [1]
    finally:
        index.close()
