"""Backup files end to end: make one from an account, restore one into an account."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from wallet.models import User

from .collect import collect_backup
from .container import KdfParameters, open_backup, seal_backup
from .payload import payload_to_json, read_payload
from .restore import ContextFactory, RestoreSummary, restore_backup


def make_backup(
    session: Session,
    user: User,
    passphrase: str,
    *,
    secret: str,
    now: datetime,
    params: KdfParameters | None = None,
) -> bytes:
    """The encrypted backup of everything ``user`` owns (holder key included)."""
    backup = collect_backup(session, user, secret, now)
    text = json.dumps(payload_to_json(backup), ensure_ascii=False, separators=(",", ":"))
    return seal_backup(text.encode(), passphrase, params)


def restore_file(
    session: Session,
    user: User,
    data: bytes,
    passphrase: str,
    *,
    secret: str,
    make_context: ContextFactory,
) -> RestoreSummary:
    """Restore the backup in ``data`` into ``user``'s account; the caller commits once.

    ``BackupFileError`` names what is wrong with the file before anything is written.
    """
    backup = read_payload(open_backup(data, passphrase))
    return restore_backup(session, user, backup, secret=secret, make_context=make_context)


def backup_filename(now: datetime) -> str:
    """The name a downloaded backup gets."""
    return f"plecak-backup-{now:%Y-%m-%d}.plecak"
