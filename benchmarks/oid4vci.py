"""Time receiving an OpenID4VCI credential offer: the protocol exchanges, then verification.

Usage: PYTHONPATH=. python benchmarks/oid4vci.py [--offers 20]
Starts the test suite's OpenID4VCI issuer on 127.0.0.1 (``tests/support/oid4vci_issuer.py``)
and, for each format, receives ``--offers`` pre-authorized offers into a SQLite database in a
temporary folder: ``accept_offer`` (issuer and server metadata, token, nonce, the holder's
key proof, the credential; the issuer signing it runs in this process too) is timed apart
from the import job that reads, verifies and stores the credential. Prints p50/p95
milliseconds. Loopback exchanges cost little: against a real issuer the six network round
trips of an offer (five, six by reference) dominate.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.support.oid4vci_issuer import DI_VC, JWT_VC, SD_JWT, running_oid4vci_issuer
from wallet import create_app
from wallet.accounts import register_user
from wallet.config import Settings
from wallet.connect.oid4vci_receive import ReceiveConfig, Received, accept_offer
from wallet.db import Database
from wallet.fetching import SafeFetcher
from wallet.holder import import_jobs
from wallet.holder.job_runner import job_context
from wallet.schema import upgrade_schema
from wallet.services import Services

SECRET = "benchmark-secret-key-that-is-long-enough-0000000000"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of ``samples`` seconds, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def receive(
    services: Services, user_id: int, offer: str, config: ReceiveConfig
) -> tuple[float, int]:
    """Seconds ``accept_offer`` took for ``offer``, and the import job it queued."""
    fetcher = SafeFetcher(allow_loopback=True, timeout=10)
    with services.database.sessions() as session:
        start = time.perf_counter()
        outcome = accept_offer(session, user_id, fetcher, offer, config, datetime.now(UTC))
        took = time.perf_counter() - start
        assert isinstance(outcome, Received) and outcome.job is not None, outcome
        job_id = outcome.job.id
        session.commit()
    return took, job_id


def main() -> None:
    """Receive the offers, print a table of the protocol and verification times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=20)
    offers = parser.parse_args().offers
    with tempfile.TemporaryDirectory() as folder, running_oid4vci_issuer() as issuer:
        data_dir = Path(folder)
        settings = Settings(
            secret_key=SECRET,
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'wallet.sqlite3'}",
            testing=True,
            allow_loopback_fetch=True,
        )
        database = Database.from_url(settings.database_url)
        upgrade_schema(database.engine)
        services: Services = create_app(settings, database=database).extensions["wallet"]
        with services.database.sessions() as session:
            user_id = register_user(
                session, email="bench@example.org", password="bench-password-1", display_name="B"
            ).id
            session.commit()
        config = ReceiveConfig(SECRET, "http://127.0.0.1", "http://127.0.0.1/cb", True)
        print(f"{'format':<26}{'protocol p50':>14}{'p95':>8}{'verify p50':>12}{'p95':>8}")
        for label, configuration in (
            ("dc+sd-jwt", SD_JWT),
            ("jwt_vc_json", JWT_VC),
            ("ldp_vc", DI_VC),
        ):
            protocol, verify = [], []
            for _ in range(offers):
                took, job_id = receive(services, user_id, issuer.offer(configuration), config)
                protocol.append(took)
                start = time.perf_counter()
                import_jobs.run_job(services.database.sessions, job_id, job_context(services))
                verify.append(time.perf_counter() - start)
            p50, p95 = percentiles(protocol)
            v50, v95 = percentiles(verify)
            print(f"{label:<26}{p50:>12.1f}ms{p95:>6.1f}ms{v50:>10.1f}ms{v95:>6.1f}ms")


if __name__ == "__main__":
    main()
