"""Hostile input: every field of every sample replaced by values of the wrong type."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

from tests.support.samples import SAMPLE_FORMATS, envelope, load_sample
from wallet import importing
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import CredentialRecord, record_from_json, record_to_json

WRONG_VALUES: list[JsonValue] = [None, True, -1e308, "  ", [None, 3, "x"], {"id": [], "en": 7}]
# Only these members say which format a document is; breaking them may be refused.
FORMAT_KEYS = {"type", "@type", "@context", "vct"}

Path = tuple[str | int, ...]


def _paths(value: JsonValue, prefix: Path = ()) -> Iterator[Path]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _replaced(document: JsonObject, path: Path, value: JsonValue) -> JsonObject:
    changed = copy.deepcopy(document)
    holder: JsonValue = changed
    for step in path[:-1]:
        holder = holder[step]  # type: ignore[index,call-overload]
    holder[path[-1]] = copy.deepcopy(value)  # type: ignore[index,call-overload]
    return changed


@pytest.mark.parametrize("name", sorted(SAMPLE_FORMATS))
def test_normalise_wrong_types_in_every_field_give_a_record(name: str) -> None:
    document = load_sample(name)
    checked = 0
    for path in _paths(document):
        for wrong in WRONG_VALUES:
            hostile = _replaced(document, path, wrong)
            try:
                record = importing.normalise(envelope(SAMPLE_FORMATS[name], hostile))
            except CredentialFormatError:
                assert path[0] in FORMAT_KEYS or path == ("credentialSubject",), path
                continue
            assert isinstance(record, CredentialRecord)
            stored = json.loads(json.dumps(record_to_json(record)))
            assert record_from_json(stored) == record, path
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("name", sorted(SAMPLE_FORMATS))
@pytest.mark.parametrize("wrong", [None, 5, "text", [], ["x"], True])
def test_normalise_whole_sections_of_wrong_type_give_a_record(name: str, wrong: JsonValue) -> None:
    document = load_sample(name)
    for key in list(document):
        if key not in FORMAT_KEYS and key != "credentialSubject":
            document[key] = wrong

    record = importing.normalise(envelope(SAMPLE_FORMATS[name], document))

    assert record_from_json(record_to_json(record)) == record
