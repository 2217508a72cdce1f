"""Sample credential documents from ``tests/data/samples`` wrapped as import envelopes."""

from __future__ import annotations

import json
from pathlib import Path

from wallet import importing
from wallet.jsonvalues import JsonObject

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

# Sample file → the envelope format a reader gives it.
SAMPLE_FORMATS = {
    "ob2_assertion_edubadges": "OB2_HOSTED",
    "ob3_microcredential_surf": "VC_DATA_INTEGRITY",
    "clr2_two_credentials": "CLR2",
    "elm3_edc_microcredential": "ELM_JSONLD",
    "eudi_learning_credential_claims": "SD_JWT_VC",
}


def load_sample(name: str) -> JsonObject:
    """The parsed JSON of ``tests/data/samples/<name>.json``."""
    loaded = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def envelope(
    format_name: str, payload: JsonObject, container: str | None = None
) -> importing.Envelope:
    """An envelope of ``format_name`` (a ``CredentialFormat`` member name) around ``payload``."""
    return importing.Envelope(
        format=importing.CredentialFormat[format_name],
        source="sample.json",
        raw=b"{}",
        media_type="application/json",
        payload=payload,
        container=container,
    )


def sample_envelope(name: str) -> importing.Envelope:
    """The named sample in the envelope its format gives."""
    return envelope(SAMPLE_FORMATS[name], load_sample(name))
