"""Time an encrypted backup, its restore under another secret, and the plain export.

Usage: python benchmarks/backup.py [--credentials 500] [--runs 3]
Builds a SQLite database in a temporary folder with one holder whose credentials are Open Badges
3.0 credentials signed (eddsa-jcs-2022) by did:key issuers (the portfolio of
``benchmarks/pages.py``). It then makes the backup with the default Argon2id cost, restores it
into a new account as an instance with another secret key would (every credential re-imported
and verified again, offline: did:key issuers), restores it a second time (nothing to add), and
makes the export ZIP. Prints the file sizes and the median seconds of each step.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, this folder is on sys.path: the portfolio builder is shared with pages.py.
from pages import build_portfolio

from wallet import accounts, create_app
from wallet.backup import container, export, files
from wallet.config import Settings
from wallet.db import Database
from wallet.models import User
from wallet.schema import upgrade_schema
from wallet.services import Services
from wallet.verification.context import RecipientClaims, VerificationContext

PASSPHRASE = "benchmark passphrase 2026"
NEW_SECRET = "benchmark-second-instance-secret-0123456789"


def timed(step: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median seconds of ``runs`` calls, and the last result."""
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def _refused(data: bytes) -> str:
    try:
        container.open_backup(data, "not the passphrase")
    except container.BackupFileError as error:
        return error.code
    raise AssertionError("a wrong passphrase opened the backup")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--credentials", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            secret_key="benchmark-secret-key-that-is-long-enough-0123",
            data_dir=Path(folder),
            database_url=f"sqlite:///{folder}/wallet.sqlite3",
            testing=True,
        )
        database = Database.from_url(settings.database_url)
        upgrade_schema(database.engine)
        services: Services = create_app(settings, database=database).extensions["wallet"]
        owner_id, _ids = build_portfolio(services, args.credentials, 12)

        def context(claims: RecipientClaims) -> VerificationContext:
            return services.verification_context(claims, datetime.now(UTC))

        with database.sessions() as session:
            owner = session.get(User, owner_id)
            assert owner is not None
            now = datetime.now(UTC)
            seconds, data = timed(
                lambda: files.make_backup(
                    session, owner, PASSPHRASE, secret=settings.secret_key, now=now
                ),
                args.runs,
            )
            assert isinstance(data, bytes)
            size = len(data) / 1e6
            print(f"backup of {args.credentials} credentials: {size:.2f} MB, {seconds:.2f} s")
            kdf, _ = timed(lambda: _refused(data), args.runs)
            print(f"wrong passphrase refused (one Argon2id run, 64 MiB, 3 passes): {kdf:.2f} s")
            restores = []
            for run in range(args.runs):
                user = accounts.register_user(
                    session, email=f"new{run}@example.org", password=PASSPHRASE, display_name="N"
                )
                session.commit()
                start = time.perf_counter()
                summary = files.restore_file(
                    session, user, data, PASSPHRASE, secret=NEW_SECRET, make_context=context
                )
                session.commit()
                restores.append(time.perf_counter() - start)
                assert summary.added == args.credentials and not summary.failed, summary
            restore = statistics.median(restores)
            print(
                f"restore into a new account: {restore:.2f} s "
                f"({args.credentials / restore:.0f} credentials per second)"
            )
            again, summary = timed(
                lambda: files.restore_file(
                    session, user, data, PASSPHRASE, secret=NEW_SECRET, make_context=context
                ),
                args.runs,
            )
            session.rollback()
            print(f"restoring the same file again (nothing added): {again:.2f} s")
            exported, archive = timed(lambda: export.export_archive(session, owner, now), args.runs)
            assert isinstance(archive, bytes)
            print(f"export ZIP: {len(archive) / 1e6:.2f} MB, {exported:.2f} s")


if __name__ == "__main__":
    main()
