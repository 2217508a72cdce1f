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
import sys
import threading
from array import array
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
    """An owner's entries indexed for search; its answers never change once built.

    Reading a collection is cheap; what a search needs (a word's postings, a facet value's
    holders) is worked out on first use and kept.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        # Newest first, so a position is also the order of a search without words and
        # the tie-break between equally good matches.
        self._entries = sorted(entries, key=_newest_first, reverse=True)
        self.credential_ids = frozenset(entry.hit.credential_id for entry in self._entries)
        # Each word's entries, positions ascending: what an index holds, at 8 bytes a posting.
        self._positions: dict[str, list[int]] = {}
        for position, entry in enumerate(self._entries):
            for term in dict.fromkeys((*entry.title_terms, *entry.body_terms)):
                self._positions.setdefault(term, []).append(position)
        self._vocabulary = sorted(self._positions)
        self._title_shares = _shares([entry.title_terms for entry in self._entries], TITLE_WEIGHT)
        self._body_shares = _shares([entry.body_terms for entry in self._entries], 1.0)
        self._everything = frozenset(range(len(self._entries)))
        # Worked out on first use; a race between threads only repeats the work.
        self._saturations: dict[str, array[float]] = {}
        self._holders: dict[Facet, dict[str, set[int]]] = {}
        self._all_counts: dict[Facet, dict[str, int]] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: SearchQuery) -> SearchResults:
        """The entries matching ``query``: one page, best first, and the facet counts."""
        matched: frozenset[int] | set[int] = self._everything
        for facet, value in query.filters:
            matched = matched & self._facet_holders(facet).get(value, set())
        weights = [self._word_weights(word) for word in query_terms(query.text)]
        for weight in sorted(weights, key=len):
            matched = matched & weight.keys()
        wanted = query.offset + query.page_size
        if weights:
            scores = {position: sum(w[position] for w in weights) for position in matched}
            best = heapq.nsmallest(wanted, matched, key=lambda p: (-scores[p], p))
        else:
            best = heapq.nsmallest(wanted, matched)
        if matched is self._everything:
            if self._all_counts is None:
                self._all_counts = self._counts(matched)
            counted = self._all_counts
        else:
            counted = self._counts(matched)
        hits = tuple(self._entries[position].hit for position in best[query.offset :])
        return SearchResults(query, len(matched), hits, build_facets(query, counted))

    def _word_weights(self, word: str) -> dict[int, float]:
        """The score each entry gets from one query word (entries without it are absent)."""
        found: dict[int, float] = {}
        for term in self._expansions(word):
            positions = self._positions[term]
            idf = math.log(1 + (len(self) - len(positions) + 0.5) / (len(positions) + 0.5))
            factor = idf * (2 if term == word else 1)
            for position, saturation in zip(positions, self._saturation(term), strict=True):
                found[position] = found.get(position, 0.0) + factor * saturation
        return found

    def _expansions(self, word: str) -> list[str]:
        if len(word) < MIN_PREFIX:
            return [word] if word in self._positions else []
        start = bisect_left(self._vocabulary, word)
        end = bisect_left(self._vocabulary, word + "\U0010ffff", start)
        return self._vocabulary[start:end]

    def _saturation(self, term: str) -> array[float]:
        """The BM25 saturated frequency of ``term`` in each entry holding it (BM25F fields)."""
        saturations = self._saturations.get(term)
        if saturations is None:
            saturations = array("d")
            for position in self._positions[term]:
                entry = self._entries[position]
                frequency = (
                    entry.title_terms.count(term) * self._title_shares[position]
                    + entry.body_terms.count(term) * self._body_shares[position]
                )
                saturations.append(frequency * (K1 + 1) / (frequency + K1))
            self._saturations[term] = saturations
        return saturations

    def _facet_holders(self, facet: Facet) -> dict[str, set[int]]:
        holders = self._holders.get(facet)
        if holders is None:
            holders = {}
            n = FACETS.index(facet)
            for position, entry in enumerate(self._entries):
                for value in entry.facets[n]:
                    holders.setdefault(value, set()).add(position)
            self._holders[facet] = holders
        return holders

    def _counts(self, matched: Iterable[int]) -> dict[Facet, dict[str, int]]:
        chosen = [self._entries[position].facets for position in matched]
        return {
            facet: dict(Counter(chain.from_iterable(facets[n] for facets in chosen)))
            for n, facet in enumerate(FACETS)
        }


class Collections:
    """Holders' collections kept in memory, each with the version it was read at.

    Bounded by how many entries they hold together: the least recently searched holders
    are dropped first (about 1.2 kB an entry). Safe to share between threads.
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


def analysed_words(text: str) -> tuple[str, ...]:
    """Space-separated stems as stored by a backend, each held once in memory (interned)."""
    return tuple(map(sys.intern, text.split()))


def _newest_first(entry: Entry) -> tuple[datetime, int]:
    hit = entry.hit
    return (hit.issued_on or _OLDEST, hit.credential_id)


def _shares(fields: list[tuple[str, ...]], weight: float) -> list[float]:
    """What one occurrence of a word counts for in each entry's field: BM25 length norm."""
    average = sum(map(len, fields)) / (len(fields) or 1) or 1.0
    return [weight / ((1 - B) + B * len(field) / average) for field in fields]
