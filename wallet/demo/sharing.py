"""The demo holder's CV and one share link that hides the grade of one credential."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.models import Credential
from wallet.share import cv, links

CV_SLUG = "demo-anna"


@dataclass(frozen=True)
class DemoSharing:
    """Where the demo CV lives, and the share link's token (shown once)."""

    cv_slug: str
    share_token: str


def create_demo_sharing(session: Session, user_id: int, name: str, at: dt.datetime) -> DemoSharing:
    """Publish the demo CV with every stored credential and share three, one without its grade."""
    ids = list(
        session.scalars(
            select(Credential.id)
            .where(Credential.user_id == user_id, Credential.container_id.is_(None))
            .order_by(Credential.id)
        )
    )
    profile = cv.save_profile(
        session,
        user_id,
        cv.ProfileInput(
            display_name=name,
            language="pl",
            headline={"pl": "Analityczka danych", "en": "Data analyst"},
            summary={
                "pl": "Pracuję z danymi i bezpieczeństwem cyfrowym.",
                "en": "I work with data.",
            },
            contacts=["demo@plecak.example"],
            experience=cv.parse_entries("Analityczka danych | Przykładowa sp. z o.o. | 2024–2026"),
            education=cv.parse_entries("Informatyka | Politechnika Przykładowa | 2019–2023"),
            languages=["polski (ojczysty)", "angielski (C1)"],
            skills=["SQL", "Python", "Bezpieczeństwo cyfrowe"],
            credential_ids=ids,
            slug=CV_SLUG,
            published=True,
        ),
        at,
    )
    choices = [links.Choice(ids[0])] + [links.Choice(i, True, True, True) for i in ids[1:3]]
    created = links.create_share(
        session,
        user_id,
        label="Rekrutacja ACME",
        choices=choices,
        expires_at=at + dt.timedelta(days=90),
        passcode=None,
        now=at,
    )
    return DemoSharing(profile.slug, created.token)
