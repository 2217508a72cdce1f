"""``wallet demo``: a demo account holding a real, verified Polish/English portfolio.

The credentials are issued at demo time by the demo issuer with fresh keys and imported through
the ordinary import service, so they are stored verbatim and verified like any upload. Nothing
is fetched from the network, so the Open Badges 2.0 badge, whose key only its issuer's server
could provide, is kept as "unverifiable". Running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.accounts import register_user
from wallet.db import Database
from wallet.demo.badge import signed_badge_png
from wallet.demo.edc import research_data_credential
from wallet.demo.portfolio import (
    DemoIssuers,
    data_analyst_clr,
    digital_content,
    digital_safety,
    eudi_learning_credential,
    sql_jwt,
)
from wallet.demo.sharing import DemoSharing, create_demo_sharing
from wallet.fetching import OfflineFetcher
from wallet.holder import pathways
from wallet.holder.credentials import ImportResult, import_bytes
from wallet.models import HolderIdentifier, IdentifierKind, User
from wallet.verification.context import VerificationContext

DEMO_EMAIL = "demo@plecak.example"
# A fixed, published password: the demo account holds nothing private and must be re-enterable.
DEMO_PASSWORD = "plecak-demo-2026"  # noqa: S105
DEMO_NAME = "Maria Nowak (demo)"

Builder = Callable[[DemoIssuers, str, dt.datetime], bytes]
PORTFOLIO: tuple[tuple[str, Builder], ...] = (
    ("demo/bezpieczenstwo-cyfrowe.json", digital_safety),
    ("demo/tresci-cyfrowe.json", digital_content),
    ("demo/podstawy-sql.jwt", sql_jwt),
    ("demo/kompetencje-cyfrowe.sd-jwt", eudi_learning_credential),
    ("demo/analityk-danych-clr.json", data_analyst_clr),
    ("demo/zarzadzanie-danymi-edc.json", research_data_credential),
    # Its key is published by URL only, so offline it is stored as "unverifiable".
    ("demo/wolontariusz-cyfrowy.png", signed_badge_png),
)
# Pathways the demo holder follows: readiness toward them is computed from the portfolio.
DEMO_PATHWAYS = ("zsk-analityk-danych", "digcomp-2.2")


@dataclass(frozen=True)
class DemoAccount:
    """The demo account and, when it was just created, what importing its portfolio gave."""

    email: str
    password: str
    created: bool
    results: tuple[ImportResult, ...] = ()
    sharing: DemoSharing | None = None


def create_demo(session: Session, at: dt.datetime) -> DemoAccount:
    """Create the demo account with its portfolio unless it exists; the caller commits."""
    exists = session.scalar(select(User.id).where(User.email == DEMO_EMAIL))
    if exists is not None:
        return DemoAccount(DEMO_EMAIL, DEMO_PASSWORD, created=False)
    user = register_user(session, email=DEMO_EMAIL, password=DEMO_PASSWORD, display_name=DEMO_NAME)
    user.language = "pl"
    session.add(
        HolderIdentifier(
            user_id=user.id, kind=IdentifierKind.EMAIL, value=DEMO_EMAIL, confirmed_at=at
        )
    )
    session.flush()
    issuers = DemoIssuers.generate(at)
    ctx = VerificationContext(
        fetcher=OfflineFetcher("the demo fetches nothing from the network"),
        at=at,
        recipients=frozenset({DEMO_EMAIL}),
    )
    results: list[ImportResult] = []
    for source, build in PORTFOLIO:
        results.extend(import_bytes(session, user.id, build(issuers, DEMO_EMAIL, at), source, ctx))
    for key in DEMO_PATHWAYS:
        pathways.add_template(session, user.id, key)
    sharing = create_demo_sharing(session, user.id, DEMO_NAME, at)
    return DemoAccount(DEMO_EMAIL, DEMO_PASSWORD, True, tuple(results), sharing)


def run_demo(database: Database, at: dt.datetime) -> DemoAccount:
    """``create_demo`` in its own transaction."""
    with database.sessions() as session:
        account = create_demo(session, at)
        session.commit()
    return account
