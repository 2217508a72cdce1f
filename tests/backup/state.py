"""An account's rows with row ids replaced by what they stand for, to compare two accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from wallet.models import Base

# Owned tables a backup deliberately leaves out: instance-bound secrets, history, transients.
NOT_PORTABLE = {
    "connections",  # tokens and client registrations belong to this instance's address
    "import_jobs",
    "import_items",
    "verification_runs",  # the restore verifies again and starts a new history
    "notices",
    "did_challenges",
    # Apps' access is granted to this instance's address; the holder grants it again after moving.
    "app_clients",
    "app_grants",
    "app_grant_credentials",
    "app_authorization_codes",
    "app_tokens",
    "app_access_log",
    "search_documents",  # the PostgreSQL search index, rebuilt from the credentials
    "search_owners",
}
# What a row of each referenced table stands for, across accounts and instances.
NATURAL_KEYS = {
    "credentials": "content_hash",
    "collections": "name",
    "tags": "name",
    "holder_pathways": "key",
    "share_links": "challenge",
    "cv_profiles": "slug",
}
# Columns that differ by design between the original and the restored account.
DIFFERENT = {
    "users": {"email", "password_hash", "session_id", "created_at"},
    "credentials": {"verified_at", "report"},
    "holder_keys": {"encrypted_private_key"},  # sealed under each instance's own secret
    "holder_identifiers": {"confirmed_at", "created_at"},  # confirmed again on the new one
    "share_links": {"failed_attempts", "locked_until"},
}


def owned_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name == "users" or "user_id" in t.c]


def account_state(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every portable row of the account, ids swapped for natural keys, in a stable order."""
    session.commit()  # read what others committed, and hold no snapshot afterwards
    session.expire_all()
    names: dict[tuple[str, int], Any] = {}
    for table_name, column in NATURAL_KEYS.items():
        table = Base.metadata.tables[table_name]
        for row_id, value in session.execute(
            select(table.c.id, table.c[column]).where(table.c.user_id == user_id)
        ):
            names[(table_name, row_id)] = value
    state: dict[str, list[dict[str, Any]]] = {}
    for table in owned_tables():
        if table.name in NOT_PORTABLE:
            continue
        owner = table.c.id if table.name == "users" else table.c.user_id
        rows = []
        for row in session.execute(select(table).where(owner == user_id)):
            rows.append(_portable(table, row._mapping, names))
        state[table.name] = sorted(rows, key=repr)
    session.commit()
    return state


def _portable(table: Table, row: Any, names: dict[tuple[str, int], Any]) -> dict[str, Any]:
    values = {}
    for column in table.columns:
        if column.name in ("id", "user_id") or column.name in DIFFERENT.get(table.name, set()):
            continue
        value = row[column.name]
        for key in column.foreign_keys:
            target = key.column.table.name
            assert target in NATURAL_KEYS, f"give {target} a natural key in tests/backup/state.py"
            value = None if value is None else names[(target, value)]
        values[column.name] = value
    return values
