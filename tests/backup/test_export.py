"""The plain export: original files byte for byte, a JSON of the rest, and no secret at all."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.backup.portfolio import AT, whole_wallet
from wallet.backup.export import export_archive
from wallet.models import Credential, HolderKey, ShareLink, User
from wallet.share.keys import holder_key

SECRET = "the-first-instance-secret-key-0123456789abcdef"


def test_export_holds_every_original_file_byte_for_byte_and_the_rest_as_json(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ola@example.org")
    whole_wallet(db_session, user, SECRET)
    archive = zipfile.ZipFile(io.BytesIO(export_archive(db_session, user, AT)))
    document = json.loads(archive.read("plecak-export.json"))
    stored = db_session.scalars(select(Credential).where(Credential.user_id == user.id)).all()
    files = {c["sha256"]: c["file"] for c in document["credentials"]}
    assert set(files) == {c.content_hash for c in stored}
    for credential in stored:
        assert archive.read(files[credential.content_hash]) == credential.raw
    assert document["account"]["email"] == "ola@example.org"
    assert {i["value"] for i in document["identifiers"]} == {
        "ola.praca@example.org",
        "did:web:ola.example.org",
    }
    assert {t["name"] for t in document["tags"]} == {"dane", "sieci"}
    assert [c["name"] for c in document["collections"]] == ["Na rozmowę"]
    assert document["pathways"][0]["decisions"][0]["decision"] == "confirmed"
    assert document["cv"]["address"] == "ola-nowak"
    [link] = document["share_links"]
    assert link["label"] == "Rekruterka" and link["passcode"] is True
    assert [v["device"] for v in link["views"]] == ["phone"]
    assert document["holder_did"].startswith("did:key:z6Mk")
    notes = {c["note"] for c in document["credentials"]}
    assert "Zdane z wyróżnieniem" in notes


def test_export_carries_no_private_key_or_secret_hash(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ola@example.org")
    whole_wallet(db_session, user, SECRET)
    data = export_archive(db_session, user, AT)
    archive = zipfile.ZipFile(io.BytesIO(data))
    text = b"".join(archive.read(name) for name in archive.namelist())
    key = db_session.scalar(select(HolderKey).where(HolderKey.user_id == user.id))
    link = db_session.scalar(select(ShareLink).where(ShareLink.user_id == user.id))
    assert key is not None and link is not None and link.passcode_hash is not None
    _, private_key = holder_key(db_session, user.id, SECRET)
    secrets = [
        private_key.private_bytes_raw(),
        private_key.private_bytes_raw().hex().encode(),
        base64.b64encode(private_key.private_bytes_raw()),
        key.encrypted_private_key,
        link.passcode_hash.encode(),
        link.token_hash.encode(),
        user.password_hash.encode(),
        user.session_id.encode(),
    ]
    for secret in secrets:
        assert secret not in text
    document = json.loads(archive.read("plecak-export.json"))
    words = json.dumps(document).lower()
    for field in ("private", "password", "passcode_hash", "token_hash", "sealed", "secret"):
        assert field not in words
