"""Time what a recruiter opens: share pages re-verified live, presentations, the CV and its PDF.

Usage: python benchmarks/share.py [--credentials 100] [--requests 20]
Builds a SQLite database in a temporary folder with one holder whose credentials are Open Badges
3.0 credentials signed (eddsa-jcs-2022) by did:key issuers (the portfolio of
``benchmarks/pages.py``), makes share links of 1, 10 and 50 credentials and a published CV of
20, then requests each page anonymously through the Flask test client and prints p50/p95
milliseconds. Every share page re-verifies its credentials on each request; the CV shows stored
verdicts. The target for a share page of 10 credentials is a p95 under 300 ms.
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
from wallet.db import Database
from wallet.schema import upgrade_schema
from wallet.services import Services
from wallet.share import cv, links

SIZES = (1, 10, 50)
CV_SIZE = 20


def make_links(services: Services, user_id: int, ids: list[int]) -> dict[int, str]:
    """A share link of each size in SIZES, disclosing every optional field; size -> token."""
    now = datetime.now(UTC)
    tokens = {}
    with services.database.sessions() as session:
        for size in SIZES:
            choices = [
                links.Choice(c, show_grade=True, show_evidence=True, show_recipient=True)
                for c in ids[:size]
            ]
            new = links.create_share(
                session,
                user_id,
                label=f"{size} credentials",
                choices=choices,
                expires_at=None,
                passcode=None,
                now=now,
            )
            tokens[size] = new.token
        session.commit()
    return tokens


def publish_cv(services: Services, user_id: int, ids: list[int]) -> str:
    """A published CV showing the first CV_SIZE credentials; returns its address."""
    data = cv.ProfileInput(
        display_name="Bench Holder",
        language="pl",
        headline={"pl": "Analityczka danych", "en": "Data analyst"},
        summary={"pl": "Dziesięć lat pracy z danymi.", "en": "Ten years of work with data."},
        contacts=["bench@example.org"],
        experience=[cv.Entry("Analityczka", "Firma", "2019–2026")],
        education=[cv.Entry("Informatyka", "Uniwersytet", "2014–2019")],
        languages=["polski", "English"],
        skills=["Python", "SQL"],
        credential_ids=ids[:CV_SIZE],
        slug="bench-holder",
        published=True,
    )
    with services.database.sessions() as session:
        profile = cv.save_profile(session, user_id, data, datetime.now(UTC))
        session.commit()
        return profile.slug


def main() -> None:
    """Build the portfolio in a temporary folder, time the public pages, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if args.credentials < max(*SIZES, CV_SIZE):
        parser.error(f"--credentials must be at least {max(*SIZES, CV_SIZE)}")
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
        tokens = make_links(services, user_id, ids)
        slug = publish_cv(services, user_id, ids)
        client = app.test_client()
        rows = []
        for size, token in tokens.items():
            rows.append(
                (f"share page, {size} live", *measure(client, same(f"/s/{token}"), args.requests))
            )
            path = f"/s/{token}/presentation.json"
            rows.append((f"presentation, {size}", *measure(client, same(path), args.requests)))
        rows.append((f"CV page, {CV_SIZE}", *measure(client, same(f"/cv/{slug}"), args.requests)))
        pdf_requests = max(3, args.requests // 4)
        rows.append((f"CV PDF, {CV_SIZE}", *measure(client, same(f"/cv/{slug}.pdf"), pdf_requests)))
        print(f"{args.credentials} credentials; {args.requests} requests per page")
        for page, p50, p95 in rows:
            print(f"{page:<28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        database.engine.dispose()


if __name__ == "__main__":
    main()
