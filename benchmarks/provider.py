"""Time what an app reads through the Open Badges 3.0 API: credential pages and the profile.

Usage: python benchmarks/provider.py [--credentials 200] [--requests 30]
Builds a SQLite database in a temporary folder with one holder whose credentials are Open
Badges 3.0 credentials signed by did:key issuers (the portfolio of ``benchmarks/pages.py``),
lets one registered app read all of them, then requests pages of 10 and 100 credentials (at
offsets across the list) and the profile with its bearer token through the Flask test client,
and prints p50/p95 milliseconds. Each read is written to the holder's access log, as in use.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, this folder is on sys.path: the portfolio builder is shared with pages.py.
from pages import build_portfolio, measure, same

from wallet import create_app
from wallet.config import Settings
from wallet.connect.provider.grants import approve_grant
from wallet.connect.provider.scopes import CREDENTIALS_SCOPE, PROFILE_SCOPE
from wallet.connect.provider.tokens import store_token
from wallet.db import Database
from wallet.models import AppClient
from wallet.schema import upgrade_schema
from wallet.services import Services
from wallet.share.links import token_hash

TOKEN = "benchmark-access-token-that-is-long-enough-0123456789"


def grant_app(services: Services, user_id: int, ids: list[int]) -> None:
    """One app allowed to read every credential and the profile, holding ``TOKEN``."""
    scope = f"{CREDENTIALS_SCOPE} {PROFILE_SCOPE}"
    now = datetime.now(UTC)
    with services.database.sessions() as session:
        app = AppClient(
            client_id="bench-app",
            secret_hash=token_hash("bench-secret"),
            name="Bench App",
            redirect_uris=["https://app.example.org/cb"],
            scope=scope,
            auth_method="client_secret_basic",
            grant_types=["authorization_code", "refresh_token"],
        )
        session.add(app)
        session.flush()
        grant = approve_grant(session, user_id, app, scope, ids, now)
        store_token(session, {"access_token": TOKEN, "scope": scope}, grant, now)
        session.commit()


def main() -> None:
    """Build the portfolio in a temporary folder, time the API reads, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        settings = Settings(
            secret_key="benchmark-secret-key-that-is-long-enough-0123",
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'wallet.sqlite3'}",
            testing=True,
        )
        database = Database.from_url(settings.database_url)
        upgrade_schema(database.engine)
        app = create_app(settings, database=database)
        services: Services = app.extensions["wallet"]
        user_id, ids = build_portfolio(services, args.credentials, issuers=8)
        grant_app(services, user_id, ids)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {TOKEN}"}
        rows = []
        for label, limit in (("credentials, page of 10", 10), ("credentials, page of 100", 100)):

            def page(n: int, limit: int = limit) -> str:
                return f"/ims/ob/v3p0/credentials?limit={limit}&offset={(n * limit) % len(ids)}"

            rows.append((label, *measure(client, page, args.requests, headers)))
        profile = same("/ims/ob/v3p0/profile")
        rows.append(("profile", *measure(client, profile, args.requests, headers)))
        print(f"{len(ids)} credentials; {args.requests} requests per row")
        for page, p50, p95 in rows:
            print(f"{page:<28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        database.engine.dispose()


if __name__ == "__main__":
    main()
