"""ZIP archives: every entry read once, bad entries reported beside the good ones."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from tests.support.ob2_issuer import OB2_CONTEXT, bake_png, bake_svg
from wallet import importing
from wallet.errors import CredentialFormatError

Format = importing.CredentialFormat
ASSERTION: dict[str, Any] = {
    "@context": OB2_CONTEXT,
    "type": "Assertion",
    "id": "https://issuer.example/assertions/1",
    "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
    "badge": "https://issuer.example/badges/1",
    "issuedOn": "2024-05-01T10:00:00Z",
    "verification": {"type": "HostedBadge"},
}


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _failures(results: list[Any]) -> dict[str, str]:
    return {r.source: r.error_code for r in results if isinstance(r, importing.EntryFailure)}


def _envelopes(results: list[Any]) -> list[Any]:
    return [r for r in results if not isinstance(r, importing.EntryFailure)]


def test_read_archive_mixed_entries_are_all_read_with_sources() -> None:
    archive = _zip(
        {
            "badges/one.json": json.dumps(ASSERTION).encode(),
            "badges/two.png": bake_png(json.dumps(ASSERTION)),
            "three.svg": bake_svg(json.dumps(ASSERTION)),
        }
    )
    results = importing.read_archive(archive, "export.zip")
    assert _failures(results) == {}
    assert sorted(e.source for e in _envelopes(results)) == [
        "export.zip!badges/one.json",
        "export.zip!badges/two.png",
        "export.zip!three.svg",
    ]
    media = {e.source: e.media_type for e in _envelopes(results)}
    assert media["export.zip!badges/two.png"] == "image/png"


def test_read_archive_bad_entry_does_not_stop_the_others() -> None:
    archive = _zip({"good.json": json.dumps(ASSERTION).encode(), "notes.txt": b"hello"})
    results = importing.read_archive(archive, "export.zip")
    assert _failures(results) == {"export.zip!notes.txt": "credential_format"}
    assert [e.source for e in _envelopes(results)] == ["export.zip!good.json"]


def test_read_archive_path_traversal_entry_is_refused() -> None:
    archive = _zip(
        {"../evil.json": json.dumps(ASSERTION).encode(), "ok.json": json.dumps(ASSERTION).encode()}
    )
    results = importing.read_archive(archive, "export.zip")
    assert _failures(results) == {"export.zip!../evil.json": "unsafe_path"}
    assert len(_envelopes(results)) == 1


def test_read_archive_absolute_path_entry_is_refused() -> None:
    archive = _zip({"/etc/badge.json": json.dumps(ASSERTION).encode()})
    results = importing.read_archive(archive, "export.zip")
    assert list(_failures(results).values()) == ["unsafe_path"]


def test_read_archive_too_many_entries_is_refused() -> None:
    archive = _zip({f"{n}.json": b"{}" for n in range(10_001)})
    with pytest.raises(CredentialFormatError):
        importing.read_archive(archive, "export.zip")


def test_read_archive_high_compression_ratio_entry_is_refused() -> None:
    archive = _zip(
        {"bomb.json": b" " * (5 * 1024 * 1024), "ok.json": json.dumps(ASSERTION).encode()}
    )
    results = importing.read_archive(archive, "export.zip")
    assert _failures(results) == {"export.zip!bomb.json": "compression_ratio"}
    assert len(_envelopes(results)) == 1


def test_read_archive_nested_zip_is_read_one_level_deep() -> None:
    inner = _zip({"inner.json": json.dumps(ASSERTION).encode()})
    innermost = _zip({"deep.zip": _zip({"deepest.json": json.dumps(ASSERTION).encode()})})
    archive = _zip({"inner.zip": inner, "twice.zip": innermost})
    results = importing.read_archive(archive, "export.zip")
    assert [e.source for e in _envelopes(results)] == ["export.zip!inner.zip!inner.json"]
    assert _failures(results) == {"export.zip!twice.zip!deep.zip": "credential_format"}


def test_read_archive_damaged_zip_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_archive(b"PK\x03\x04" + b"\x00" * 40, "broken.zip")


def test_read_archive_non_zip_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_archive(json.dumps(ASSERTION).encode(), "badge.json")
