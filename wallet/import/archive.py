"""ZIP archives (backpack exports) opened under caps: entry count, sizes, ratio and safe paths."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from wallet.envelope import EntryFailure
from wallet.errors import CredentialFormatError

MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 10_000  # a bulk export of a whole institution; the byte caps bound the work
MAX_ENTRY_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Credentials and badge images compress modestly; a huge ratio on a large entry is a bomb.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024
_READ_CHUNK = 64 * 1024
_SKIPPED_PREFIXES = ("__MACOSX/",)


@dataclass(frozen=True)
class ArchiveEntry:
    """One file read from an archive; ``source`` is ``archive.zip!path/in/zip``."""

    source: str
    data: bytes


class _EntryRefused(Exception):
    """An entry breaks a cap; the message says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def archive_entries(data: bytes, source: str) -> Iterator[ArchiveEntry | EntryFailure]:
    """Each file of a ZIP, or the reason it was refused; the archive itself must be sane."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise CredentialFormatError(
            f"the archive is larger than {MAX_ARCHIVE_BYTES} bytes", reason="too_large"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise CredentialFormatError("a damaged ZIP archive", reason="damaged_archive") from None
    with archive:
        infos = [info for info in archive.infolist() if not _skipped(info)]
        if len(infos) > MAX_ENTRIES:
            raise CredentialFormatError(
                f"an archive of {len(infos)} files; at most {MAX_ENTRIES} are read",
                reason="damaged_archive",
            )
        budget = MAX_TOTAL_BYTES
        for info in infos:
            entry_source = f"{source}!{info.filename}"
            try:
                _check_path(info.filename)
                content = _read_entry(archive, info, budget)
            except _EntryRefused as refusal:
                yield EntryFailure(entry_source, refusal.code, refusal.message)
                continue
            budget -= len(content)
            yield ArchiveEntry(entry_source, content)


def _skipped(info: zipfile.ZipInfo) -> bool:
    return info.is_dir() or info.filename.startswith(_SKIPPED_PREFIXES)


def _check_path(name: str) -> None:
    """Entry names are never used as paths here, but a hostile one marks a hostile archive."""
    normalised = name.replace("\\", "/")
    parts = normalised.split("/")
    if (
        normalised.startswith("/")
        or (len(normalised) > 1 and normalised[1] == ":")
        or ".." in parts
        or "\x00" in name
        or posixpath.isabs(normalised)
    ):
        raise _EntryRefused("unsafe_path", f"the entry path {name!r} is absolute or climbs out")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read at most the caps allow, whatever the (forgeable) header claims."""
    if info.flag_bits & 0x1:
        raise _EntryRefused("encrypted", "the entry is encrypted")
    limit = min(MAX_ENTRY_BYTES, budget)
    compressed = max(info.compress_size, 1)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                out += chunk
                if len(out) > limit:
                    raise _too_large(limit == budget)
                if len(out) > RATIO_FLOOR_BYTES and len(out) / compressed > MAX_RATIO:
                    raise _EntryRefused(
                        "compression_ratio",
                        f"the entry expands more than {MAX_RATIO} times (a zip bomb?)",
                    )
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, zlib.error) as error:
        raise _EntryRefused("damaged", f"the entry cannot be read: {error}") from None
    return bytes(out)


def _too_large(total: bool) -> _EntryRefused:
    if total:
        return _EntryRefused(
            "archive_too_large", f"the archive expands beyond {MAX_TOTAL_BYTES} bytes"
        )
    return _EntryRefused("entry_too_large", f"the entry is larger than {MAX_ENTRY_BYTES} bytes")
