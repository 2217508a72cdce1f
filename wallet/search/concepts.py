"""The bundled English and Polish labels of skill concepts, so either language finds both."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

LABELS_FILE = Path(__file__).with_name("concept_labels.json")


@cache
def concept_labels() -> dict[str, tuple[str, ...]]:
    """Each known concept URI's labels in every bundled language (read on first use)."""
    data = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    return {
        uri: tuple(dict.fromkeys(str(label) for label in labels.values()))
        for uri, labels in data["concepts"].items()
    }


def labels_for(uris: Iterable[str]) -> tuple[str, ...]:
    """The bundled labels of every known concept among ``uris``, each once."""
    known = concept_labels()
    return tuple(dict.fromkeys(label for uri in uris for label in known.get(uri, ())))
