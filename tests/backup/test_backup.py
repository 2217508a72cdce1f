"""Encrypted backup: round trip into a new account under another secret, and bad files refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.backup.portfolio import AT, credential_count, link_of, restore_context, whole_wallet
from tests.backup.state import NOT_PORTABLE, account_state, owned_tables
from tests.conftest import TEST_PASSWORD
from wallet.accounts import delete_account
from wallet.backup import files
from wallet.backup.container import BackupFileError, KdfParameters
from wallet.errors import ConflictError, ValidationError
from wallet.models import Credential, HolderIdentifier, User, VerificationRun
from wallet.share import links
from wallet.share.keys import holder_key
from wallet.verification.report import Verdict

OLD_SECRET = "the-first-instance-secret-key-0123456789abcdef"
NEW_SECRET = "another-instance-with-its-own-secret-9876543210"
PASSPHRASE = "zielony plecak na zimę"
FAST = KdfParameters(memory_kib=8 * 1024, iterations=1, lanes=1)


def backup_of(session: Session, user: User, params: KdfParameters | None = FAST) -> bytes:
    return files.make_backup(session, user, PASSPHRASE, secret=OLD_SECRET, now=AT, params=params)


def restore(session: Session, user: User, data: bytes, passphrase: str = PASSPHRASE):  # type: ignore[no-untyped-def]
    summary = files.restore_file(
        session, user, data, passphrase, secret=NEW_SECRET, make_context=restore_context
    )
    session.commit()
    return summary


def test_backup_round_trip_into_a_new_account_under_another_secret_keeps_everything(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    before = account_state(db_session, old.id)
    old_did, old_key = holder_key(db_session, old.id, OLD_SECRET)
    data = backup_of(db_session, old, params=None)  # the default (RFC 9106) cost
    # The wallet moves: the old account goes, the new instance has its own secret.
    delete_account(db_session, old, password=TEST_PASSWORD)
    db_session.commit()
    new = make_user(email="ola.nowa@example.org", name="Ola")
    summary = restore(db_session, new, data)

    assert account_state(db_session, new.id) == before
    assert summary.failed == () and summary.present == 0 and summary.added == 5
    did, key = holder_key(db_session, new.id, NEW_SECRET)
    assert did == old_did and key.private_bytes_raw() == old_key.private_bytes_raw()
    restored = db_session.scalars(select(Credential).where(Credential.user_id == new.id)).all()
    for credential in restored:
        runs = db_session.scalars(
            select(VerificationRun).where(VerificationRun.credential_id == credential.id)
        ).all()
        assert len(runs) == 1  # verified again on restore, a new history
    signed = [c for c in restored if c.title in ("Analiza danych", "Bezpieczeństwo sieci")]
    assert [c.verdict for c in signed] == [Verdict.VERIFIED, Verdict.VERIFIED]
    # A backup is the holder's own word: identifiers must be confirmed again.
    confirmed = db_session.scalars(
        select(HolderIdentifier).where(
            HolderIdentifier.user_id == new.id, HolderIdentifier.confirmed_at.is_not(None)
        )
    ).all()
    assert confirmed == []


def test_backup_restored_share_link_opens_with_its_old_token_and_passcode(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    token_hash = link_of(db_session, old.id).token_hash
    data = backup_of(db_session, old)
    delete_account(db_session, old, password=TEST_PASSWORD)
    new = make_user(email="ola.nowa@example.org")
    restore(db_session, new, data)
    link = link_of(db_session, new.id)
    assert link.token_hash == token_hash and links.is_live(link, AT)
    links.check_passcode(link, "tajne-haslo", AT)
    with pytest.raises(links.PasscodeRequiredError):
        links.check_passcode(link, "inne-haslo", AT)


def test_backup_restoring_twice_changes_nothing(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    data = backup_of(db_session, old)
    delete_account(db_session, old, password=TEST_PASSWORD)
    new = make_user(email="ola.nowa@example.org")
    restore(db_session, new, data)
    once = account_state(db_session, new.id)
    again = restore(db_session, new, data)
    assert account_state(db_session, new.id) == once
    assert again.added == 0 and again.others_added == 0 and again.present == 5


def test_backup_restore_beside_the_original_account_keeps_the_originals_link_and_cv(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    data = backup_of(db_session, old)
    original = account_state(db_session, old.id)
    new = make_user(email="ola.nowa@example.org")
    restore(db_session, new, data)
    assert account_state(db_session, old.id) == original
    assert link_of(db_session, new.id).token_hash != link_of(db_session, old.id).token_hash
    assert credential_count(db_session, new.id) == credential_count(db_session, old.id)


def test_backup_restore_into_an_account_with_another_holder_key_is_refused(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    data = backup_of(db_session, old)
    new = make_user(email="ola.nowa@example.org")
    holder_key(db_session, new.id, NEW_SECRET)
    db_session.commit()
    before = account_state(db_session, new.id)
    with pytest.raises(ConflictError):
        restore(db_session, new, data)
    db_session.rollback()
    assert account_state(db_session, new.id) == before


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def _rehash(data: bytes) -> bytes:
    """``data`` with its trailing SHA-256 made to fit again, as a careful forger would."""
    return data[:-32] + hashlib.sha256(data[:-32]).digest()


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda d: d, "backup_passphrase"),  # with the wrong passphrase below
        (lambda d: d[: len(d) // 2], "backup_truncated"),
        (lambda d: d[:40], "backup_truncated"),
        (lambda d: d[:-1], "backup_truncated"),
        (lambda d: d + b"\0", "backup_altered"),
        (lambda d: _flip(d, 30), "backup_altered"),  # the salt, in the header
        (lambda d: _flip(d, 10), "backup_altered"),  # the KDF memory cost
        (lambda d: _flip(d, len(d) // 2), "backup_altered"),  # the encrypted body
        (lambda d: _rehash(_flip(d, 40)), "backup_altered"),  # the nonce, checksum forged
        (lambda d: _rehash(_flip(d, len(d) - 40)), "backup_altered"),  # the GCM tag
        (lambda d: b"PK\x03\x04" + d[4:], "backup_format"),
        (lambda d: d[:8] + b"\x02" + d[9:], "backup_version"),
    ],
)
def test_backup_bad_file_is_refused_with_its_reason_and_nothing_changes(
    db_session: Session,
    make_user: Callable[..., User],
    damage: Callable[[bytes], bytes],
    code: str,
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    data = damage(backup_of(db_session, old))
    new = make_user(email="ola.nowa@example.org")
    before = account_state(db_session, new.id)
    passphrase = "not the passphrase at all" if code == "backup_passphrase" else PASSPHRASE
    with pytest.raises(BackupFileError) as raised:
        restore(db_session, new, data, passphrase)
    db_session.rollback()
    assert raised.value.code == code
    assert account_state(db_session, new.id) == before


@pytest.mark.parametrize("passphrase", ["short one", "password1234"])
def test_backup_weak_passphrase_is_refused(
    db_session: Session, make_user: Callable[..., User], passphrase: str
) -> None:
    user = make_user()
    with pytest.raises(ValidationError):
        files.make_backup(db_session, user, passphrase, secret=OLD_SECRET, now=AT)


def test_backup_file_names_its_parameters_and_carries_no_plain_text(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ola@example.org")
    whole_wallet(db_session, user, OLD_SECRET)
    data = backup_of(db_session, user, params=None)
    assert data[:8] == b"PLCKBKP\x00" and data[8] == 1 and data[9] == 1
    assert int.from_bytes(data[10:14], "big") == 64 * 1024  # KiB of Argon2id memory
    for text in (b"Analiza", b"Rekruterka", b"ola@example.org", b"did:key"):
        assert text not in data


def test_backup_every_owned_table_is_backed_up_or_named_not_portable() -> None:
    backed_up = {
        "users",
        "credentials",
        "collections",
        "collection_items",
        "tags",
        "credential_tags",
        "holder_identifiers",
        "holder_keys",
        "holder_pathways",
        "pathway_decisions",
        "document_links",
        "cv_profiles",
        "cv_items",
        "share_links",
        "share_items",
        "share_views",
    }
    owned = {table.name for table in owned_tables()}
    assert owned - NOT_PORTABLE == backed_up, "a new owned table: back it up or say why not"


def test_backup_expired_share_link_stays_expired_after_restore(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    old = make_user(email="ola@example.org")
    whole_wallet(db_session, old, OLD_SECRET)
    data = backup_of(db_session, old)
    delete_account(db_session, old, password=TEST_PASSWORD)
    new = make_user(email="ola.nowa@example.org")
    restore(db_session, new, data)
    assert not links.is_live(link_of(db_session, new.id), AT + timedelta(days=31))


def test_backup_restored_into_the_account_it_came_from_changes_nothing(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ola@example.org")
    whole_wallet(db_session, user, OLD_SECRET)
    data = backup_of(db_session, user)
    before = account_state(db_session, user.id)
    summary = files.restore_file(
        db_session, user, data, PASSPHRASE, secret=OLD_SECRET, make_context=restore_context
    )
    db_session.commit()
    assert account_state(db_session, user.id) == before
    assert summary.added == 0 and summary.others_added == 0
