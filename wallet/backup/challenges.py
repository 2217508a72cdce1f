"""DIDAuth challenges: random, tied to one holder and one domain, single-use and expiring."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wallet.errors import N_, NotFoundError, ValidationError
from wallet.models import DidChallenge

CHALLENGE_LIFETIME = timedelta(minutes=15)
CHALLENGE_BYTES = 24
# Expired challenges are kept a day, so answering one late says "expired", not "unknown".
_KEPT = timedelta(days=1)


def current_challenge(session: Session, user_id: int, domain: str, now: datetime) -> DidChallenge:
    """The holder's open challenge for ``domain``, or a new one; the caller commits.

    Reloading the page keeps the challenge the holder may already have signed over.
    """
    session.execute(
        delete(DidChallenge).where(
            DidChallenge.user_id == user_id, DidChallenge.expires_at < now - _KEPT
        )
    )
    open_one = session.scalar(
        select(DidChallenge)
        .where(
            DidChallenge.user_id == user_id,
            DidChallenge.domain == domain,
            DidChallenge.used_at.is_(None),
            DidChallenge.expires_at > now + timedelta(minutes=2),
        )
        .order_by(DidChallenge.id.desc())
        .limit(1)
    )
    if open_one is not None:
        return open_one
    challenge = DidChallenge(
        user_id=user_id,
        challenge=secrets.token_urlsafe(CHALLENGE_BYTES),
        domain=domain,
        created_at=now,
        expires_at=now + CHALLENGE_LIFETIME,
    )
    session.add(challenge)
    session.flush()
    return challenge


def open_challenge(session: Session, user_id: int, value: str, now: datetime) -> DidChallenge:
    """The holder's challenge ``value`` if it may still be answered; else the reason."""
    challenge = session.scalar(
        select(DidChallenge).where(DidChallenge.user_id == user_id, DidChallenge.challenge == value)
    )
    if challenge is None:
        raise NotFoundError(
            N_("This challenge is unknown. Reload the page and sign the new challenge."),
            code="challenge_unknown",
        )
    if challenge.used_at is not None:
        raise ValidationError(
            N_("This challenge has already been answered. Sign the new challenge shown."),
            code="challenge_used",
        )
    if challenge.expires_at <= now:
        raise ValidationError(
            N_("This challenge has expired. Sign the new challenge shown."),
            code="challenge_expired",
        )
    return challenge
