"""A backup is the holder's own word: a crafted payload proves nothing and breaks nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.backup.portfolio import AT, restore_context, whole_wallet
from tests.backup.state import account_state
from wallet.backup import files
from wallet.backup.collect import collect_backup
from wallet.backup.container import BackupFileError, KdfParameters, seal_backup
from wallet.backup.payload import payload_to_json
from wallet.models import Credential, HolderIdentifier, ShareLink, User
from wallet.share import links
from wallet.verification.report import Verdict

SECRET = "the-first-instance-secret-key-0123456789abcdef"
PASSPHRASE = "zielony plecak na zimę"
OTHER_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
FAST = KdfParameters(memory_kib=8 * 1024, iterations=1, lanes=1)


def crafted(session: Session, user: User, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The user's real backup payload, edited by ``change``, sealed as Plecak would seal it."""
    document: dict[str, Any] = dict(payload_to_json(collect_backup(session, user, SECRET, AT)))
    change(document)
    return seal_backup(json.dumps(document).encode(), PASSPHRASE, FAST)


def restore(session: Session, user: User, data: bytes) -> files.RestoreSummary:
    summary = files.restore_file(
        session, user, data, PASSPHRASE, secret=SECRET, make_context=restore_context
    )
    session.commit()
    return summary


@pytest.fixture
def source(db_session: Session, make_user: Callable[..., User]) -> User:
    user = make_user(email="ola@example.org")
    whole_wallet(db_session, user, SECRET)
    return user


def test_crafted_confirmed_identifier_comes_back_unconfirmed(
    db_session: Session, source: User, make_user: Callable[..., User]
) -> None:
    def claim(document: dict[str, Any]) -> None:
        document["identifiers"].append(
            {"kind": "email", "value": "someone.else@example.org", "confirmed_at": AT.isoformat()}
        )

    target = make_user(email="mallory@example.org")
    restore(db_session, target, crafted(db_session, source, claim))
    rows = db_session.scalars(
        select(HolderIdentifier).where(HolderIdentifier.user_id == target.id)
    ).all()
    assert "someone.else@example.org" in {row.value for row in rows}
    assert all(row.confirmed_at is None for row in rows)


def test_crafted_passcode_hash_costing_more_than_plecaks_restores_the_link_revoked(
    db_session: Session, source: User, make_user: Callable[..., User]
) -> None:
    # 4 GiB and 50 passes: checking a passcode against it would stall the server.
    forged = "$argon2id$v=19$m=4194304,t=50,p=1$c29tZXNhbHRzYWx0$" + "A" * 43

    def hostile(document: dict[str, Any]) -> None:
        document["share_links"][0]["passcode_hash"] = forged

    target = make_user(email="ola.nowa@example.org")
    restore(db_session, target, crafted(db_session, source, hostile))
    link = db_session.scalar(select(ShareLink).where(ShareLink.user_id == target.id))
    assert link is not None and link.passcode_hash is None
    assert link.revoked_at is not None and not links.is_live(link, AT)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(format="plecak-backup/9"), "format"),
        (lambda d: d["credentials"][0].update(raw="not base64!"), "raw"),
        (lambda d: d["credentials"][0].update(digest="abc"), "digest"),
        (lambda d: d["tags"][0].update(name=["a"]), "name"),
        (lambda d: d["share_links"][0].update(created_at="yesterday"), "created_at"),
        (
            lambda d: d["holder_key"].update(
                did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
            ),
            "holder key",
        ),
        (lambda d: d["holder_key"].update(private_key="AAAA"), "holder key"),
    ],
)
def test_crafted_malformed_payload_is_refused_and_changes_nothing(
    db_session: Session,
    source: User,
    make_user: Callable[..., User],
    change: Callable[[dict[str, Any]], None],
    field: str,
) -> None:
    target = make_user(email="ola.nowa@example.org")
    data = crafted(db_session, source, change)
    before = account_state(db_session, target.id)
    with pytest.raises(BackupFileError) as raised:
        restore(db_session, target, data)
    db_session.rollback()
    assert raised.value.code == "backup_contents"
    assert field in raised.value.detail
    assert account_state(db_session, target.id) == before


def test_crafted_forged_credential_is_stored_as_failed_like_any_upload(
    db_session: Session, source: User, make_user: Callable[..., User]
) -> None:
    digests: list[str] = []

    def forge(document: dict[str, Any]) -> None:
        entry = document["credentials"][0]
        raw = json.loads(base64.b64decode(entry["raw"]))
        raw["name"] = "Forged title"
        data = json.dumps(raw).encode()
        entry["raw"] = base64.b64encode(data).decode()
        entry["digest"] = hashlib.sha256(data).hexdigest()
        digests.append(entry["digest"])

    target = make_user(email="ola.nowa@example.org")
    restore(db_session, target, crafted(db_session, source, forge))
    forged = db_session.scalars(
        select(Credential).where(
            Credential.user_id == target.id, Credential.content_hash == digests[0]
        )
    ).all()
    assert [c.verdict for c in forged] == [Verdict.FAILED]
