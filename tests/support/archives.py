"""Test uploads: signed badges with distinct titles, and ZIP archives (backpack exports) of them."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping

from tests.support.di_issuer import TestIssuer, achievement_credential
from wallet.jsonvalues import JsonObject

# An entry no reader accepts, for one failed item with a stable reason.
BAD_ENTRY = b"\xff\xd8\xff\xe0 a JPEG photo, not a badge"


def signed_badge(title: str = "Data Literacy") -> bytes:
    """A Data Integrity (eddsa-rdfc-2022) badge by a fresh did:key issuer, as JSON bytes."""
    issuer = TestIssuer.generate()
    achievement: JsonObject = {
        "id": "https://issuer.example/a",
        "type": ["Achievement"],
        "name": title,
    }
    subject: JsonObject = {"id": "did:example:learner", "type": ["AchievementSubject"]}
    credential = achievement_credential(
        issuer.did, name=title, credentialSubject={**subject, "achievement": achievement}
    )
    return json.dumps(issuer.sign(credential, "eddsa-rdfc-2022")).encode()


def zip_archive(entries: Mapping[str, bytes]) -> bytes:
    """A ZIP with ``entries`` (path → bytes), deflated, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def backpack_export(valid: int, *, bad: Mapping[str, bytes] | None = None) -> bytes:
    """A ZIP of ``valid`` signed badges (``badge-1.json``…) followed by the ``bad`` entries."""
    entries = {f"badge-{n}.json": signed_badge(f"Badge {n}") for n in range(1, valid + 1)}
    entries.update(bad or {})
    return zip_archive(entries)
