"""JSON Schema checks of Open Badges 3.0 API answers (the schemas are in tests/data/ob3_api)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "ob3_api"


@cache
def _validator(name: str) -> Draft201909Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=FormatChecker())


def assert_valid(name: str, document: Any) -> None:
    """Fail with every schema error if ``document`` does not match the schema ``name``."""
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(document)
    ]
    assert not errors, errors
