"""Context pruning, rule by rule: which term definitions a document keeps, and which it loses.

A term is kept when its name occurs in the document (as a key, as a value, as the prefix of
a compact IRI) or in the definition of a kept term; keywords are always kept. Each test
compares the pruned contexts whole.
"""

from __future__ import annotations

from typing import Any

from wallet.verification.context_pruning import prune_contexts

V2 = "https://www.w3.org/ns/credentials/v2"


def test_prune_contexts_keeps_used_terms_and_keywords_and_drops_the_rest() -> None:
    contexts: list[Any] = [
        {
            "@version": 1.1,
            "@protected": True,
            "unused": "https://schema.org/unused",
            "name": "https://schema.org/name",
            "description": "https://schema.org/description",
        }
    ]

    pruned = prune_contexts({"@context": [V2], "name": "Ala"}, contexts)

    assert pruned == [{"@version": 1.1, "@protected": True, "name": "https://schema.org/name"}]


def test_prune_contexts_keeps_terms_used_as_values_and_the_prefixes_they_need() -> None:
    contexts: list[Any] = [
        {
            "other": "https://other.example/",
            "Unused": "other:Unused",
            "type": "@type",
            "Badge": "ex:Badge",
            "ex": "https://ex.example/",
        }
    ]

    pruned = prune_contexts({"type": ["Badge"]}, contexts)

    assert pruned == [{"type": "@type", "Badge": "ex:Badge", "ex": "https://ex.example/"}]


def test_prune_contexts_keeps_the_prefix_of_a_compact_iri_in_the_document() -> None:
    contexts: list[Any] = [{"ex": "https://ex.example/", "thing": "ex:thing", "urn": "x:"}]

    pruned = prune_contexts({"ex:thing": {"@id": "urn:uuid:1"}}, contexts)

    assert pruned == [{"ex": "https://ex.example/", "urn": "x:"}]


def test_prune_contexts_follows_definitions_through_several_rounds() -> None:
    contexts: list[Any] = [
        {
            "z": "https://z.example/",
            "a": {"@id": "p:a", "@type": "T"},
            "p": "https://p.example/",
            "T": {"@id": "q:T"},
            "q": "https://q.example/",
            "b": {"@id": "z:b"},
        }
    ]

    pruned = prune_contexts({"a": 1}, contexts)

    assert pruned == [
        {
            "a": {"@id": "p:a", "@type": "T"},
            "p": "https://p.example/",
            "T": {"@id": "q:T"},
            "q": "https://q.example/",
        }
    ]


def test_prune_contexts_reads_every_key_and_string_nested_in_a_definition() -> None:
    contexts: list[Any] = [
        {
            "a": {"@id": "https://a.example/", "@container": ["@graph", "nested"]},
            "nested": {"@id": "https://nested.example/", "@type": {"deep": "Deep"}},
            "Deep": "https://deep.example/",
            "deep": "https://deep.example/key",
            "Deeper": "https://deeper.example/",
        }
    ]

    pruned = prune_contexts({"a": 1}, contexts)

    assert pruned == [
        {
            "a": {"@id": "https://a.example/", "@container": ["@graph", "nested"]},
            "nested": {"@id": "https://nested.example/", "@type": {"deep": "Deep"}},
            "Deep": "https://deep.example/",
            "deep": "https://deep.example/key",
        }
    ]


def test_prune_contexts_prunes_a_scoped_context_and_follows_only_its_kept_terms() -> None:
    contexts: list[Any] = [
        {
            "type": "@type",
            "Badge": {
                "@id": "ex:Badge",
                "@context": {
                    "@protected": True,
                    "kept": "in:kept",
                    "dropped": "other:dropped",
                    "alsoDropped": {"@id": "far:x"},
                },
            },
            "ex": "https://ex.example/",
            "in": "https://in.example/",
            "other": "https://other.example/",
            "far": "https://far.example/",
        }
    ]

    pruned = prune_contexts({"type": "Badge", "kept": True}, contexts)

    assert pruned == [
        {
            "type": "@type",
            "Badge": {"@id": "ex:Badge", "@context": {"@protected": True, "kept": "in:kept"}},
            "ex": "https://ex.example/",
            "in": "https://in.example/",
        }
    ]


def test_prune_contexts_scoped_context_list_is_pruned_item_by_item() -> None:
    contexts: list[Any] = [
        {
            "Badge": {
                "@id": "https://ex.example/Badge",
                "@context": [V2, {"kept": "https://ex.example/kept", "dropped": "y:z"}],
            },
            "y": "https://y.example/",
        }
    ]

    pruned = prune_contexts({"Badge": {"kept": 1}}, contexts)

    assert pruned == [
        {
            "Badge": {
                "@id": "https://ex.example/Badge",
                "@context": [V2, {"kept": "https://ex.example/kept"}],
            }
        }
    ]


def test_prune_contexts_leaves_context_addresses_and_other_values_as_they_are() -> None:
    contexts: list[Any] = [
        [V2, {"name": "https://schema.org/name", "gone": None}],
        V2,
        None,
        {"name": None, "x": "https://x.example/"},
    ]

    pruned = prune_contexts({"name": "Ala"}, contexts)

    assert pruned == [[V2, {"name": "https://schema.org/name"}], V2, None, {"name": None}]


def test_prune_contexts_of_a_document_without_terms_keeps_only_keywords() -> None:
    contexts: list[Any] = [{"@vocab": "https://vocab.example/", "name": "https://schema.org/"}]

    assert prune_contexts({}, contexts) == [{"@vocab": "https://vocab.example/"}]


def test_prune_contexts_follows_a_chain_of_definitions_for_32_rounds() -> None:
    # t0 is used; the definition of each term names the next one.
    chain = {f"t{n}": {"@id": f"https://ex.example/t{n}", "@type": f"t{n + 1}"} for n in range(34)}

    pruned = prune_contexts({"t0": 1}, [chain])

    assert pruned == [{f"t{n}": chain[f"t{n}"] for n in range(33)}]
