"""The public face of ``wallet/import/``: the only module that loads that package.

``import`` is a Python keyword, so ``from wallet.import import …`` cannot be written; this
module loads the package once with ``importlib`` and re-exports its public functions with
their types. Everything else in Plecak uses ``from wallet import importing``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from wallet.envelope import CredentialFormat, EntryFailure, Envelope
from wallet.jsonvalues import JsonObject
from wallet.records import CredentialRecord

_package = importlib.import_module("wallet.import")

__all__ = [
    "RECORD_VERSION",
    "CredentialFormat",
    "EntryFailure",
    "Envelope",
    "is_legacy_document",
    "iter_any",
    "legacy_version",
    "normalise",
    "parse_edc_xml",
    "read_any",
    "read_archive",
    "read_envelopes",
    "upgrade_legacy_assertion",
    "upgrade_legacy_badge_class",
    "upgrade_legacy_issuer",
]

read_envelopes: Callable[[bytes, str], list[Envelope]] = _package.read_envelopes
read_archive: Callable[[bytes, str], list[Envelope | EntryFailure]] = _package.read_archive
read_any: Callable[[bytes, str], list[Envelope | EntryFailure]] = _package.read_any
iter_any: Callable[[bytes, str], Iterator[Envelope | EntryFailure]] = _package.iter_any


class _UpgradeAssertion(Protocol):
    def __call__(self, document: JsonObject, fetched_from: str | None = None) -> JsonObject: ...


upgrade_legacy_assertion: _UpgradeAssertion = _package.upgrade_legacy_assertion
upgrade_legacy_badge_class: Callable[[JsonObject, str], JsonObject] = (
    _package.upgrade_legacy_badge_class
)
upgrade_legacy_issuer: Callable[[JsonObject, str], JsonObject] = _package.upgrade_legacy_issuer
is_legacy_document: Callable[[JsonObject], bool] = _package.is_legacy_document
legacy_version: Callable[[JsonObject], str | None] = _package.legacy_version
# The safely parsed root element of an EDC XML credential (lxml, no DTD, entities or network).
parse_edc_xml: Callable[[bytes], Any] = _package.parse_edc_xml


class _Normalise(Protocol):
    def __call__(
        self, envelope: Envelope, linked: Mapping[str, JsonObject] = ..., /
    ) -> CredentialRecord: ...


normalise: _Normalise = _package.normalise
RECORD_VERSION: int = _package.RECORD_VERSION
