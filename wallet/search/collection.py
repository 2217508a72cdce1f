"""One holder's indexed credentials held in memory: word matching, ranking and facet counts.

A holder's collection is small next to the whole index (hundreds of credentials, a few
thousand at most), so once read it is searched on its own with set operations: no walk over
other holders' postings, prefixes expand over this holder's words only, and facet counts
are a tally over the matches. Matches are ranked by BM25 with the title weighing three times
the rest; a word found whole counts twice, above a longer word it only begins.
"""

from __future__ import annotations

import heapq
import math
import threading
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain

from wallet.search import Facet, SearchHit, SearchQuery, SearchResults, build_facets
from wallet.search.text import MIN_PREFIX, query_terms

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
FACETS = tuple(Facet)
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One indexed credential: what a hit shows, its analysed words and its facet values."""

    hit: SearchHit
    title_terms: tuple[str, ...]
    body_terms: tuple[str, ...]
    # One tuple of values per facet, in ``Facet`` order.
    facets: tuple[tuple[str, ...], ...]


class Collection:
    """An owner's entries indexed for search; never changed once built."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        # Newest first, so a position is also the order of a search without words and
        # the tie-break between equally good matches.
        ordered = sorted(entries, key=_newest_first, reverse=True)
        self._hits = [entry.hit for entry in ordered]
        self.credential_ids = frozenset(hit.credential_id for hit in self._hits)
        self._values = [[entry.facets[n] for entry in ordered] for n in range(len(FACETS))]
        self._holders: list[dict[str, set[int]]] = [{} for _ in FACETS]
        for n, column in enumerate(self._values):
            for position, values in enumerate(column):
                for value in values:
                    self._holders[n].setdefault(value, set()).add(position)
        self._postings = _postings(ordered)
        self._vocabulary = sorted(self._postings)
        self._everything = frozenset(range(len(ordered)))
        self._all_counts = self._counts(self._everything)

    def __len__(self) -> int:
        return len(self._hits)

    def search(self, query: SearchQuery) -> SearchResults:
        """The entries matching ``query``: one page, best first, and the facet counts."""
        matched: frozenset[int] | set[int] = self._everything
        for facet, value in query.filters:
            matched = matched & self._holders[FACETS.index(facet)].get(value, set())
        weights = [self._word_weights(word) for word in query_terms(query.text)]
        for weight in sorted(weights, key=len):
            matched = matched & weight.keys()
        wanted = query.offset + query.page_size
        if weights:
            scores = {position: sum(w[position] for w in weights) for position in matched}
            best = heapq.nsmallest(wanted, matched, key=lambda p: (-scores[p], p))
        else:
            best = heapq.nsmallest(wanted, matched)
        counted = self._all_counts if matched is self._everything else self._counts(matched)
        hits = tuple(self._hits[position] for position in best[query.offset :])
        return SearchResults(query, len(matched), hits, build_facets(query, counted))

    def _word_weights(self, word: str) -> dict[int, float]:
        """The score each entry gets from one query word (entries without it are absent)."""
        found: dict[int, float] = {}
        for term in self._expansions(word):
            postings = self._postings[term]
            idf = math.log(1 + (len(self) - len(postings) + 0.5) / (len(postings) + 0.5))
            factor = idf * (2 if term == word else 1)
            for position, saturation in postings.items():
                found[position] = found.get(position, 0.0) + factor * saturation
        return found

    def _expansions(self, word: str) -> list[str]:
        if len(word) < MIN_PREFIX:
            return [word] if word in self._postings else []
        start = bisect_left(self._vocabulary, word)
        end = bisect_left(self._vocabulary, word + "\U0010ffff", start)
        return self._vocabulary[start:end]

    def _counts(self, matched: Iterable[int]) -> dict[Facet, dict[str, int]]:
        chosen = list(matched)
        return {
            facet: dict(Counter(chain.from_iterable(map(self._values[n].__getitem__, chosen))))
            for n, facet in enumerate(FACETS)
        }


class Collections:
    """Holders' collections kept in memory, each with the version it was read at.

    Bounded by how many entries they hold together: the least recently searched holders
    are dropped first (a few hundred bytes an entry). Safe to share between threads.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._kept: OrderedDict[int, tuple[object, Collection]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owner: int, version: object = None) -> Collection | None:
        """The owner's collection if it was read at ``version``."""
        with self._lock:
            kept = self._kept.get(owner)
            if kept is None or kept[0] != version:
                return None
            self._kept.move_to_end(owner)
            return kept[1]

    def put(self, owner: int, collection: Collection, version: object = None) -> None:
        """Keep ``collection`` as the owner's, read at ``version``."""
        with self._lock:
            self._kept[owner] = (version, collection)
            self._kept.move_to_end(owner)
            held = sum(len(kept) for _version, kept in self._kept.values())
            while held > self.max_entries and len(self._kept) > 1:
                _owner, (_version, dropped) = self._kept.popitem(last=False)
                held -= len(dropped)

    def forget(self, owners: Iterable[int]) -> None:
        """Drop the collections of ``owners``."""
        with self._lock:
            for owner in owners:
                self._kept.pop(owner, None)

    def holding(self, credential_ids: Iterable[int]) -> set[int]:
        """The owners whose kept collections hold any of ``credential_ids``."""
        wanted = set(credential_ids)
        with self._lock:
            return {
                owner
                for owner, (_version, collection) in self._kept.items()
                if not wanted.isdisjoint(collection.credential_ids)
            }

    def clear(self) -> None:
        """Drop every collection."""
        with self._lock:
            self._kept.clear()


def _newest_first(entry: Entry) -> tuple[datetime, int]:
    hit = entry.hit
    return (hit.issued_on or _OLDEST, hit.credential_id)


def _postings(entries: list[Entry]) -> dict[str, dict[int, float]]:
    """For each word, the BM25 saturated frequency of each entry holding it (BM25F fields)."""
    count = len(entries) or 1
    title_average = sum(len(entry.title_terms) for entry in entries) / count or 1.0
    body_average = sum(len(entry.body_terms) for entry in entries) / count or 1.0
    postings: dict[str, dict[int, float]] = {}
    for position, entry in enumerate(entries):
        title_share = TITLE_WEIGHT / ((1 - B) + B * len(entry.title_terms) / title_average)
        body_share = 1 / ((1 - B) + B * len(entry.body_terms) / body_average)
        frequencies = dict.fromkeys(entry.title_terms, 0.0)
        for term in entry.title_terms:
            frequencies[term] += title_share
        for term in entry.body_terms:
            frequencies[term] = frequencies.get(term, 0.0) + body_share
        for term, frequency in frequencies.items():
            postings.setdefault(term, {})[position] = frequency * (K1 + 1) / (frequency + K1)
    return postings
